"""Side panels: the model, the sample, training and the theory."""
