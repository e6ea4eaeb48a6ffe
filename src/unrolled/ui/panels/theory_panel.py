"""The theory panel: the eigenvalues of U with the unit circle, rho(U) and sigma_max(U), a
slider that rescales U on the spot, and ||dh_T/dh_t|| against T - t with the bound
(gamma sigma_max)^(T-t) (and, for the LSTM, the forget-gate product along the cell path),
of one layer and direction of a stacked or bidirectional network, chosen above. The
Jacobian norms are computed in a worker thread from a snapshot of the network; the
window's redraw throttle says when the panel is seen and the weights have changed
(`recompute`), and the worker's own pacing (below) says when it starts."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore, QtWidgets

from ...session.config import ConfigError
from ...session.formulas import TO_THE_STEPS_BACK
from ...session.inspector_layer import layer_choices
from ...session.stepper import Session
from ...session.theory import TheoryResult, compute_theory, layer_matrices, snapshot
from .. import theme
from ..plots.axes import POWER_TICK
from ..plots.decade_axis import DecadeAxis, StepsBackAxis
from ..plots.fit import fit_title
from ..plots.style import style_plot
from .rho_scale import position_of, rho_at, rho_box, rho_slider
from .scrolling import scrolled
from .theory_layout import SPACING_PX, FoldingLabel, LegendLine, PanelFit, control_rows, show_axis_name
from .theory_view import legend_html, number as _number, view_of

# The worker's pacing. It starts SETTLE_MS after it is asked, so that the command that
# changed the weights (Run iteration, an update step) finishes and paints first without a
# worker competing for the CPU and the GIL; asked again meanwhile (steps go on: a run, play,
# training), the wait starts again, up to MAX_WAIT_S. An open panel just shown starts at
# once: nothing of its own is waiting to paint.
SETTLE_MS = 250
MAX_WAIT_S = 1.0
MIN_SECONDS_BETWEEN = 1.0  # training changes the weights every iteration: one run of the worker a second at most


class _Job(QtCore.QObject):
    done = QtCore.Signal(object, int)  # TheoryResult or Exception, request number

    def __init__(self, args, number):
        super().__init__()
        self.args, self.number = args, number

    def run(self) -> None:
        result: TheoryResult | Exception
        try:
            result = compute_theory(*self.args)
        except Exception as error:  # shown in the panel, never a crash
            result = error
        self.args = None  # the network's snapshot: tens of MB for a deep LSTM, let go at once
        # deleted on the GUI thread (TheoryPanel._on_worker_finished), where its Python
        # reference is dropped too: deleted by the finishing thread, it raced that (a crash)
        app = QtCore.QCoreApplication.instance()
        if app is not None:  # a worker outlives no application
            self.moveToThread(app.thread())
        self.done.emit(result, self.number)


class TheoryPanel(QtWidgets.QWidget):
    result_ready = QtCore.Signal()

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.result: TheoryResult | None = None
        self._request = 0
        # (weights version, batch, (layer, direction)) of the last request
        self._computed: tuple[int, np.ndarray, tuple[int, int]] | None = None
        self._pending = False
        self._last_start = -MIN_SECONDS_BETWEEN  # when the last computation started
        self._threads: list[QtCore.QThread] = []
        self._jobs: dict[QtCore.QThread, _Job] = {}
        self._shown_at = -math.inf  # when the panel was last shown (time.perf_counter)
        self._compact = False  # a short dock: see theory_layout.py
        self._bound_beyond = False  # the bound leaves the Jacobian plot's view (theory_view.py)
        # asks for the work again once the worker is free (the window: through its throttle,
        # so a hidden panel waits until it is shown)
        self.ask_again: Callable[[], None] = self.recompute

        self.layer = QtWidgets.QComboBox()
        self.layer.setToolTip("Which layer and direction: each has its own U and its own product along time")
        self.matrix = QtWidgets.QComboBox()
        self.matrix.setToolTip("Which recurrent matrix to show (the LSTM and GRU have one per gate)")
        self.rho_slider, self.rho_box = rho_slider(), rho_box()
        self.numbers = QtWidgets.QLabel()  # rho and sigma_max
        self.numbers.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.numbers.setWordWrap(True)  # a narrow column, large fonts: wrap, never widen the panel
        self.verdict = FoldingLabel()  # what rho says of the gradients
        self.status = FoldingLabel()  # what the worker did

        self.eigen_graphics = pg.GraphicsLayoutWidget()
        self.eigen_graphics.setBackground(theme.THEME.background)
        self.eigen_plot = self.eigen_graphics.addPlot(row=0, col=0)
        style_plot(self.eigen_plot, theme.THEME, "Eigenvalues of U", {"bottom": "Re", "left": "Im"})
        self.eigen_plot.setAspectLocked(True)
        self.eigen_plot.setMenuEnabled(False)
        self.eigen_plot.setMouseEnabled(x=False, y=False)  # the wheel scrolls the panel
        angles = np.linspace(0, 2 * np.pi, 200)
        self.unit_circle = self.eigen_plot.plot(np.cos(angles), np.sin(angles), pen=theme.THEME.pen(theme.GREY, 1.5))
        self.rho_circle = self.eigen_plot.plot([], [],
                                               pen=theme.THEME.pen(theme.VERMILION, 1.5, QtCore.Qt.PenStyle.DashLine))
        self.eigen = pg.ScatterPlotItem(size=theme.THEME.px(7), brush=theme.BLUE, pen=None)
        self.eigen_plot.addItem(self.eigen)
        self.graphics = pg.GraphicsLayoutWidget()  # the Jacobian plot
        self.graphics.setBackground(theme.THEME.background)
        self.jac_plot = self.graphics.addPlot(axisItems={"left": DecadeAxis("left"), "bottom": StepsBackAxis("bottom")})
        style_plot(self.jac_plot, theme.THEME, "||dh_T/dh_t|| against T - t", {"bottom": "T - t", "left": "norm"},
                         widest_tick=POWER_TICK)
        self.jac_plot.setMenuEnabled(False)
        self.jac_plot.setMouseEnabled(x=False, y=False)
        self.legend = LegendLine()  # the Jacobian plot's, above it (theory_view.legend_html)
        self.legend.hide()
        self.product = self.jac_plot.plot([], [], pen=theme.THEME.pen(theme.BLUE), name="||dh_T/dh_t||")
        self.bound = self.jac_plot.plot([], [], pen=theme.THEME.pen(theme.GREY, style=QtCore.Qt.PenStyle.DashLine),
                                        name=f"bound (γ σ_max){TO_THE_STEPS_BACK}")
        self.forget = self.jac_plot.plot([], [], pen=theme.THEME.pen(theme.GREEN, style=QtCore.Qt.PenStyle.DotLine),
                                         name="max prod of forget gates")
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(SPACING_PX)
        layout.addLayout(control_rows(self.layer, self.matrix, self.rho_box, self.rho_slider))
        readout = QtWidgets.QVBoxLayout()
        readout.setSpacing(0)  # lines of text: their own leading parts them
        for label in (self.numbers, self.verdict, self.status):
            readout.addWidget(label)
        layout.addLayout(readout)
        plots = QtWidgets.QWidget()
        column = QtWidgets.QVBoxLayout(plots)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(SPACING_PX)
        column.addWidget(self.eigen_graphics, 1)
        column.addWidget(self.legend)
        column.addWidget(self.graphics, 1)
        self.plots_scroll = scrolled(plots, rows=0)
        self.fit = PanelFit(self.plots_scroll, plots, self.numbers, (self.verdict, self.status),
                            (self.eigen_graphics, self.graphics), self.legend, self._on_compact)
        layout.addWidget(self.plots_scroll, 1)

        self._settle = QtCore.QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._start_worker)
        self._waiting_since = 0.0
        # view -> model: a drag of the slider sets the weights once it rests, not at every pixel
        self._debounce = QtCore.QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self._apply_rho)
        self.rho_slider.valueChanged.connect(self._on_slider)
        self.rho_box.valueChanged.connect(self._on_box)
        self.matrix.currentIndexChanged.connect(self._draw_spectrum)
        self.layer.currentIndexChanged.connect(self._on_layer_chosen)
        self._sync_controls()

    # -- view -> model ----------------------------------------------------------------
    def _on_slider(self, value: int) -> None:
        self.rho_box.blockSignals(True)
        self.rho_box.setValue(rho_at(value))
        self.rho_box.blockSignals(False)
        self._debounce.start()

    def _on_box(self, value: float) -> None:
        self.rho_slider.blockSignals(True)
        self.rho_slider.setValue(position_of(value))
        self.rho_slider.blockSignals(False)
        self._debounce.start()

    def _on_layer_chosen(self) -> None:
        """Another layer: its matrices in the list, its spectrum and products computed."""
        self._sync_controls()
        self.ask_again()

    @property
    def chosen_layer(self) -> tuple[int, int]:
        """(layer from 0, direction) shown; layer 1 forward until another is chosen."""
        key = self.layer.currentData()
        net = self.session.net
        if key is None or key[0] >= net.layers or key[1] >= net.directions:
            return (0, 0)
        return key

    def _apply_rho(self) -> None:
        try:
            self.session.set_spectral_radius(self.rho_box.value(), keep_position=True)
        except ConfigError as error:
            self.status.setText(str(error))

    # -- model -> view ----------------------------------------------------------------
    def _sync_controls(self) -> None:
        net = self.session.net
        choices = layer_choices(net.layers, net.directions)
        chosen = self.chosen_layer
        self.layer.blockSignals(True)
        if [self.layer.itemData(i) for i in range(self.layer.count())] != [key for _, key in choices]:
            self.layer.clear()
            for name, key in choices:
                self.layer.addItem(name, key)
        self.layer.setCurrentIndex(chosen[0] * net.directions + chosen[1])
        self.layer.blockSignals(False)
        self.layer.setVisible(len(choices) > 1)  # one layer in one direction: no choice
        names = layer_matrices(net, self.chosen_layer)
        self.matrix.blockSignals(True)
        current = self.matrix.currentText()
        self.matrix.clear()
        self.matrix.addItems(names)
        if current in names:
            self.matrix.setCurrentText(current)
        self.matrix.blockSignals(False)

    def _current_spectrum(self):
        if self.result is None:
            return None
        by_name = {spec.name: spec for spec in self.result.spectra}
        return by_name.get(self.matrix.currentText(), self.result.spectra[0])

    def _draw_spectrum(self) -> None:
        spec = self._current_spectrum()
        if spec is None:
            return
        self.eigen.setData(spec.eigenvalues.real, spec.eigenvalues.imag)
        angles = np.linspace(0, 2 * np.pi, 200)
        self.rho_circle.setData(spec.spectral_radius * np.cos(angles), spec.spectral_radius * np.sin(angles))
        # position_of clamps: a blown-up U (rho 1e7 and more) must not overflow the slider's int
        for widget, value in ((self.rho_slider, position_of(spec.spectral_radius)),
                              (self.rho_box, spec.spectral_radius)):
            widget.blockSignals(True)
            widget.setValue(value)
            widget.blockSignals(False)
        rho = _number(spec.spectral_radius)
        # by the number shown: "1.000 (above 1 ...)" read as a contradiction
        verdict = ("at 1, the edge: gradients through U neither shrink nor grow by it" if float(rho) == 1.0
                   else "below 1: gradients through U shrink" if spec.spectral_radius < 1
                   else "above 1: gradients through U can grow")
        self.numbers.setText(f"ρ({spec.name}) = <b>{rho}</b>, σ_max({spec.name}) = <b>{_number(spec.sigma_max)}</b>")
        self.verdict.setText(f"ρ({spec.name}) {verdict}")

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._shown_at = time.perf_counter()  # the throttle's catch-up, just after, starts the worker at once

    def _wanted(self) -> tuple[int, np.ndarray, tuple[int, int]]:
        """What a result depends on: the weights (by version), the batch and the layer."""
        return self.session.weights_version, self.session.X, self.chosen_layer

    def _up_to_date(self) -> bool:
        version, X, layer = self._wanted()
        computed = self._computed
        return computed is not None and computed[0] == version and computed[1] is X and computed[2] == layer

    def recompute(self) -> None:
        """Compute the spectra and the Jacobian norms in a worker thread, once per weights
        version and batch (the window's throttle calls this while the panel is seen). The
        worker starts after SETTLE_MS, or at once when the panel was just shown."""
        if self._up_to_date():
            return
        self._pending = True
        now = time.perf_counter()
        if now - self._shown_at < SETTLE_MS / 1000 and not self._settle.isActive():
            self._start_worker()
        elif not self._settle.isActive():
            self._waiting_since = now
            self._settle.start()
        elif now - self._waiting_since < MAX_WAIT_S:
            self._settle.start()

    def _start_worker(self) -> None:
        """One worker at a time: changes while it runs (training) are coalesced into one
        more run when it is done; and one run a second at most."""
        if not self._pending or self._up_to_date():
            self._pending = False
            return
        wait = self._last_start + MIN_SECONDS_BETWEEN - time.perf_counter()
        if self._threads or wait > 0:
            if not self._threads:
                QtCore.QTimer.singleShot(int(wait * 1000) + 1, self, self._retry)
            return
        self._sync_controls()  # a rebuilt network may have fewer layers than the one chosen
        version, X, layer = self._wanted()
        self._last_start = time.perf_counter()
        self._pending = False
        self._computed = (version, X, layer)
        self._request += 1
        self.status.setText("Computing the spectrum and the Jacobian norms...")
        thread = QtCore.QThread()
        job = _Job((*snapshot(self.session.net, self.session.X, self.session.config.activation), layer),
                   self._request)
        job.moveToThread(thread)
        thread.started.connect(job.run)
        job.done.connect(self._on_result)
        job.done.connect(thread.quit)
        # a method of the panel, not a lambda: Qt then calls it on the GUI thread (queued), never
        # on the finishing worker thread, where it would start the next worker from the wrong thread
        thread.finished.connect(self._on_worker_finished)
        self._jobs[thread] = job  # the job lives as long as its thread
        self._threads.append(thread)
        thread.start()

    def _retry(self) -> None:
        if self._pending:
            self.ask_again()

    def _on_worker_finished(self) -> None:
        for thread in [t for t in self._threads if t.isFinished()]:
            self._threads.remove(thread)
            job = self._jobs.pop(thread, None)
            if job is not None:
                job.deleteLater()
            thread.deleteLater()
        if self._pending:
            self.ask_again()

    def _on_result(self, result, number: int) -> None:
        if number != self._request:
            return  # an older request; a newer one is on its way
        if isinstance(result, Exception):
            self.status.setText(f"Could not compute the Jacobian norms: {result}")
            return
        self.result = result
        self._draw_spectrum()
        self._name_the_axes(result)
        self.product.setData(result.steps_back, result.log10_product)
        self.jac_plot.getAxis("bottom").set_last(int(np.max(result.steps_back, initial=0)))
        if result.log10_bound is not None:
            self.bound.setData(result.steps_back, result.log10_bound)
        else:
            self.bound.setData([], [])
        if result.forget_product is not None:
            with np.errstate(divide="ignore"):
                self.forget.setData(result.steps_back, np.log10(result.forget_product))
        else:
            self.forget.setData([], [])
        self._fit_view(result)
        self._fill_legend(result)
        how = "exact (largest singular values)" if result.exact else "estimated by power iteration (a lower bound)"
        gamma = f"; γ = {result.gamma:g} for {self.session.config.activation}" if result.gamma is not None else ""
        self.status.setText(f"Jacobian norms along sequence 1: {how}{gamma}.")
        self.result_ready.emit()

    def _fit_view(self, result: TheoryResult) -> None:
        """The norms' decades in view, the bound only a little beyond them (theory_view.py)."""
        bottom, top, self._bound_beyond = view_of(result)
        self.jac_plot.setYRange(bottom, top, padding=0)
        self.jac_plot.enableAutoRange(x=True)

    def _fill_legend(self, result: TheoryResult) -> None:
        """The curves' names above the plot; the bound's whole label, compact its first part
        only (gamma is in the line under the numbers, sigma_max in them)."""
        entries = []
        for curve, shown in ((self.product, True), (self.bound, result.log10_bound is not None),
                             (self.forget, result.forget_product is not None)):
            if shown:
                label = result.product_name if curve is self.product else curve.opts["name"]
                if curve is self.bound and result.bound_label is not None:
                    parts = result.bound_label.split(", ")
                    label = parts[0] if self._compact else ", ".join(parts)
                if curve is self.bound and self._bound_beyond:
                    label += " (beyond the top)"
                pen = curve.opts["pen"]
                entries.append((pen.color().name(), pen.style(), label))
        self.legend.setText(legend_html(entries))
        self.legend.show()

    def _on_compact(self, level: int) -> None:
        """A short dock: the plots without what their neighbours say (theory_layout.py)."""
        self._compact = level >= 1
        self._name_the_axes(self.result)
        if self.result is not None:
            self._fill_legend(self.result)
        show_axis_name(self.eigen_plot, theme.THEME, level < 1, values=level < 2)
        t = theme.THEME
        self.eigen_plot.setTitle(None if level >= 2 else "Eigenvalues of U", size=f"{t.points(1.15):.1f}pt",
                                 color=t.foreground)
        fit_title(self.eigen_plot, t)

    def _name_the_axes(self, result: TheoryResult | None) -> None:
        """||dh_T/dh_t|| against T - t; in a reverse direction, which runs from t = T down,
        ||dh_1/dh_t|| against t - 1."""
        fg, t = theme.THEME.foreground, theme.THEME
        names = ("||dh_T/dh_t||", "T - t") if result is None else (result.product_name, result.steps_back_name)
        self.jac_plot.setTitle(None if self._compact else f"{names[0]} against {names[1]}",
                               size=f"{t.points(1.15):.1f}pt", color=fg)
        fit_title(self.jac_plot, t)
        self.jac_plot.setLabel("bottom", names[1], **{"font-size": f"{t.points():.1f}pt", "color": fg})

    def wait_for_workers(self) -> None:
        for thread in list(self._threads):
            thread.quit()
            thread.wait()

    def closeEvent(self, event) -> None:
        self._settle.stop()
        self.wait_for_workers()
        super().closeEvent(event)
