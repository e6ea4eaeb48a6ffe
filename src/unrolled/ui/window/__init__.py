"""The main window: its plot area, docks, status line and the File and Preset commands."""
