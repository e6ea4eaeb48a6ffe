"""The process settings the app makes for itself in its `main`, never at import: a notebook
that imports the engine keeps its own.

- One BLAS thread unless the user chose a number: on a laptop's few cores BLAS's own
  threads fight the GUI thread over small matrices (building an LSTM with D = 256 took
  5.7 s with OpenBLAS's default threads on a busy 2-core machine and 0.17 s with one).
  threadpoolctl sets the limit in the BLAS libraries already loaded, so it works after NumPy
  is imported, where an environment variable would come too late.
- Large arrays returned to the system when freed (`memory.py`).
"""

from __future__ import annotations

import os

# a user who set one of these chose the BLAS threads; the app leaves them as they are
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def limit_blas_threads() -> bool:
    """One BLAS thread in every BLAS library NumPy loaded; False when the user chose."""
    if any(os.environ.get(name) for name in THREAD_VARIABLES):
        return False
    import numpy  # noqa: F401  (loads the BLAS library whose threads are limited)
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    return True


def set_up_process() -> None:
    from .memory import return_large_arrays_to_the_system

    limit_blas_threads()
    return_large_arrays_to_the_system()
