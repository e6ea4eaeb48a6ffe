"""A lesson in the window: the pane with the stop's text and the mode that moves through
the stops, sets the session up and frames the plot a stop talks about.

lesson_mode.py moves through the stops; host.py says what it needs of its window (a
Protocol: it imports no module of ui/window/); stage.py opens a stop's panels and frames
its plot; stop_comparison.py opens its comparison; remote_keys.py lends PageDown and PageUp
to the lesson; stop_progress.py shows the progress of a long set-up; handout_writing.py
writes the handout; lesson_pane.py shows the stop's text."""
