"""The handout of a lesson: DIR/NAME.pdf, a title page and then one A4 page per stop (its
title, its text and its figures, all vector: painted with QPdfWriter, the figures drawn by
the same `build_figure` as the window and the export), and DIR/NAME-01.png ... one image
of each stop's page.

Each stop is shown at its end (its `until` place), the state the class saw last; the
figures are built fresh from the lesson file, whatever the window shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ...session.compare import Comparison
from ...session.figure_registry import FIGURES, figures_for
from ...session.lesson_text import text_html
from ...session.lessons import (
    Lesson,
    Stop,
    build_comparison,
    build_stop_trained,
    demonstrates_training,
    describe_place,
    run_demonstration,
)
from ...session.own_model import model_said
from ...session.stepper import Session
from ...session.training import Progress
from ...version import __version__
from ..plots.comparison import ComparisonPlots
from ..theme import Theme
from .figures import build_figure, laid_out, lay_out_now
from .writers import SCREEN_DPI, ExportError, _Memory, check_writable_folder, image_bytes, write_file

HANDOUT_FORMATS = ("pdf", "png")
PAGE_INCHES = (8.27, 11.69)  # A4 portrait
MARGIN = 0.6 * SCREEN_DPI  # page units are pixels at SCREEN_DPI
PNG_DPI = 150
COMPARISON_INCHES = (7.2, 3.4)  # the comparison's two plots side by side
# after training: taller, for the loss plot's legend above its data (four entries when a
# network overflowed)
TRAINED_COMPARISON_INCHES = (7.2, 4.0)
# a sentence that tells the class what to do in the window (a key, a button, a panel) has
# no place on paper: the page shows the result instead
WINDOW_WORDS = re.compile(r"\bPage(Down|Up)\b|\bpress\b|Return to stop|\bpanel\b|\bCtrl\+|\bF5\b|\bTry it\b|"
                          r"\bclick", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z*(])")
INK, MUTED = QtGui.QColor("#1a1a1a"), QtGui.QColor("#666666")

PAPER = Theme(scale=1.0, dark=False)  # a handout's figures: light, at the page's resolution


@dataclass
class Figure:
    caption: str
    widget: QtWidgets.QWidget
    below: str = ""  # a sentence printed under the figure (what the figure alone would not say)


def _font(pixels: float, bold: bool = False) -> QtGui.QFont:
    """Fonts sized in pixels of the page, so the PDF and the PNG (another resolution) agree."""
    font = QtGui.QFont()
    font.setPixelSize(round(pixels))
    font.setBold(bold)
    return font


def _page_rect() -> QtCore.QRectF:
    return QtCore.QRectF(0, 0, PAGE_INCHES[0] * SCREEN_DPI, PAGE_INCHES[1] * SCREEN_DPI)


def _text_block(painter: QtGui.QPainter, html: str, font: QtGui.QFont, left: float, top: float,
                width: float) -> float:
    """Draw rich text wrapped to width at (left, top); its height."""
    document = QtGui.QTextDocument()
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setDefaultStyleSheet("p { margin-bottom: 6px; }")
    document.setHtml(html)
    document.setTextWidth(width)
    painter.save()
    painter.translate(left, top)
    context = QtGui.QAbstractTextDocumentLayout.PaintContext()
    context.palette.setColor(QtGui.QPalette.ColorRole.Text, INK)
    document.documentLayout().draw(painter, context)
    painter.restore()
    return document.size().height()


def _line(painter: QtGui.QPainter, text: str, font: QtGui.QFont, colour: QtGui.QColor, left: float, top: float,
          width: float) -> float:
    painter.setFont(font)
    painter.setPen(colour)
    box = painter.boundingRect(QtCore.QRectF(left, top, width, 1000), QtCore.Qt.TextFlag.TextWordWrap, text)
    painter.drawText(box, QtCore.Qt.TextFlag.TextWordWrap, text)
    return box.height()


def paper_text(text: str) -> str:
    """A stop's text for paper: its sentences without those that are instructions for the
    window (WINDOW_WORDS)."""
    sentences = _SENTENCE_END.split(text.strip())
    kept = [sentence for sentence in sentences if not WINDOW_WORDS.search(sentence)]
    return " ".join(kept)


def paint_title_page(painter: QtGui.QPainter, lesson: Lesson) -> None:
    page = _page_rect()
    left, width = MARGIN, page.width() - 2 * MARGIN
    y = MARGIN + 120
    y += _line(painter, lesson.title, _font(30, bold=True), INK, left, y, width) + 18
    if lesson.description:
        y += _line(painter, lesson.description, _font(15), MUTED, left, y, width) + 36
    y += _line(painter, "Stops", _font(16, bold=True), INK, left, y, width) + 8
    for stop in lesson.stops:
        y += _line(painter, f"{stop.number}.  {stop.title}", _font(14), INK, left + 12, y, width - 12) + 4
    _line(painter, f"A handout of the lesson {lesson.name}, made by unrolled {__version__} from the lesson file; "
                   "every figure is computed by its NumPy engine.",
          _font(11), MUTED, left, page.height() - MARGIN - 30, width)


def paint_stop_page(painter: QtGui.QPainter, lesson: Lesson, stop: Stop, session: Session,
                    figures: list[Figure], note: str = "") -> None:
    page = _page_rect()
    left, width = MARGIN, page.width() - 2 * MARGIN
    y = MARGIN
    y += _line(painter, f"{lesson.title}  ·  stop {stop.number} / {len(lesson.stops)}", _font(11), MUTED,
               left, y, width) + 10
    y += _line(painter, stop.title, _font(24, bold=True), INK, left, y, width) + 12
    y += _text_block(painter, text_html(paper_text(stop.text)), _font(14), left, y, width) + 6
    c = session.config
    model = f"{c.cell.upper() if c.cell != 'rnn' else c.activation + ' RNN'}, {model_said(c)}, T = {c.timesteps}, " \
            f"F = {c.n_features}, D = {c.n_hidden}, C = {c.n_classes}, {c.mode}; {describe_place(session)}"
    y += _line(painter, model, _font(11), MUTED, left, y, width) + 14
    footer = 30 if note else 0
    room = page.height() - MARGIN - footer - y
    below_font = _font(12)
    metrics = QtGui.QFontMetricsF(below_font)
    belows = [metrics.boundingRect(QtCore.QRectF(0, 0, width, 1000), QtCore.Qt.TextFlag.TextWordWrap,
                                   f.below).height() + 6 if f.below else 0.0 for f in figures]
    captions = 22 * len(figures) + sum(belows)
    natural = [width * f.widget.height() / f.widget.width() for f in figures]
    shrink = min(1.0, (room - captions) / sum(natural)) if figures else 1.0
    for figure, height in zip(figures, natural, strict=True):
        y += _line(painter, figure.caption, _font(12, bold=True), INK, left, y, width) + 4
        scale = width * shrink / figure.widget.width()
        painter.save()
        painter.translate(left + (width - width * shrink) / 2, y)
        painter.scale(scale, scale)
        # the widget as shown, also for a QGraphicsView (as export/writers.py paints a figure)
        QtWidgets.QWidget.render(figure.widget, painter, QtCore.QPoint(0, 0))
        painter.restore()
        y += height * shrink + 6
        if figure.below:
            y += _line(painter, figure.below, below_font, INK, left, y, width) + 6
    if note:
        _line(painter, note, _font(11), MUTED, left, page.height() - MARGIN - footer + 6, width)


def stop_figures(stop: Stop, session: Session, comparison: Comparison | None = None,
                 demonstrate: bool = False, work: Progress | None = None) -> tuple[list[Figure], int]:
    """The stop's figures laid out at their size in the export (their registered inches at
    screen resolution) with the stop's data, and the iterations its demonstration trained. A
    comparison adds A's and B's gradients as the stop shows them and, with `demonstrate`,
    then trains as pressing T in its window does and adds both plots after that run. work:
    the demonstration's progress, as for run_demonstration."""
    names = [n for n in stop.figures if n in figures_for(session)]
    figures = []
    for name in names:
        w, h = FIGURES[name].inches
        widget = laid_out(build_figure(name, theme=PAPER), round(w * SCREEN_DPI), round(h * SCREEN_DPI), session)
        figures.append(Figure(FIGURES[name].title + (" (A)" if comparison is not None else ""), widget))
    trained = 0
    if comparison is not None:
        figures.append(comparison_figure(comparison, 0))  # drawn now: the demonstration changes both
        if demonstrate:
            trained = run_demonstration(comparison, progress=work)
            figures.append(comparison_figure(comparison, trained))
    return figures, trained


