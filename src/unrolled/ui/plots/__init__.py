"""The plots of the main window: the unrolled diagram, heatmaps, gradients per timestep
and the loss."""
