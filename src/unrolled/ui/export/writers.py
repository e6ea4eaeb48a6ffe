"""Writing figures: PNG at a chosen DPI (fonts and lines scaled with it), SVG and PDF as
vector figures painted by Qt's own QSvgGenerator and QPdfWriter (pyqtgraph's SVG exporter
is broken on Qt >= 6.11, see DESIGN.md; the SVG is then rewritten in user units by
`svg.clean_svg`), CSV of the data behind each figure, NPZ of the
whole trace, the weights in torch's layout as safetensors, and the step-through of an
iteration as numbered PNGs (and a GIF)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6 import QtCore, QtGui, QtSvg, QtWidgets

from ...session.atomic import unwritable_folder, write_atomically, write_bytes_atomically
from ...session.figure_data import TEXT_TABLES, write_csv, write_text_csv, write_trace_npz
from ...session.figure_registry import DEFAULT_FIGURE, FIGURES, VIEWS, exported_figures, figure_table, view_figures
from ...session.figure_size import FigureSize, SizeError, check_pixels, font_scale
from ...session.stepper import Session
from ...session.torch_files import safetensors_bytes
from ...session.training import TrainingStep
from ..theme import Theme
from .figures import FigureDoesNotFit, fitted, graphics_views
from .svg import clean_svg

# npz: the whole trace, once (trace.npz); safetensors: the weights in torch's layout, once
FORMATS = ("png", "svg", "pdf", "csv", "npz", "safetensors")
DATA_FORMATS = {"npz": "trace.npz", "safetensors": "weights.safetensors"}  # a file per export, not per figure
SCREEN_DPI = 96  # the resolution widgets lay themselves out at


class ExportError(Exception):
    """A figure could not be written; the message says where and why."""


class FigureTooSmall(ExportError):
    """The size asked for cannot hold the figure, even with the smallest text."""

    @classmethod
    def of(cls, error: FigureDoesNotFit, inches: tuple[float, float]) -> FigureTooSmall:
        parts = ""
        if error.name == DEFAULT_FIGURE:
            parts = f" (or its plots one by one: {', '.join(view_figures(view)[0] for view in VIEWS)})"
        return cls(f"{error.name} needs more room than {inches[0]:.2f} x {inches[1]:.2f} in, even with "
                   f"{error.points:.0f} pt text: choose a larger size for it{parts}")


def check_writable_folder(folder: str | Path) -> Path:
    """Create the folder if needed and prove it is writable, or raise ExportError."""
    folder = Path(folder)
    refusal = unwritable_folder(folder)
    if refusal is not None:
        raise ExportError(refusal)
    return folder


def _write(path: Path, write) -> Path:
    """write(tmp) under a temporary name, then renamed over path; OSError -> ExportError."""
    try:
        write_atomically(path, write)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from error
    return path


def write_file(path: str | Path, data: bytes) -> Path:
    """`data` as the whole file `path`, or the old file kept and ExportError naming `path`
    and the OS's reason ("No space left on device")."""
    path = Path(path)
    try:
        write_bytes_atomically(path, data)
    except OSError as error:
        raise ExportError(f"cannot write {path}: {error.strerror or error}") from error
    return path


class _Memory:
    """A QBuffer over a QByteArray, for Qt's writers to render into: they report no reason
    when a disk fills (QPdfWriter not even that it failed), so they never touch the disk."""

    def __init__(self) -> None:
        self.data = QtCore.QByteArray()
        self.buffer = QtCore.QBuffer(self.data)
        self.buffer.open(QtCore.QIODevice.OpenModeFlag.WriteOnly)

    def bytes(self, what: str) -> bytes:
        self.buffer.close()
        data = bytes(self.data.data())
        if not data:
            raise ExportError(f"cannot draw {what}: Qt produced no data")
        return data


def image_bytes(image: QtGui.QImage | QtGui.QPixmap, what: str, fmt: str = "PNG") -> bytes:
    """The image encoded as `fmt` (PNG), in memory."""
    memory = _Memory()
    # PySide6's stubs type QImage.save()'s format as bytes; at run time it takes a str and
    # refuses bytes (QPixmap.save() is typed str, as it runs)
    if not image.save(memory.buffer, fmt):  # type: ignore[call-overload]  # PySide6 takes the str
        raise ExportError(f"cannot encode {what} as {fmt}")
    return memory.bytes(what)


def write_png(path: str | Path, image: QtGui.QImage | QtGui.QPixmap) -> Path:
    """The image as the PNG file `path`, whole or not at all (see `write_file`)."""
    return write_file(path, image_bytes(image, str(path)))


def render_image(widget: QtWidgets.QWidget, dpi: int | None = None, background: str = "#ffffff") -> QtGui.QImage:
    image = QtGui.QImage(widget.size(), QtGui.QImage.Format.Format_ARGB32)
    image.fill(QtGui.QColor(background))
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing)
    QtWidgets.QWidget.render(widget, painter, QtCore.QPoint(0, 0))  # the widget as shown, also for a QGraphicsView
    painter.end()
    if dpi:
        dots_per_metre = round(dpi / 0.0254)
        image.setDotsPerMeterX(dots_per_metre)
        image.setDotsPerMeterY(dots_per_metre)
    return image


