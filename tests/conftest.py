import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# one BLAS thread, as the app sets in its main (unrolled/process.py): BLAS threads fight on
# small matrices (DESIGN.md); set before any test module imports NumPy
for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(variable, "1")
# QSettings (recent files, export folder) go to a throwaway place, never the user's own
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="unrolled-tests-config-")
