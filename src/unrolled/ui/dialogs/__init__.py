"""Dialogs: export, the gradient check and a text viewer."""
