"""What drives the window without drawing anything: actions and their shortcuts, the
stepping keys, the transport (play, step, finish), the training runner and the redraw
throttle. QObjects, no widgets."""
