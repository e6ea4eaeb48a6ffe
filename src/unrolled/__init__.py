"""unrolled: backpropagation through time, one timestep at a time."""

__version__ = "0.1.0"
