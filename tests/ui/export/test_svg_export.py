"""SVG that another renderer draws the same: transforms baked into user units, ordinary
strokes, markers as shapes, heatmaps as pixelated images; and librsvg's rendering of every
figure of every preset compared with the PNG export of the same figure."""

import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6 import QtGui

from unrolled.session.figure_registry import figures_for
from unrolled.session.presets import list_presets
from unrolled.session.stepper import Session
from unrolled.ui.export.svg import clean_svg
from unrolled.ui.export.writers import write_figure

QT_LIKE = """<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<svg width="100mm" height="50mm" viewBox="0 0 400 200" xmlns="http://www.w3.org/2000/svg"
 xmlns:xlink="http://www.w3.org/1999/xlink" version="1.2" baseProfile="tiny">
<g fill="none" stroke="black" stroke-width="1">
<g fill="none" stroke="#0072b2" stroke-width="2" transform="matrix(10,0,0,-50,80,260)">
<polyline fill="none" vector-effect="non-scaling-stroke" points="1,1 2,2 3,1.5 " />
</g>
<g fill="#0072b2" stroke="#000000" stroke-width="0.2" transform="matrix(6,0,0,6,100,50)">
<path vector-effect="none" fill-rule="evenodd" d="M-0.5,0 C-0.5,0.3 0.5,0.3 0.5,0 Z"/>
</g>
<g fill="#000000" transform="matrix(0,-1,1,0,20,100)" font-family="Sans Serif" font-size="12">
<text x="0" y="0">norm</text>
</g>
</g>
</svg>"""


def _elements(text: str, tag: str) -> list[ET.Element]:
    return [e for e in ET.fromstring(text).iter() if e.tag.endswith("}" + tag)]


def test_transforms_are_baked_into_user_units(qapp):
    svg = clean_svg(QT_LIKE, "DejaVu Sans")
    (line,) = _elements(svg, "polyline")
    assert line.get("points") == "90,210 100,160 110,185"
    assert "vector-effect" not in svg
    (path,) = _elements(svg, "path")
    assert path.get("d") == "M 97,50 C 97,51.8 103,51.8 103,50 Z"
    assert path.get("stroke-width") == "1.2"  # a pen that scaled with the shape keeps its width
    groups = [g for g in _elements(svg, "g") if g.get("transform")]
    assert groups == []  # text keeps its rotation on itself, nothing else carries a transform
    (text,) = _elements(svg, "text")
    assert text.get("transform") == "matrix(0,-1,1,0,20,100)"
    assert "DejaVu Sans, sans-serif" in svg


def test_grad_norms_markers_are_shapes_and_heatmaps_pixelated(qapp, tmp_path):
    session = Session(list_presets()[0].config)
    session.advance(session.steps_to("iteration") - 1)
    grad = write_figure(session, "grad_norms", tmp_path / "g.svg", "svg").read_text()
    assert "<image" not in grad  # markers are paths; the blank background is a rectangle
    assert "non-scaling-stroke" not in grad
    heat = write_figure(session, "hidden_states", tmp_path / "h.svg", "svg").read_text()
    images = _elements(heat, "image")
    assert images and all(i.get("style") == "image-rendering:pixelated" for i in images)
    for element in ET.fromstring(heat).iter():
        transform = element.get("transform")
        assert transform is None or element.tag.endswith("}text"), (element.tag, transform)


def _grey(path) -> np.ndarray:
    image = QtGui.QImage(str(path)).convertToFormat(QtGui.QImage.Format.Format_Grayscale8)
    data = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    return data.reshape(image.height(), -1)[:, : image.width()].astype(float) / 255


def librsvg_difference(session: Session, name: str, folder) -> float:
    """Mean grey difference (0..1) between librsvg's rendering of the SVG export and the
    PNG export of the same figure, at the same pixel size."""
    png = write_figure(session, name, folder / f"{name}.png", "png", dpi=96)
    svg = write_figure(session, name, folder / f"{name}.svg", "svg")
    size = QtGui.QImage(str(png)).size()
    raster = folder / f"{name}.rsvg.png"
    subprocess.run(["rsvg-convert", "-w", str(size.width()), "-h", str(size.height()), "-b", "white",
                    "-o", str(raster), str(svg)], check=True, capture_output=True)
    return float(np.abs(_grey(png) - _grey(raster)).mean())


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="librsvg2-bin (rsvg-convert) is not installed")
@pytest.mark.parametrize("preset", [p.name for p in list_presets()])
def test_librsvg_draws_every_figure_like_the_png(qapp, tmp_path, preset):
    config = next(p.config for p in list_presets() if p.name == preset)
    session = Session(config)
    session.advance(session.steps_to("iteration") - 1)  # forward and backward done: every curve drawn
    differences = {name: librsvg_difference(session, name, tmp_path) for name in figures_for(session)}
    # each renderer lays glyphs out with its own font metrics: the diagram, whose cells carry
    # the arrays' shapes in small text, differs by a little more than a plot
    limits = {"diagram": 0.025}
    assert all(value < limits.get(name, 0.02) for name, value in differences.items()), differences
