"""The PySide6 + pyqtgraph views: windows, panels, plots and export. They read the session
and call its methods; nothing here runs at import time beyond the imports."""