def _scene_items(widget: QtWidgets.QWidget) -> list:
    return [item for view in graphics_views(widget) for item in view.scene().items() if hasattr(item, "setExportMode")]


def _paint_vector(widget: QtWidgets.QWidget, device, background: str) -> None:
    """Export mode makes pyqtgraph draw scatter markers as paths, not cached pixmaps.
    Images (heatmaps, colour bars) are stored losslessly: Qt's PDF engine otherwise
    compresses them as JPEG, and a heatmap's cells on one colour scale came out up to
    12/255 off. A QGraphicsView paints with its own render hints, so they carry it too."""
    items = _scene_items(widget)
    for item in items:
        item.setExportMode(True, {"antialias": True})
    lossless = QtGui.QPainter.RenderHint.LosslessImageRendering
    views = [view for view in graphics_views(widget) if not view.renderHints() & lossless]
    for view in views:
        view.setRenderHint(lossless, True)
    painter = QtGui.QPainter(device)
    try:
        painter.setRenderHint(lossless, True)
        painter.fillRect(QtCore.QRect(QtCore.QPoint(0, 0), widget.size()), QtGui.QColor(background))
        QtWidgets.QWidget.render(widget, painter, QtCore.QPoint(0, 0))  # the widget as shown, also for a QGraphicsView
    finally:
        painter.end()
        for item in items:
            item.setExportMode(False)
        for view in views:
            view.setRenderHint(lossless, False)


def write_figure(session: Session, name: str, path: str | Path, fmt: str, dpi: int = 300,
                 inches: tuple[float, float] | None = None, steps: Sequence[TrainingStep] = (),
                 theme: Theme | None = None) -> Path:
    """Write figure `name` of `session` to `path` as fmt (png, svg, pdf or csv), `inches`
    wide and high (default: the figure's own size; fonts and lines scale with the size, see
    `figure_size`); `steps`: the training run behind a training figure; `theme`: the
    colours it is drawn with (default: light), scaled for the figure on a copy."""
    theme = Theme() if theme is None else theme
    path = Path(path)
    check_writable_folder(path.parent)  # an unwritable place is refused with its reason first
    if fmt == "csv":
        return _write(path, lambda tmp: write_csv(tmp, *figure_table(name, session, steps)))
    if fmt not in FORMATS or fmt in DATA_FORMATS:
        figure_formats = [f for f in FORMATS if f not in DATA_FORMATS]
        raise ExportError(f"format: got {fmt!r}, expected one of {', '.join(figure_formats)}")
    if not 30 <= dpi <= 1200:
        raise ExportError(f"dpi: got {dpi}, expected 30 to 1200")
    width_in, height_in = inches or FIGURES[name].inches
    if fmt == "png":
        try:
            check_pixels((width_in, height_in), dpi)
        except SizeError as error:
            raise ExportError(str(error)) from error
    # PNG: pixels at the chosen DPI, fonts and lines scaled with it. Vector: laid out at
    # screen resolution; the page size in inches makes the physical size right.
    dots = dpi if fmt == "png" else SCREEN_DPI
    size = QtCore.QSize(round(width_in * dots), round(height_in * dots))
    scale = font_scale((width_in, height_in), FIGURES[name].inches)
    try:
        with fitted(name, session, size, dots / SCREEN_DPI, scale, steps, theme) as widget:
            data = _render(widget, name, session, fmt, dpi, size, (width_in, height_in), path, theme)
    except FigureDoesNotFit as error:
        raise FigureTooSmall.of(error, (width_in, height_in)) from error
    return write_file(path, data)


def _render(widget: QtWidgets.QWidget, name: str, session: Session, fmt: str, dpi: int,
            size: QtCore.QSize, inches: tuple[float, float], path: Path, theme: Theme) -> bytes:
    """The laid-out figure painted as fmt, in memory; `path` is the file it becomes, for messages."""
    if fmt == "png":
        return image_bytes(render_image(widget, dpi, theme.background), str(path))
    memory = _Memory()
    if fmt == "svg":
        generator = QtSvg.QSvgGenerator()
        generator.setOutputDevice(memory.buffer)
        generator.setSize(size)
        generator.setViewBox(QtCore.QRect(QtCore.QPoint(0, 0), size))
        generator.setResolution(SCREEN_DPI)
        generator.setTitle(f"unrolled: {name}")
        generator.setDescription(f"{session.config.cell} T={session.T} D={session.config.n_hidden}")
        _paint_vector(widget, generator, theme.background)  # the painter's end writes the closing tags
        del generator
        family = QtGui.QFontInfo(theme.qfont()).family()
        return clean_svg(memory.bytes(str(path)).decode("utf-8"), family).encode("utf-8")
    writer = QtGui.QPdfWriter(memory.buffer)
    writer.setResolution(SCREEN_DPI)
    writer.setPageSize(QtGui.QPageSize(QtCore.QSizeF(*inches), QtGui.QPageSize.Unit.Inch))
    writer.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0))
    writer.setTitle(f"unrolled: {name}")
    writer.setCreator("unrolled")
    _paint_vector(widget, writer, theme.background)  # the painter's end completes the document
    del writer
    return memory.bytes(str(path))


