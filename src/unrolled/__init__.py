"""unrolled: backpropagation through time, one timestep at a time.

Importing any part of it changes nothing in the host process: a notebook that imports the
engine keeps its BLAS threads and its allocator. The app sets those in its `main`
(`unrolled.process.set_up_process`)."""

__version__ = "0.1.0"
