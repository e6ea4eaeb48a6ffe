"""The PySide6 + pyqtgraph views, in folders by what they are: control (no widgets),
plots, panels, export, window (the main window), windows (compare, sweep), lessons,
dialogs; `app` makes the application and `theme` holds sizes and colours. They read the
session and call its methods; nothing here runs at import time beyond the imports."""