def export_all(session: Session, folder: str | Path, formats=("png",), dpi: int = 300,
               steps: Sequence[TrainingStep] = (), size: FigureSize | None = None,
               too_small: list[str] | None = None, theme: Theme | None = None,
               names: Sequence[str] | None = None) -> list[Path]:
    """Every figure of the session (and of the training run `steps`), or those of `names`
    it has, in every format:
    folder/<figure>.<format>, at `size` (default: each figure's own). The loss is left out
    before any iteration. A figure `size` cannot hold is left out and its message added to
    `too_small` when a list is given (else FigureTooSmall is raised). `theme`: as for
    `write_figure`."""
    folder = check_writable_folder(folder)
    written = []
    for name in exported_figures(session, steps):
        if names is not None and name not in names:
            continue
        for fmt in formats:
            if fmt in DATA_FORMATS:
                continue
            try:
                written.append(write_figure(session, name, folder / f"{name}.{fmt}", fmt, dpi,
                                            figure_inches(name, size), steps, theme))
            except FigureTooSmall as error:
                if too_small is None:
                    raise
                if str(error) not in too_small:
                    too_small.append(str(error))
    if "csv" in formats:  # tables that are no figure's data: predictions.csv
        written += [_write(folder / f"{name}.csv", lambda tmp, t=table: write_text_csv(tmp, *t(session)))
                    for name, table in TEXT_TABLES.items()]
    if "npz" in formats:
        written.append(write_trace(session, folder / DATA_FORMATS["npz"]))
    if "safetensors" in formats:
        written.append(write_weights(session, folder / DATA_FORMATS["safetensors"]))
    return written


def figure_inches(name: str, size: FigureSize | None = None) -> tuple[float, float]:
    """(width, height) in inches of figure `name` at `size`, or its own size."""
    return FIGURES[name].inches if size is None else size.inches(FIGURES[name].inches)


def write_trace(session: Session, path: str | Path) -> Path:
    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:  # a handle: NumPy would append .npz to the temporary name
            write_trace_npz(handle, session)

    return _write(Path(path), write)


def write_weights(session: Session, path: str | Path) -> Path:
    """The weights now in torch's layout as the safetensors file `path`, whole or not at all
    (see `write_file`); ExportError for a cell torch lacks, before anything is written."""
    try:
        data = safetensors_bytes(session)
    except ValueError as error:
        raise ExportError(f"cannot write {path} in torch's layout: {error}") from error
    return write_file(path, data)


def copy_to_clipboard(session: Session, name: str, dpi: int = 150,
                      inches: tuple[float, float] | None = None, theme: Theme | None = None) -> QtGui.QImage:
    """Figure `name` as an image on the clipboard, ready to paste into a slide, `inches`
    wide and high (default: its own size), drawn with `theme` as for `write_figure`."""
    theme = Theme() if theme is None else theme
    width_in, height_in = inches or FIGURES[name].inches
    pixels = QtCore.QSize(round(width_in * dpi), round(height_in * dpi))
    scale = font_scale((width_in, height_in), FIGURES[name].inches)
    try:
        with fitted(name, session, pixels, dpi / SCREEN_DPI, scale, theme=theme) as widget:
            image = render_image(widget, dpi, theme.background)
    except FigureDoesNotFit as error:
        raise FigureTooSmall.of(error, (width_in, height_in)) from error
    QtWidgets.QApplication.clipboard().setImage(image)
    return image


def gif_available() -> bool:
    try:
        import PIL.Image  # noqa: F401
    except ImportError:
        return False
    return True


def export_animation(session: Session, folder: str | Path, name: str = DEFAULT_FIGURE, dpi: int = 100,
                     gif: bool = True, progress=None, theme: Theme | None = None) -> list[Path]:
    """frame_0000.png ... for every step of an iteration, and animation.gif when Pillow is
    installed. progress(done, total) may return False to cancel (files so far are kept).
    `theme`: as for `write_figure`."""
    folder = check_writable_folder(folder)
    total = session.steps_per_iteration + 1
    frames = []
    for index, replay in enumerate(session.replay_iteration()):
        frames.append(write_figure(replay, name, folder / f"frame_{index:04d}.png", "png", dpi, theme=theme))
        if progress is not None and progress(index + 1, total) is False:
            return frames
    if gif and gif_available():
        from PIL import Image

        images = [Image.open(p).convert("P", palette=Image.Palette.ADAPTIVE) for p in frames]
        frames.append(_write(folder / "animation.gif", lambda tmp: images[0].save(
            tmp, format="GIF", save_all=True, append_images=images[1:], duration=400, loop=0)))
    return frames
