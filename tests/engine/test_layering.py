"""engine/ and session/ must import with Qt made unimportable (DESIGN.md: layers)."""

import subprocess
import sys
import textwrap


def test_engine_and_session_import_without_qt():
    code = textwrap.dedent(
        """
        import importlib.abc, sys
        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path, target=None):
                if name.split(".")[0] in ("PySide6", "pyqtgraph", "shiboken6", "PyQt5", "PyQt6"):
                    raise ImportError("Qt is not allowed here: " + name)
        sys.meta_path.insert(0, Block())
        import pkgutil, importlib
        import unrolled.engine, unrolled.session
        for pkg in (unrolled.engine, unrolled.session):
            for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
                importlib.import_module(info.name)
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
