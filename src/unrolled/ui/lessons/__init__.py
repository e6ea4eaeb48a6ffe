"""A lesson in the window: the pane with the stop's text and the mode that moves through
the stops, sets the session up and frames the plot a stop talks about."""
