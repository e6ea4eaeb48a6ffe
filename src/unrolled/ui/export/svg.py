"""SVG that every renderer draws the same, from what Qt's QSvgGenerator writes.

Qt writes each painter state as a group with a transform and pyqtgraph's cosmetic pens as
`vector-effect="non-scaling-stroke"`, so a curve of a log plot is a polyline in data units
inside a scale of thousands. librsvg does not honour non-scaling strokes there and draws
the curves as wide filled bands; small embedded images (heatmaps, one pixel per cell) are
smoothed when scaled up. Here every transform is baked into the coordinates (user units,
ordinary strokes), images are placed by their own box, enlarged by whole pixels and marked
`image-rendering: pixelated`, and blank background images become rectangles. Text stays
text, with the transform it needs (a rotated axis label).
"""

from __future__ import annotations

import base64
import math
import re
import xml.etree.ElementTree as ET

import numpy as np
from PySide6 import QtCore, QtGui

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
_HREF = f"{{{XLINK_NS}}}href"
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_PATH_TOKEN = re.compile(r"[A-Za-z]|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
# pairs of numbers per command letter that take plain (x, y) points
_POINT_COMMANDS = {"M": 1, "L": 1, "C": 3, "Q": 2, "S": 2, "T": 1}
MIN_IMAGE_PIXELS = 2  # an embedded image is enlarged until a source pixel covers this many user units


Matrix = tuple[float, float, float, float, float, float]  # SVG's (a, b, c, d, e, f)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _tag(element: ET.Element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _fmt(value: float) -> str:
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def parse_matrix(text: str | None) -> Matrix:
    """SVG transform "matrix(a,b,c,d,e,f)" (the only kind Qt writes), or translate/scale."""
    if not text:
        return IDENTITY
    numbers = [float(n) for n in _NUMBER.findall(text)]
    if text.strip().startswith("matrix") and len(numbers) == 6:
        return tuple(numbers)  # type: ignore[return-value]  # four numbers, checked above
    if text.strip().startswith("translate"):
        return (1.0, 0.0, 0.0, 1.0, numbers[0], numbers[1] if len(numbers) > 1 else 0.0)
    if text.strip().startswith("scale"):
        return (numbers[0], 0.0, 0.0, numbers[-1], 0.0, 0.0)
    raise ValueError(f"transform: got {text!r}, expected matrix(), translate() or scale()")


def compose(outer: Matrix, inner: Matrix) -> Matrix:
    """outer after inner, as SVG nests transforms."""
    a, b, c, d, e, f = outer
    a2, b2, c2, d2, e2, f2 = inner
    return (a * a2 + c * b2, b * a2 + d * b2, a * c2 + c * d2, b * c2 + d * d2,
            a * e2 + c * f2 + e, b * e2 + d * f2 + f)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _axis_aligned(m: Matrix) -> bool:
    return abs(m[1]) < 1e-12 and abs(m[2]) < 1e-12


def _is_identity(m: Matrix) -> bool:
    return all(abs(p - q) < 1e-9 for p, q in zip(m, IDENTITY))


def _scale(m: Matrix) -> float:
    """How much the transform scales a length (the stroke width of a non-cosmetic pen)."""
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


def _transform_points(points: str, m: Matrix) -> str:
    numbers = [float(n) for n in _NUMBER.findall(points)]
    pairs = [_apply(m, numbers[i], numbers[i + 1]) for i in range(0, len(numbers) - 1, 2)]
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pairs)


def _transform_path(d: str, m: Matrix) -> str | None:
    """The path with absolute coordinates transformed, or None for a path that uses other
    commands (relative, arcs, H/V), which then keeps its transform."""
    out: list[str] = []
    numbers: list[float] = []
    command = None

    def flush() -> bool:
        if command is None:
            return not numbers
        if command in "Zz":
            return not numbers
        if command not in _POINT_COMMANDS or len(numbers) % 2:
            return False
        for i in range(0, len(numbers), 2):
            x, y = _apply(m, numbers[i], numbers[i + 1])
            out.append(f"{_fmt(x)},{_fmt(y)}")
        return True

    for token in _PATH_TOKEN.findall(d):
        if token.isalpha():
            if not flush():
                return None
            command, numbers = token, []
            out.append(token)
        else:
            numbers.append(float(token))
    if not flush():
        return None
    return " ".join(out)


