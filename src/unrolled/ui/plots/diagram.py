"""The unrolled network: T cells left to right, x_t below, y_t above, h_t arrows between.

Cells fill as the forward pass reaches them; in the backward pass the arrows carry the
gradient, their width and colour showing log10 ||dL/dh_t||. For large T the picture becomes
a compact strip, one thin column per timestep, that still shows where you are.
"""

from __future__ import annotations

import numpy as np
from PySide6 import QtCore, QtGui, QtWidgets

from ...session.stepper import Phase, Session
from .. import theme

EDGE_PX = 20  # the cells and the strip span the width less this on either side
MIN_CELL_PX = 46  # narrower than this and the full diagram turns into the strip
ZERO = "#4d4d4d"  # a gradient of exactly 0: dark grey, apart from the gradient colours and overflow


LONGEST_CAPTION = "Loss computed: press Right to start the backward pass at t = T"
MAX_STRIP_PX = 60  # the strip's height at most (at scale 1): a slide-sized diagram is no tall band
MIN_DECADES = 2.0  # the colour scale spans at least this many powers of ten


def gradient_scale(norms: np.ndarray) -> tuple[float, float]:
    """The log10 range for widths and colours: from the largest finite gradient norm down
    by the spread of the norms, but at least MIN_DECADES, so that a stable gradient (which
    varies by a few per cent) does not look like a vanishing one."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(norms[np.isfinite(norms) & (norms > 0)])
    if logs.size == 0:
        return 0.0, 1.0
    high = float(logs.max())
    return min(float(logs.min()), high - MIN_DECADES), high


def gradient_colour(fraction: float) -> QtGui.QColor:
    """Pale orange for the smallest gradient, dark red for the largest: apart from the
    forward pass's blue, so one sees at a glance how far the backward pass has come."""
    a, b = QtGui.QColor(theme.GRADIENT_LOW), QtGui.QColor(theme.GRADIENT_HIGH)
    f = min(max(fraction, 0.0), 1.0)
    return QtGui.QColor(
        round(a.red() + f * (b.red() - a.red())),
        round(a.green() + f * (b.green() - a.green())),
        round(a.blue() + f * (b.blue() - a.blue())),
    )


def _family(names: list[str]) -> str:
    """One name, or the family's name with a star: W_i, W_f, ... -> W_*."""
    if len(names) == 1:
        return names[0]
    return names[0].split("_")[0] + "_*"


def weight_labels(session: Session) -> tuple[str, str, str]:
    """(input, recurrent, readout) weight names as the engine names its parameters: W1, U1,
    W2 for the vanilla RNN; W_*, U_* for the gated cells."""
    shapes = session.net.param_shapes()
    recurrent = list(session.net.recurrent_param_names())
    inputs = [n for n, shape in shapes.items() if n.startswith("W") and n != "W2" and len(shape) == 2]
    return _family(inputs), _family(recurrent), "W2"


def shape_labels(session: Session) -> dict[str, str]:
    """The arrays with their shapes in the seed's letters and in numbers, for the labels of
    the full diagram: "W1 [F, D] = [14, 8]", "X [B, T, F] = [1, 4, 14]", ... keyed by
    "in", "across", "out", "X" and "Y"."""
    w, u, out = weight_labels(session)
    c = session.config
    B, T, F, D, C = session.X.shape[0], session.T, c.n_features, c.n_hidden, c.n_classes
    targets = f"Y [B, T, C] = [{B}, {T}, {C}]" if c.mode == "many-to-many" else f"Y [B, C] = [{B}, {C}]"
    return {"in": f"{w} [F, D] = [{F}, {D}]", "across": f"{u} [D, D] = [{D}, {D}]",
            "out": f"{out} [D, C] = [{D}, {C}]", "X": f"X [B, T, F] = [{B}, {T}, {F}]", "Y": targets}


def weights_key(session: Session) -> str:
    """The line that names the weights and their shapes, in the seed's letters."""
    w, u, out = weight_labels(session)
    return f"{w} [F, D] in, {u} [D, D] across, {out} [D, C] out: the same weights at every t"


