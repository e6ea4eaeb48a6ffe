"""Figures as files: each figure built from its data off screen, written as PNG, SVG, PDF
or CSV (with the SVG cleaned for other programs), animations, and the lesson handout."""