def _box(m: Matrix, x: float, y: float, w: float, h: float) -> tuple[float, float, float, float, bool, bool]:
    """The axis-aligned box (x, y, w, h) becomes under m, and whether it flips in x, y."""
    x0, y0 = _apply(m, x, y)
    x1, y1 = _apply(m, x + w, y + h)
    return min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0), x1 < x0, y1 < y0


def _float(element: ET.Element, name: str) -> float:
    return float(element.get(name, "0"))


def _png_image(href: str) -> QtGui.QImage | None:
    prefix = "data:image/png;base64,"
    if not href.startswith(prefix):
        return None
    image = QtGui.QImage()
    if not image.loadFromData(base64.b64decode(href[len(prefix):])):  # a PNG, from the data URI
        return None
    return image


def _png_href(image: QtGui.QImage) -> str:
    data = QtCore.QByteArray()
    buffer = QtCore.QBuffer(data)
    buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 takes the str
    buffer.close()
    return "data:image/png;base64," + base64.b64encode(bytes(data.data())).decode("ascii")


def _rgba_pixels(image: QtGui.QImage) -> np.ndarray:
    """(height, width, 4) uint8 copy of the image's pixels."""
    rgba = image.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    pixels = np.frombuffer(rgba.constBits(), np.uint8, rgba.sizeInBytes())
    return pixels.reshape(rgba.height(), rgba.bytesPerLine())[:, : 4 * rgba.width()].reshape(
        rgba.height(), rgba.width(), 4).copy()


def _enlarged(image: QtGui.QImage, fx: int, fy: int, flip_x: bool, flip_y: bool) -> QtGui.QImage:
    """Mirrored as asked, every pixel repeated fx by fy times, exactly (QImage.scaled's fast
    mode is not: its blocks drift by a pixel or two across the image)."""
    pixels = _rgba_pixels(image)[:: -1 if flip_y else 1, :: -1 if flip_x else 1]
    pixels = np.ascontiguousarray(np.repeat(np.repeat(pixels, fy, axis=0), fx, axis=1))
    height, width = pixels.shape[:2]
    return QtGui.QImage(pixels.data, width, height, 4 * width, QtGui.QImage.Format.Format_RGBA8888).copy()


def _uniform_colour(image: QtGui.QImage) -> QtGui.QColor | None:
    pixels = _rgba_pixels(image).reshape(-1, 4)
    if pixels.size == 0 or not (pixels == pixels[0]).all():
        return None
    r, g, b, a = (int(v) for v in pixels[0])
    return QtGui.QColor(r, g, b, a)


def _bake_image(element: ET.Element, m: Matrix) -> bool:
    """Place the image by its own box in user units, flipped and enlarged by whole pixels as
    needed, or turn a blank one into a rectangle. False: leave it to its transform."""
    if not _axis_aligned(m):
        return False
    x, y, w, h, flip_x, flip_y = _box(m, _float(element, "x"), _float(element, "y"),
                                      _float(element, "width"), _float(element, "height"))
    image = _png_image(element.get(_HREF, ""))
    if image is None or image.isNull():
        return False
    colour = _uniform_colour(image)
    if colour is not None:
        element.tag = f"{{{SVG_NS}}}rect"
        for name in list(element.attrib):
            del element.attrib[name]
        element.attrib.update(x=_fmt(x), y=_fmt(y), width=_fmt(w), height=_fmt(h), fill=colour.name(),
                              stroke="none")
        if colour.alpha() < 255:
            element.set("fill-opacity", _fmt(colour.alphaF()))
        return True
    # whole pixels: a renderer that smooths a scaled image then only softens the edges
    fx = max(1, math.ceil(MIN_IMAGE_PIXELS * w / image.width()))
    fy = max(1, math.ceil(MIN_IMAGE_PIXELS * h / image.height()))
    if fx > 1 or fy > 1 or flip_x or flip_y:
        image = _enlarged(image, fx, fy, flip_x, flip_y)
    element.set(_HREF, _png_href(image))
    element.attrib.update(x=_fmt(x), y=_fmt(y), width=_fmt(w), height=_fmt(h))
    element.set("image-rendering", "optimizeSpeed")
    element.set("style", "image-rendering:pixelated")
    return True


