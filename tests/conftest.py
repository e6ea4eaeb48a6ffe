import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# QSettings (recent files, export folder) go to a throwaway place, never the user's own
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="unrolled-tests-config-")