class UnrolledDiagram(QtWidgets.QWidget):
    """The network unrolled in time. A click on a timestep says which (`timestep_chosen`,
    1-based), for the step inspector."""

    timestep_chosen = QtCore.Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMinimumHeight(150)
        # it fills every pixel itself: the tabs and splitter under it are not repainted at each step
        self.setAttribute(QtCore.Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self.setToolTip(
            "The network unrolled in time. Filled cells have been computed; the red frame is "
            "the current timestep; in the backward pass, arrow width and colour show log ||dL/dh_t||. "
            "Click a timestep to see its equations in the step inspector."
        )
        self._session: Session | None = None
        self.show_cursor = True  # the current timestep's highlight; an exported figure leaves it out
        # an exported figure: captions without the window's keys, and the strip's colour scale
        self.on_paper = False
        self._wrapped: dict[tuple, list[str]] = {}  # (caption, key, font, width) -> its lines
        self._bad_for: tuple = (None, -1, None)  # (forward trace, steps done, first overflow)
        self.folded = False

    def set_folded(self, on: bool) -> None:
        """Folded, the diagram is one row: its strip, from 1 to T, and the current timestep
        named beside it; no cells, no caption (the status bar names the phase), so that a
        plot below it has the height."""
        self.folded = on
        self.setMinimumHeight(self.folded_height() if on else 150)
        self.updateGeometry()
        self.update()

    def folded_height(self) -> int:
        return round(QtGui.QFontMetricsF(self._font()).height() + theme.px(6))

    def refresh(self, session: Session) -> None:
        self._session = session
        self.update()

    def sizeHint(self) -> QtCore.QSize:
        return QtCore.QSize(900, self.folded_height() if self.folded else 190)

    def timestep_at(self, x: float) -> int | None:
        """The timestep drawn at x (1-based), or None beside the cells. Cells and strip both
        span `_strip_span`, T equal columns."""
        if self._session is None:
            return None
        T = self._session.T
        left, right = self._strip_span(self._session)
        pitch = (right - left) / T
        if pitch <= 0 or not left <= x < right:
            return None
        return min(int((x - left) // pitch) + 1, T)

    def mousePressEvent(self, event) -> None:
        t = self.timestep_at(event.position().x())
        if t is not None and event.button() == QtCore.Qt.MouseButton.LeftButton:
            self.timestep_chosen.emit(t)
        super().mousePressEvent(event)

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QtGui.QPainter(self)
        try:
            self.paint_on(painter)
        finally:
            painter.end()

    def paint_on(self, painter: QtGui.QPainter) -> None:
        """Everything the diagram draws, with `painter` (also a recording one, to check
        that no two labels overlap: the tests' `support.figure_boxes`)."""
        painter.setRenderHint(QtGui.QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QtGui.QColor(theme.THEME.background))
        s = self._session
        if s is None:
            return
        painter.setFont(self._font())
        try:
            if self.folded:
                self._paint_folded(painter, s)
            elif self._cells_fit(painter, s):
                self._paint_full(painter, s)
            else:
                self._paint_strip(painter, s)
        except Exception as error:  # a fault while painting must not take the window down
            painter.setPen(QtGui.QColor(theme.VERMILION))
            painter.drawText(
                self.rect(), QtCore.Qt.AlignmentFlag.AlignCenter, f"The diagram could not be drawn: {error}"
            )

    def _cells_fit(self, painter: QtGui.QPainter, s: Session) -> bool:
        """Room for a cell per timestep, wide enough (MIN_CELL_PX) and tall enough for its
        "h_t" (in F5 beside every panel the cells shrank to dots under their labels):
        otherwise the strip."""
        if (self.width() - 2 * theme.px(EDGE_PX)) / s.T < theme.px(MIN_CELL_PX):
            return False
        label = theme.px(22)
        above = self.height() - self._caption_height(painter, s)
        box = (above - 2 * label - theme.px(4)) / 2.0  # as _paint_full sizes it
        return box >= 1.3 * QtGui.QFontMetricsF(self._font()).height()

    def _font(self, relative: float = 1.0) -> QtGui.QFont:
        return theme.qfont(relative)

    @staticmethod
    def _state(s: Session) -> tuple[int, np.ndarray, np.ndarray]:
        """Forward steps done, (T,) ||dL/dh_t|| and the (T,) mask of backward steps done."""
        bwd = s.bwd
        if bwd is None:
            return s.fwd.steps_done, np.full(s.T, np.nan), np.zeros(s.T, dtype=bool)
        return s.fwd.steps_done, bwd.dh_norm, bwd.done_mask

    def _forward_bad_from(self, s: Session) -> int | None:
        """The first timestep whose state overflowed in the forward pass: found once per
        forward step, not at every paint (the trace's answer scans it whole)."""
        fwd = s.fwd
        if self._bad_for[0] is not fwd or self._bad_for[1] != fwd.steps_done:
            self._bad_for = (fwd, fwd.steps_done, fwd.nonfinite_from)
        return self._bad_for[2]

    def _paint_full(self, painter: QtGui.QPainter, s: Session) -> None:
        T, W, H = s.T, self.width(), self.height()
        forward_done, norms, done_back = self._state(s)
        bad_from = self._forward_bad_from(s)
        low, high = gradient_scale(norms[done_back])
        margin = theme.px(EDGE_PX)
        pitch = (W - 2 * margin) / T
        label = theme.px(22)
        # the x and y labels, arrows and cells fill the height above the caption, centred
        # in it when the width limits the cells (a slide): y label, 0.45 box of arrow, the
        # box, 0.55 box of arrow, x label
        above = H - self._caption_height(painter, s)
        box = max(min(pitch * 0.55, (above - 2 * label - theme.px(4)) / 2.0), theme.px(8))
        spare = max(above - theme.px(4) - 2 * label - 2 * box, 0.0)
        cy = theme.px(2) + spare / 2 + label + box * 0.95
        dark = QtGui.QColor(theme.THEME.foreground)
        small = self._font(0.85)
        small_metrics = QtGui.QFontMetricsF(small)
        small_height = small_metrics.height()
        # the weights by name, and with their shapes where there is room for them
        shapes, names_only = shape_labels(s), dict(zip(("in", "across", "out"), weight_labels(s), strict=True))

        def named(key: str, room: float) -> str:
            """The longest that fits: "W1 [F, D] = [14, 8]", "W1 [14, 8]", or "W1"."""
            short = names_only[key] + " " + shapes[key].split(" = ")[1]
            return next((text for text in (shapes[key], short) if small_metrics.horizontalAdvance(text) <= room),
                        names_only[key])

        w_name, out_name = named("in", pitch / 2 - theme.px(6)), named("out", pitch / 2 - theme.px(6))
        u_name = named("across", pitch - box - theme.px(24))  # clear of the arrow head
        label_half = QtGui.QFontMetricsF(self._font()).horizontalAdvance(f"x{_sub(T)}") / 2 + theme.px(8)
        between = pitch - 2 * label_half  # room between two x (or y) labels for the input's shape
        for k in range(T):
            cx = margin + pitch * (k + 0.5)
            rect = QtCore.QRectF(cx - box / 2, cy - box / 2, box, box)
            # x_t below, y_t above
            painter.setPen(QtGui.QPen(dark, theme.px(1.5)))
            painter.drawLine(QtCore.QPointF(cx, rect.bottom() + box * 0.55), QtCore.QPointF(cx, rect.bottom()))
            painter.drawText(QtCore.QRectF(cx - pitch / 2, rect.bottom() + box * 0.55, pitch, label),
                             QtCore.Qt.AlignmentFlag.AlignCenter, f"x{_sub(k + 1)}")
            has_y = s.config.mode == "many-to-many" or k == T - 1
            if has_y:
                painter.drawLine(QtCore.QPointF(cx, rect.top()), QtCore.QPointF(cx, rect.top() - box * 0.45))
                y_label = QtCore.QRectF(cx - pitch / 2, rect.top() - box * 0.45 - label, pitch, label)
                painter.drawText(y_label, QtCore.Qt.AlignmentFlag.AlignCenter, f"y{_sub(k + 1)}")
            # the weights named once, on the first arrows: W1 up from x_1 (on its left: U1,
            # under the h arrow on the right, may reach down beside a small cell), W2 up to y
            names = []
            left, right = QtCore.Qt.AlignmentFlag.AlignRight, QtCore.Qt.AlignmentFlag.AlignLeft
            if k == 0:
                names.append((cx - theme.px(3) - pitch / 2, rect.bottom() + box * 0.275, w_name, left))
            if has_y and (k == 0 or s.config.mode == "many-to-one"):
                names.append((cx + theme.px(3), rect.top() - box * 0.225, out_name, right))
            # the input's and the targets' shapes beside their first (or last) label, when they fit
            if k == 0 and T > 1 and small_metrics.horizontalAdvance(shapes["X"]) <= between:
                names.append((cx + label_half, rect.bottom() + box * 0.55 + label / 2, shapes["X"], right))
            if has_y and T > 1 and small_metrics.horizontalAdvance(shapes["Y"]) <= between:
                y_row = rect.top() - box * 0.45 - label / 2
                if s.config.mode == "many-to-many" and k == 0:
                    names.append((cx + label_half, y_row, shapes["Y"], right))
                elif s.config.mode == "many-to-one":
                    names.append((cx - label_half - between, y_row, shapes["Y"], right))
            if names:
                painter.setFont(small)
                painter.setPen(QtGui.QPen(dark))
                for x, y, name, side in names:
                    width = max(pitch / 2, small_metrics.horizontalAdvance(name) + theme.px(2))
                    box_x = x - width + pitch / 2 if side == left else x  # right-aligned ones end at x + pitch / 2
                    painter.drawText(QtCore.QRectF(box_x, y - small_height / 2, width, small_height),
                                     side | QtCore.Qt.AlignmentFlag.AlignVCenter, name)
                painter.setFont(self._font())
            # the recurrent arrow from cell k to cell k+1 (forward) or back (gradient)
            if k < T - 1:  # between cells k and k+1: h_t forward, dL/dh_t back
                x0, x1 = rect.right(), cx + pitch - box / 2
                value = norms[k]
                if done_back[k] and np.isfinite(value) and value > 0:
                    f = (np.log10(value) - low) / (high - low)
                    _arrow(painter, x1, x0, cy, gradient_colour(f), theme.px(1.5 + 6.5 * f))
                elif done_back[k] and value == 0:  # exactly zero (a saturated softmax): not overflow
                    _arrow(painter, x1, x0, cy, QtGui.QColor(ZERO), theme.px(1.5))
                    _word(painter, x0, x1, cy, "0", ZERO)
                elif done_back[k]:
                    _arrow(painter, x1, x0, cy, QtGui.QColor(theme.OVERFLOW), theme.px(4))
                    _word(painter, x0, x1, cy, "inf" if np.isinf(value) else "nan", theme.OVERFLOW)
                else:
                    used = k + 1 < forward_done
                    _arrow(painter, x0, x1, cy, dark if used else QtGui.QColor(theme.GREY), theme.px(1.5))
                if k == 0:  # the recurrent weights, below the first h arrow (a 0 or inf sits above)
                    painter.setFont(small)
                    painter.setPen(QtGui.QPen(dark))
                    painter.drawText(QtCore.QRectF(x0, cy + theme.px(2), x1 - x0, small_height),
                                     QtCore.Qt.AlignmentFlag.AlignCenter, u_name)
                    painter.setFont(self._font())
            # the cell itself (magenta where the forward pass overflowed)
            overflowed = bad_from is not None and bad_from - 1 <= k < forward_done
            fill = QtGui.QColor(theme.OVERFLOW if overflowed else theme.SKY if k < forward_done else theme.THEME.muted)
            if done_back[k]:
                fill = QtGui.QColor(theme.GRADIENT_LOW)
            current = self.show_cursor and s.t == k + 1
            painter.setBrush(fill)
            pen = QtGui.QPen(QtGui.QColor(theme.VERMILION) if current else dark, theme.px(3.5 if current else 1.5))
            painter.setPen(pen)
            painter.drawRoundedRect(rect, theme.px(6), theme.px(6))
            painter.setPen(QtGui.QColor("#000000"))  # on the light cell fill, in either theme
            painter.drawText(rect, QtCore.Qt.AlignmentFlag.AlignCenter, f"h{_sub(k + 1)}")
        self._paint_caption(painter, s)

    def _paint_strip(self, painter: QtGui.QPainter, s: Session) -> None:
        T, W, H = s.T, self.width(), self.height()
        forward_done, norms, done_back = self._state(s)
        left, right = theme.px(EDGE_PX), W - theme.px(EDGE_PX)
        # room above for the cursor's "t = ..." and below for the ticks, then the caption;
        # at most MAX_STRIP_PX tall, centred in the room it has
        free = H - self._caption_height(painter, s) - theme.px(36) - theme.px(30)
        height = min(max(free, theme.px(6)), theme.px(MAX_STRIP_PX))
        top = theme.px(36) + max(free - height, 0.0) / 2
        span = (right - left) / T
        # one pixel per timestep, coloured with NumPy, then scaled: T can be thousands
        colours = strip_colours(forward_done, norms, done_back, self._forward_bad_from(s))  # alive while drawn
        strip = QtGui.QImage(colours.data, T, 1, 4 * T, QtGui.QImage.Format.Format_RGBA8888)
        painter.drawImage(QtCore.QRectF(left, top, right - left, height), strip)
        painter.setPen(QtGui.QPen(QtGui.QColor(theme.THEME.foreground), theme.px(1)))
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        painter.drawRect(QtCore.QRectF(left, top, right - left, height))
        for tick in theme.timestep_ticks(T, target=8):
            x = left + span * (tick - 0.5)
            painter.drawLine(QtCore.QPointF(x, top + height), QtCore.QPointF(x, top + height + theme.px(5)))
            label = QtCore.QRectF(x - theme.px(40), top + height + theme.px(6), theme.px(80), theme.px(20))
            painter.drawText(label, QtCore.Qt.AlignmentFlag.AlignCenter, str(tick))
        if self.on_paper and done_back.any():
            self._paint_colour_scale(painter, norms[done_back], right, top)
        if s.t is not None and self.show_cursor:
            x = left + span * (s.t - 0.5)
            painter.setPen(QtGui.QPen(QtGui.QColor(theme.VERMILION), theme.px(3)))
            painter.drawLine(QtCore.QPointF(x, top - theme.px(10)), QtCore.QPointF(x, top + height + theme.px(4)))
            # kept inside the widget: "t = 1000" at the right edge is not cut to "t = 100"
            centre = min(max(x, theme.px(60)), W - theme.px(60))
            label = QtCore.QRectF(centre - theme.px(60), top - theme.px(32), theme.px(120), theme.px(20))
            painter.drawText(label, QtCore.Qt.AlignmentFlag.AlignCenter, f"t = {s.t}")
        self._paint_caption(painter, s)

    def _paint_colour_scale(self, painter: QtGui.QPainter, norms: np.ndarray, right: float, top: float) -> None:
        """The strip's colours as numbers, in the band above it (the window's cursor label
        stands there; a figure has none): "||dL/dh_t||  2·10⁻⁷ [pale .. dark] 0.3", right-aligned."""
        low, high = gradient_scale(norms)
        font = self._font(0.85)
        metrics = QtGui.QFontMetricsF(font)
        painter.setFont(font)
        painter.setPen(QtGui.QColor(theme.THEME.foreground))
        bar_width, bar_height, gap = theme.px(140), theme.px(12), theme.px(6)
        words = ("||dL/dh_t||", power_text(low), power_text(high))
        widths = [metrics.horizontalAdvance(w) for w in words]
        middle = max(top - theme.px(18), metrics.height() / 2)
        x = right - widths[2] - gap - bar_width - gap - widths[1] - 2 * gap - widths[0]
        for word, width in zip(words[:2], widths[:2]):
            painter.drawText(QtCore.QRectF(x, middle - metrics.height() / 2, width + 1, metrics.height()),
                             QtCore.Qt.AlignmentFlag.AlignVCenter, word)
            x += width + (2 * gap if word == words[0] else gap)
        bar = QtCore.QRectF(x, middle - bar_height / 2, bar_width, bar_height)
        fill = QtGui.QLinearGradient(bar.topLeft(), bar.topRight())
        fill.setColorAt(0.0, gradient_colour(0.0))
        fill.setColorAt(1.0, gradient_colour(1.0))
        painter.fillRect(bar, fill)
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        painter.drawRect(bar)
        painter.drawText(QtCore.QRectF(bar.right() + gap, middle - metrics.height() / 2, widths[2] + 1,
                                       metrics.height()), QtCore.Qt.AlignmentFlag.AlignVCenter, words[2])


    def _paint_folded(self, painter: QtGui.QPainter, s: Session) -> None:
        """One row: "1", the strip, "T", and the current timestep named at the right end
        (nothing to collide with), marked across the strip."""
        T, W = s.T, self.width()
        forward_done, norms, done_back = self._state(s)
        left, right = self._strip_span(s)
        metrics = QtGui.QFontMetricsF(self._font())
        top, height = theme.px(3), metrics.height()
        colours = strip_colours(forward_done, norms, done_back, self._forward_bad_from(s))  # alive while drawn
        strip = QtGui.QImage(colours.data, T, 1, 4 * T, QtGui.QImage.Format.Format_RGBA8888)
        band = QtCore.QRectF(left, top, right - left, height)
        painter.drawImage(band, strip)
        painter.setPen(QtGui.QPen(QtGui.QColor(theme.THEME.foreground), theme.px(1)))
        painter.setBrush(QtCore.Qt.BrushStyle.NoBrush)
        painter.drawRect(band)
        gap = theme.px(6)
        middle = QtCore.Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QtCore.QRectF(0, top, left - gap, height), QtCore.Qt.AlignmentFlag.AlignRight | middle, "1")
        painter.drawText(QtCore.QRectF(right + gap, top, metrics.horizontalAdvance(str(T)) + gap, height),
                         QtCore.Qt.AlignmentFlag.AlignLeft | middle, str(T))
        if s.t is not None and self.show_cursor:
            x = left + (right - left) / T * (s.t - 0.5)
            painter.setPen(QtGui.QPen(QtGui.QColor(theme.VERMILION), theme.px(3)))
            painter.drawLine(QtCore.QPointF(x, top - theme.px(2)), QtCore.QPointF(x, top + height + theme.px(2)))
            label = QtCore.QRectF(W - theme.px(EDGE_PX) - metrics.horizontalAdvance(f"t = {T}"), top,
                                  metrics.horizontalAdvance(f"t = {T}"), height)
            painter.drawText(label, QtCore.Qt.AlignmentFlag.AlignRight | middle, f"t = {s.t}")

    def _strip_span(self, s: Session) -> tuple[float, float]:
        """Where the strip's T columns lie, left to right: the width less EDGE_PX on either
        side; folded, also less "1" on its left and "T" and "t = T" on its right."""
        edge = theme.px(EDGE_PX)
        if not self.folded:
            return edge, self.width() - edge
        metrics = QtGui.QFontMetricsF(self._font())
        gap = theme.px(6)
        left = edge + metrics.horizontalAdvance("1") + gap
        right = (self.width() - edge - metrics.horizontalAdvance(f"t = {s.T}") - 3 * gap
                 - metrics.horizontalAdvance(str(s.T)))
        return left, max(right, left + 1)

    def _caption(self, s: Session) -> str:
        caption = {
            Phase.READY: "Ready: press Right to start the forward pass",
            Phase.FORWARD: f"Forward pass: h{_sub(s.t)} computed",
            Phase.LOSS: "Loss computed: press Right to start the backward pass at t = T",
            Phase.BACKWARD: f"Backward pass: dL/dh{_sub(s.t)} computed",
            Phase.UPDATE: "Weights updated: press Right for the next iteration",
        }[s.phase]
        if s.phase is Phase.UPDATE and s.history and not s.history[-1].applied:
            caption = "Update skipped (not finite), the weights kept: press Right for the next iteration"
        if self.on_paper:  # a figure has no keys: where the pass stands, without what to press
            caption = caption.split(": press Right")[0]
            caption = {"Ready": "Ready: the forward pass starts at t = 1",
                       "Loss computed": "Loss computed: the backward pass starts at t = T"}.get(caption, caption)
        _, norms, done_back = self._state(s)
        if (norms[done_back] == 0).any():
            caption += "; dark grey: dL/dh_t = 0 exactly"
        if (~np.isfinite(norms[done_back])).any() or self._forward_bad_from(s) is not None:
            caption += "; magenta: inf or nan"
        return caption

    def _paint_caption(self, painter: QtGui.QPainter, s: Session) -> None:
        painter.setPen(QtGui.QColor(theme.THEME.foreground))
        painter.setFont(self._font(1.1))
        lines = self._caption_lines(self._caption(s), s)
        step = QtGui.QFontMetricsF(self._font(1.1)).height() * 1.15
        for n, text in enumerate(lines):
            top = self.height() - theme.px(4) - step * (len(lines) - n)
            line = QtCore.QRectF(theme.px(10), top, self.width() - theme.px(20), step)
            painter.drawText(line, QtCore.Qt.AlignmentFlag.AlignLeft | QtCore.Qt.AlignmentFlag.AlignVCenter, text)

    def _caption_lines(self, caption: str, s: Session) -> list[str]:
        """The phase's caption and the weights' key: on one line when both fit, else the
        key and then the caption, each wrapped at spaces to the width (a paper column)."""
        key, font, width = weights_key(s), self._font(1.1), self.width() - theme.px(20)
        known = (caption, key, font.key(), width)  # measuring text is most of a paint's time
        if known not in self._wrapped:
            metrics = QtGui.QFontMetricsF(font)
            if metrics.horizontalAdvance(caption + "   |   " + key) <= width:
                lines = [caption + "   |   " + key]
            else:
                lines = wrap_words(key, metrics, width) + wrap_words(caption, metrics, width)
            if len(self._wrapped) > 64:
                self._wrapped.clear()
            self._wrapped[known] = lines
        return self._wrapped[known]

    def _caption_height(self, painter: QtGui.QPainter, s: Session) -> float:
        """Room for the caption's lines: as many as the longest caption needs, so that the
        picture does not jump from phase to phase."""
        longest = max(len(self._caption_lines(LONGEST_CAPTION, s)), len(self._caption_lines(self._caption(s), s)))
        return theme.px(6) + QtGui.QFontMetricsF(self._font(1.1)).height() * 1.15 * longest


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_text(log10_value: float) -> str:
    """10 ** log10_value in one significant figure, as a slide writes it: "2·10⁻⁷", "10³",
    "0.3", "5"."""
    value = 10.0**log10_value
    if 0.01 <= value < 100:
        return f"{value:.1g}"
    mantissa, exponent = f"{value:.0e}".split("e")
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPTS)
    return power if mantissa == "1" else f"{mantissa}·{power}"


def wrap_words(text: str, metrics: QtGui.QFontMetricsF, width: float) -> list[str]:
    """`text` in lines no wider than `width`, broken at spaces (a word wider than the
    width keeps a line of its own)."""
    lines: list[str] = []
    for word in text.split(" "):
        if lines and metrics.horizontalAdvance(lines[-1] + " " + word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _word(painter: QtGui.QPainter, x0: float, x1: float, y: float, word: str, colour: str) -> None:
    """A word above an arrow: what a value that is no size on the scale is (0, inf, nan)."""
    painter.setPen(QtGui.QColor(colour))
    box = QtCore.QRectF(min(x0, x1), y - theme.px(24), abs(x1 - x0), theme.px(20))
    painter.drawText(box, QtCore.Qt.AlignmentFlag.AlignCenter, word)


def _rgba(colour: str) -> np.ndarray:
    return np.array(QtGui.QColor(colour).getRgb(), dtype=np.uint8)


def strip_colours(forward_done: int, norms: np.ndarray, done_back: np.ndarray,
                  forward_bad_from: int | None = None) -> np.ndarray:
    """(1, T, 4) RGBA: grey before the forward pass, blue once computed (magenta from the
    step t = forward_bad_from on, where the hidden state overflowed), and in the backward
    pass the gradient colour of log10 ||dL/dh_t||, ZERO grey where it is exactly 0 and
    magenta where inf or nan."""
    T = len(norms)
    colours = np.tile(_rgba(theme.THEME.muted), (1, T, 1))
    colours[0, :forward_done] = _rgba(theme.SKY)
    if forward_bad_from is not None:
        colours[0, forward_bad_from - 1 : forward_done] = _rgba(theme.OVERFLOW)
    low, high = gradient_scale(norms[done_back])
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log10(norms)
    finite = done_back & np.isfinite(logs)
    f = np.clip((logs[finite] - low) / (high - low), 0.0, 1.0)[:, None]
    a, b = _rgba(theme.GRADIENT_LOW).astype(float), _rgba(theme.GRADIENT_HIGH).astype(float)
    colours[0, finite] = np.round(a + f * (b - a)).astype(np.uint8)
    colours[0, done_back & (norms == 0)] = _rgba(ZERO)  # zero is not overflow
    colours[0, done_back & ~np.isfinite(norms)] = _rgba(theme.OVERFLOW)
    return np.ascontiguousarray(colours)


def _arrow(
    painter: QtGui.QPainter, x_from: float, x_to: float, y: float, colour: QtGui.QColor, width: float
) -> None:
    pen = QtGui.QPen(colour, width)
    pen.setCapStyle(QtCore.Qt.PenCapStyle.FlatCap)
    painter.setPen(pen)
    direction = 1 if x_to > x_from else -1
    head = theme.px(6) + width
    painter.drawLine(QtCore.QPointF(x_from, y), QtCore.QPointF(x_to - direction * head, y))
    painter.setPen(QtCore.Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    half = head * 0.6
    painter.drawPolygon(QtGui.QPolygonF([
        QtCore.QPointF(x_to, y),
        QtCore.QPointF(x_to - direction * head, y - half),
        QtCore.QPointF(x_to - direction * head, y + half),
    ]))


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _sub(n: int | None) -> str:
    return "" if n is None else str(n).translate(_SUBSCRIPTS)