def _bake(element: ET.Element, m: Matrix) -> bool:
    """Transform the element's own coordinates by m; False if it must keep a transform."""
    tag = _tag(element)
    if tag in ("polyline", "polygon"):
        element.set("points", _transform_points(element.get("points", ""), m))
    elif tag == "path":
        d = _transform_path(element.get("d", ""), m)
        if d is None:
            return False
        element.set("d", d)
    elif tag == "line":
        x1, y1 = _apply(m, _float(element, "x1"), _float(element, "y1"))
        x2, y2 = _apply(m, _float(element, "x2"), _float(element, "y2"))
        element.attrib.update(x1=_fmt(x1), y1=_fmt(y1), x2=_fmt(x2), y2=_fmt(y2))
    elif tag == "rect" and _axis_aligned(m):
        x, y, w, h, _, _ = _box(m, _float(element, "x"), _float(element, "y"),
                                _float(element, "width"), _float(element, "height"))
        element.attrib.update(x=_fmt(x), y=_fmt(y), width=_fmt(w), height=_fmt(h))
    elif tag in ("ellipse", "circle") and _axis_aligned(m):
        cx, cy = _apply(m, _float(element, "cx"), _float(element, "cy"))
        if tag == "circle":
            element.tag = f"{{{SVG_NS}}}ellipse"
            rx = ry = _float(element, "r")
            element.attrib.pop("r", None)
        else:
            rx, ry = _float(element, "rx"), _float(element, "ry")
        element.attrib.update(cx=_fmt(cx), cy=_fmt(cy), rx=_fmt(abs(m[0]) * rx), ry=_fmt(abs(m[3]) * ry))
    elif tag == "image":
        return _bake_image(element, m)
    else:
        return False
    cosmetic = element.attrib.pop("vector-effect", None) == "non-scaling-stroke"
    if not cosmetic and abs(_scale(m) - 1) > 1e-9:
        element.set("data-stroke-scale", "1")  # a pen that scales with the drawing: see _scale_strokes
    return True


def _walk(parent: ET.Element, m: Matrix) -> None:
    for element in list(parent):
        tag = _tag(element)
        own = compose(m, parse_matrix(element.get("transform")))
        element.attrib.pop("transform", None)
        if tag in ("g", "svg", "a"):
            _walk(element, own)
            _scale_strokes(element, own)
        elif tag in ("defs", "title", "desc", "style"):
            continue
        elif _is_identity(own) and tag != "image":
            element.attrib.pop("vector-effect", None)
        elif not _bake(element, own):
            element.set("transform", "matrix(" + ",".join(_fmt(v) for v in own) + ")")


def _scale_strokes(group: ET.Element, m: Matrix) -> None:
    """Children whose pen scaled with the old transform get their width in user units."""
    width = float(group.get("stroke-width", "1"))
    for child in group:
        if child.attrib.pop("data-stroke-scale", None) is not None:
            child.set("stroke-width", _fmt(width * _scale(m)))


def clean_svg(text: str, font_family: str | None = None) -> str:
    """Qt's SVG with transforms baked into user units (see the module docstring).
    font_family replaces Qt's generic "Sans Serif" with the family the PNG is drawn in."""
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    root = ET.fromstring(text)
    _walk(root, IDENTITY)
    if font_family:
        for element in root.iter():
            if element.get("font-family") == "Sans Serif":
                element.set("font-family", f"{font_family}, sans-serif")
    # empty groups Qt writes for every state change carry nothing
    for parent in list(root.iter()):
        for child in list(parent):
            if _tag(child) == "g" and len(child) == 0 and not (child.text or "").strip():
                parent.remove(child)
    return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + ET.tostring(root, encoding="unicode")
