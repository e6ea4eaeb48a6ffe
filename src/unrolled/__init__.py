"""unrolled: backpropagation through time, one timestep at a time."""

import os

__version__ = "0.1.0"

# BLAS threads fight the GUI thread over small matrices on a laptop's few cores: building
# an LSTM with D = 256 took 5.7 s with OpenBLAS's default threads on a busy 2-core machine
# and 0.17 s with one. One thread unless the user chose otherwise; this must happen before
# NumPy is first imported, which is why it is here.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

from .memory import return_large_arrays_to_the_system  # noqa: E402

return_large_arrays_to_the_system()