def comparison_figure(comparison: Comparison, trained: int) -> Figure:
    """The comparison's plots as its window draws them: the gradients alone before training,
    the gradients and the losses after `trained` iterations."""
    widget = ComparisonPlots(comparison, theme=PAPER)
    if not trained:
        widget.removeItem(widget.loss_plot)
    w, h = TRAINED_COMPARISON_INCHES if trained else COMPARISON_INCHES
    widget.setAttribute(QtCore.Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    widget.resize(round(w * SCREEN_DPI), round(h * SCREEN_DPI * (1 if trained else 0.8)))
    widget.show()
    lay_out_now(widget)
    widget.refresh(comparison)
    lay_out_now(widget)
    a, b = comparison.names
    if not trained:
        caption = f"Compared at this stop: A ({a}) and B ({b}) on the same batch"
        curves = [s.gradient_curve() for s in comparison.sessions]
        if curves[0] is not None and curves[1] is not None and np.array_equal(curves[0], curves[1]):
            caption += ": one curve, since the two differ only in how they train"
        return Figure(caption, widget)
    both = "" if comparison.stopped else " of both"
    # a trained network's small loss leaves it a small gradient: said under the figure, as
    # the window's summary says it, so a smaller curve is not read as forgetting
    below = " ".join(f"{sentence[0].upper()}{sentence[1:]}." for sentence in comparison.little_left_to_learn())
    return Figure(f"After {trained} training iterations{both} on the same batches, from the stop's seed", widget,
                  below)


def write_handout(lesson: Lesson, folder: str | Path, formats=HANDOUT_FORMATS, dpi: int = PNG_DPI,
                  progress: Callable[[int, int], None] | None = None, work: Progress | None = None) -> list[Path]:
    """folder/NAME.pdf and/or folder/NAME-01.png ...; the paths written, the PDF first.
    progress(stop number, stops) once a stop's page is done; work(done, total) as a stop's
    training and steps go on (a stop may train for a while), Cancelled when it returns False."""
    unknown = [f for f in formats if f not in HANDOUT_FORMATS]
    if unknown or not formats:
        raise ExportError(f"format: got {', '.join(formats)}, expected pdf, png or both")
    folder = check_writable_folder(folder)
    pdf_path = folder / f"{lesson.name}.pdf"
    written: list[Path] = []

    def paint_all(pdf: QtGui.QPdfWriter | None) -> None:
        painter = QtGui.QPainter(pdf) if pdf is not None else None
        if painter is not None:
            paint_title_page(painter, lesson)
        for stop in lesson.stops:
            session = build_stop_trained(stop, end=True, lesson=lesson.name, progress=work)[0]
            comparison, note = build_comparison(stop, end=True, progress=work) if stop.compare else (None, "")
            figures, trained = stop_figures(stop, session, comparison, demonstrates_training(stop), work)
            if trained and comparison is not None:
                note = comparison.stopped_note() or note
            try:
                if painter is not None and pdf is not None:
                    pdf.newPage()
                    paint_stop_page(painter, lesson, stop, session, figures, note)
                if "png" in formats:
                    written.append(_write_png(lesson, stop, session, figures, note, folder, dpi))
            finally:
                for figure in figures:
                    figure.widget.close()
                    figure.widget.deleteLater()
            if progress is not None:
                progress(stop.number, len(lesson.stops))
        if painter is not None:
            painter.end()

    if "pdf" in formats:
        memory = _Memory()  # the whole PDF in memory, then written whole or not at all
        pdf = QtGui.QPdfWriter(memory.buffer)
        pdf.setResolution(SCREEN_DPI)
        pdf.setPageSize(QtGui.QPageSize(QtGui.QPageSize.PageSizeId.A4))
        pdf.setPageMargins(QtCore.QMarginsF(0, 0, 0, 0))
        pdf.setTitle(lesson.title)
        pdf.setCreator(f"unrolled {__version__}")
        paint_all(pdf)  # its painter's end completes the document
        del pdf
        written.insert(0, write_file(pdf_path, memory.bytes(str(pdf_path))))
    else:
        paint_all(None)
    return written


def _write_png(lesson: Lesson, stop: Stop, session: Session, figures: list[Figure], note: str, folder: Path,
               dpi: int) -> Path:
    path = folder / f"{lesson.name}-{stop.number:02d}.png"
    scale = dpi / SCREEN_DPI
    page = _page_rect()
    image = QtGui.QImage(round(page.width() * scale), round(page.height() * scale), QtGui.QImage.Format.Format_RGB32)
    image.fill(QtGui.QColor("white"))
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QtGui.QPainter(image)
    painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QtGui.QPainter.RenderHint.TextAntialiasing)
    painter.scale(scale, scale)
    paint_stop_page(painter, lesson, stop, session, figures, note)
    painter.end()

    return write_file(path, image_bytes(image, str(path)))
