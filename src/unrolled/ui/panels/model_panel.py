"""The model panel: every config field with its range and tooltip, fields a task fixes
locked with the reason shown, and a live readout of the shapes in the seed's notation."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable

from PySide6 import QtCore, QtWidgets

from ...engine import cell_class, get_task
from ...session.config import FIELDS, INTEGER_FIELDS, STRICT_WHOLE_FIELDS, Config, ConfigError
from ...session.events import Change
from ...session.own_model import OwnModel, locked_fields
from ...session.stepper import Session
from .number_boxes import ChoiceBox, RealNumberBox, WholeNumberBox
from .sample_view import SampleView

MEMORY_QUESTION_BYTES = 1_000_000_000
HEAVY_D = 512  # from this D on, building takes seconds (the QR factorisations of U): a worker builds it

# the order of the form, in groups
GROUPS = (
    ("Task", ("task",)),
    ("Network", ("cell", "activation", "timesteps", "n_features", "n_hidden", "n_classes", "layers",
                 "bidirectional", "mode", "loss", "batch_size")),
    ("Initialisation", ("init", "rho", "forget_bias", "seed")),
    ("Update", ("optimiser", "learning_rate", "momentum", "clipping", "clip_threshold", "truncation", "carry_state")),
)
Editor = QtWidgets.QComboBox | QtWidgets.QSpinBox | QtWidgets.QDoubleSpinBox | QtWidgets.QCheckBox
# rho for opened weights: a comparison's "another U scale" (OwnModel.network)
OWN_RHO = ("Every recurrent U of the opened weights rescaled to this spectral radius; "
           "0 keeps the file's own U. Below 1 gradients tend to vanish, above 1 to explode.")
DECIMALS = {"rho": 3, "forget_bias": 2, "learning_rate": 4, "momentum": 3, "clip_threshold": 3}


def shapes_text(config: Config) -> str:
    """The shapes of X, the weights and Y in the seed's notation (rich text), from the
    engine's parameter shapes: a parameter on its own reads W1 [F, D] = [14, 8]; a gate's
    W, U and b share a line."""
    T, F, D, C, B = config.timesteps, config.n_features, config.n_hidden, config.n_classes, config.batch_size
    cell = cell_class(config.cell)
    shapes, letters = cell.param_shapes(F, D), cell.param_letters()

    def numbers(name: str) -> str:
        return ", ".join(str(n) for n in shapes[name])

    rows = [f"X [{B}, T, F] = [{B}, {T}, {F}]"]
    for group in cell.param_groups():
        if len(group) == 1:
            rows.append(f"{group[0]} [{', '.join(letters[group[0]])}] = [{numbers(group[0])}]")
        else:
            rows.append("   ".join(f"{name} [{numbers(name)}]" for name in group))
    dirs = 2 if config.bidirectional else 1
    if config.layers > 1 or dirs > 1:
        rows += _depth_rows(config, cell.param_shapes(dirs * D, D), dirs)
    y = f"Y [{B}, {T}, {C}]" if config.mode == "many-to-many" else f"Y [{B}, {C}]"
    readout = f"W2 [D, C] = [{D}, {C}]" if dirs == 1 else f"W2 [2D, C] = [{2 * D}, {C}]"
    rows += [readout, f"b2 [C] = [{C}]", y]
    return "<br>".join(rows)


def _depth_rows(config: Config, upper_shapes: dict[str, tuple[int, ...]], dirs: int) -> list[str]:
    """What the layers above the first and the second direction add, in short lines (the
    panel fits a narrow dock): every cell has weights of its own, of the shapes above but
    for a layer l > 1, which reads layer l - 1's output, so its W are [dirs·D, D]."""
    L = config.layers
    rows = [f"{L * dirs} cells, each its own weights"]
    if dirs > 1:
        rows.append("reverse: as forward")
    if L > 1:
        width = "2D" if dirs > 1 else "D"
        first_w = next(name for name in upper_shapes if name.startswith("W"))
        rows.append(f"layers 2..{L}: {first_w} [{width}, D] = [{', '.join(str(n) for n in upper_shapes[first_w])}]")
    return rows


def own_model_text(config: Config, own: OwnModel) -> str:
    """What the panel says of an opened model in place of a task's description (rich text)."""
    return (f"<b>Your model</b>: {html.escape(config.weights_name(), quote=False)}"
            f"<br>Input: {html.escape(own.input_said(config.timesteps, config.batch_size), quote=False)}"
            f"<br>Targets: {html.escape(own.targets_said(), quote=False)}")


def _choice_title(name: str, choice: str) -> str:
    if name == "task":
        return get_task(choice).title
    cell = cell_class(choice)
    return cell.title + (f" ({cell.reference})" if cell.reference else "")


class ModelPanel(QtWidgets.QWidget):
    """Bound to the session's config: view -> model through `Session.reconfigure`,
    model -> view through `_on_config_changed`, with signals blocked while syncing."""

    def __init__(self, session: Session, confirm: Callable[[str], bool], parent=None,
                 committed: Callable[[], None] | None = None):
        super().__init__(parent)
        self.session = session
        self.confirm = confirm  # asks the user a yes/no question
        # called when a value is committed with Enter or chosen from a list: the window gives
        # the keyboard back to stepping, so Right steps again instead of moving a text cursor
        self.committed = committed or (lambda: None)
        self.editors: dict[str, Editor] = {}
        self.labels: dict[str, QtWidgets.QLabel] = {}
        # in a field's place while the cell or the optimiser does not use it: "not used by the LSTM"
        self.unused: dict[str, QtWidgets.QLabel] = {}
        self._places: dict[str, QtWidgets.QStackedWidget] = {}
        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)  # the dock's width to the fields, not to the air around them
        for title, names in GROUPS:
            box = QtWidgets.QGroupBox(title)
            # the task's description and sample below its form, in a column that gives a
            # wrapped text the height it needs at the dock's width (the form's spanning rows
            # cut the description and left a gap under the sample in a 300 px dock)
            column = QtWidgets.QVBoxLayout(box)
            form = QtWidgets.QFormLayout()
            column.addLayout(form)
            form.setFieldGrowthPolicy(QtWidgets.QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            # a field goes below its label when the two do not fit side by side (F5's fonts
            # in a 300 px dock): the panel fits its dock, with no horizontal scroll bar
            form.setRowWrapPolicy(QtWidgets.QFormLayout.RowWrapPolicy.WrapLongRows)
            for name in names:
                editor = self._make_editor(name)
                label = QtWidgets.QLabel(FIELDS[name].label)
                label.setToolTip(FIELDS[name].tooltip)
                form.addRow(label, self._place(name, editor))
                self.editors[name], self.labels[name] = editor, label
            if title == "Task":
                self.task_description = QtWidgets.QLabel()
                self.task_description.setWordWrap(True)
                column.addWidget(self.task_description)
                self.sample_view = SampleView(session)
                self.sample_view.setToolTip(
                    "Sequence 1 of the batch: its input, one column per timestep, and its target"
                )
                column.addWidget(self.sample_view)
            outer.addWidget(box)
        self.error = QtWidgets.QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020; font-weight: bold;")
        self.error.hide()
        outer.addWidget(self.error)
        shapes_box = QtWidgets.QGroupBox("Shapes")
        shapes_layout = QtWidgets.QVBoxLayout(shapes_box)
        self.shapes = QtWidgets.QLabel()
        self.shapes.setTextFormat(QtCore.Qt.TextFormat.RichText)
        self.shapes.setStyleSheet("font-family: monospace;")
        self.shapes.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        shapes_layout.addWidget(self.shapes)
        outer.addWidget(shapes_box)
        outer.addStretch(1)
        self._on_config_changed()

    def closeEvent(self, event) -> None:
        self.sample_view.close()
        super().closeEvent(event)

    # -- building ---------------------------------------------------------------------
    def _place(self, name: str, editor: Editor) -> QtWidgets.QWidget:
        """The editor, or for a field a cell or an optimiser may not use, the editor on a
        stack with the words that take its place."""
        if name not in ("task", "init", "activation", "forget_bias", "momentum"):
            return editor
        unused = QtWidgets.QLabel()
        unused.setEnabled(False)  # greyed, as a locked field
        unused.setWordWrap(True)  # "not used by the vanilla RNN" on two lines in a narrow dock
        place = QtWidgets.QStackedWidget()
        place.addWidget(editor)
        place.addWidget(unused)
        # the height of the editor, whichever page shows: the form does not jump
        place.setSizePolicy(QtWidgets.QSizePolicy.Policy.Preferred, QtWidgets.QSizePolicy.Policy.Fixed)
        self.unused[name], self._places[name] = unused, place
        return place

    def _make_editor(self, name: str) -> Editor:
        spec = FIELDS[name]
        editor: Editor
        if spec.flag:
            editor = QtWidgets.QCheckBox()
            editor.toggled.connect(lambda _=None, n=name: self._on_edited(n))
            editor.clicked.connect(lambda _=None: self.committed())
        elif spec.choices is not None:
            editor = self._make_choice(name, spec.choices)
        else:
            editor = self._make_number(name)
            editor.lineEdit().returnPressed.connect(lambda: self.committed())
            editor.editingFinished.connect(lambda n=name, box=editor: self._on_finished(n, box))
        editor.setToolTip(spec.tooltip)
        return editor

    def _make_choice(self, name: str, choices) -> QtWidgets.QComboBox:
        editor = ChoiceBox()
        for choice in choices:
            editor.addItem(choice, choice)
        if name in ("task", "cell"):
            for i, choice in enumerate(choices):
                editor.setItemData(i, _choice_title(name, choice), QtCore.Qt.ItemDataRole.ToolTipRole)
        editor.currentIndexChanged.connect(lambda _=None, n=name: self._on_edited(n))
        editor.activated.connect(lambda _=None: self.committed())
        return editor

    def _make_number(self, name: str) -> WholeNumberBox | RealNumberBox:
        spec = FIELDS[name]
        if name in INTEGER_FIELDS:
            whole = WholeNumberBox()
            whole.setRange(int(spec.minimum), int(spec.maximum))
            whole.setKeyboardTracking(False)  # apply on Enter or focus out, not per digit
            whole.valueChanged.connect(lambda _=None, n=name: self._on_edited(n))
            return whole
        real = RealNumberBox()
        real.setDecimals(DECIMALS.get(name, 3))
        real.setRange(spec.minimum, spec.maximum)
        real.setSingleStep(0.1 if name != "learning_rate" else 0.01)
        real.setKeyboardTracking(False)
        if name == "rho":
            real.setSpecialValueText("orthogonal")
        real.valueChanged.connect(lambda _=None, n=name: self._on_edited(n))
        return real

    # -- view -> model ----------------------------------------------------------------
    def value_of(self, name: str):
        editor = self.editors[name]
        if isinstance(editor, QtWidgets.QComboBox):
            return editor.currentData()
        if isinstance(editor, QtWidgets.QCheckBox):
            return editor.isChecked()
        return editor.value()

    def _on_edited(self, name: str) -> None:
        value = self.value_of(name)
        if name == "carry_state" and value == self.session.config.replace(carry_state=None).carries_state:
            value = None  # the task's default, which follows the direction chosen later
        self.apply({name: value})

    def _on_finished(self, name: str, box: WholeNumberBox | RealNumberBox) -> None:
        """A typed number out of range: refused with the config's own words, not truncated."""
        typed = box.take_refused()
        if typed is not None:
            whole = name in INTEGER_FIELDS - STRICT_WHOLE_FIELDS and float(typed).is_integer()  # "2.0" layers: refused
            self.apply({name: int(typed) if whole else typed})

    def apply(self, changes: dict) -> bool:
        """Reconfigure the session; on refusal, say why and show the session's config again."""
        session = self.session
        try:
            proposed = session.config.replace(**changes)
            if "task" in changes:
                proposed = proposed.resolved()
            proposed.validated()  # before sizes are estimated from it: a cell may not exist
            size = proposed.estimated_trace_bytes()
            if size > MEMORY_QUESTION_BYTES and not self.confirm(
                f"These sizes need about {size / 1e9:.1f} GB for the traces of one iteration. Build anyway?"
            ):
                self._on_config_changed()
                return False
            QtWidgets.QApplication.setOverrideCursor(QtCore.Qt.CursorShape.WaitCursor)
            try:  # large sizes take a moment to build: say so, and keep the window alive
                session.adopt(self._build(changes, heavy=proposed.n_hidden >= HEAVY_D))
            finally:
                QtWidgets.QApplication.restoreOverrideCursor()
        except ConfigError as error:
            self._show_error(error)
            self._on_config_changed()
            return False
        self.error.hide()
        return True

    def _build(self, changes: dict, heavy: bool) -> Session:
        """The rebuilt session: at large D (seconds of QR factorisations) in a worker thread,
        the window repainting meanwhile; the session is replaced only when it is complete."""
        if not heavy:
            return self.session.rebuilt(**changes)
        outcome: dict = {}

        def build() -> None:
            try:
                outcome["session"] = self.session.rebuilt(**changes)
            except Exception as error:  # handed back to the GUI thread, raised there
                outcome["error"] = error

        self.error.setText(f"Building the network (D = {self.session.config.replace(**changes).n_hidden})...")
        self.error.show()
        worker = threading.Thread(target=build, name="unrolled-rebuild", daemon=True)
        worker.start()
        loop = QtCore.QEventLoop()
        poll = QtCore.QTimer()
        poll.timeout.connect(lambda: None if worker.is_alive() else loop.quit())
        poll.start(15)
        loop.exec()
        poll.stop()
        self.error.hide()
        if "error" in outcome:
            raise outcome["error"]
        return outcome["session"]

    def _show_error(self, error: ConfigError) -> None:
        lines = [f"{FIELDS[k].label if k in FIELDS else k}: {v}" for k, v in error.problems.items()]
        self.error.setText("Not applied. " + " ".join(lines))
        self.error.show()

    # -- model -> view ----------------------------------------------------------------
    # The window's redraw throttle calls `redraw` after a change in CARES, while the panel is seen.
    CARES = Change.REBUILT | Change.PARAMS

    def redraw(self, change: Change) -> None:
        if change & self.CARES:
            self._on_config_changed()

    def _on_config_changed(self) -> None:
        config = self.session.config
        locked, unused = locked_fields(config, self.session.own_model), config.unused_fields()
        for name, editor in self.editors.items():
            value = getattr(config, name)
            editor.blockSignals(True)
            if isinstance(editor, QtWidgets.QComboBox):
                if editor.currentData() != value:
                    editor.setCurrentIndex(editor.findData(value))
            elif isinstance(editor, QtWidgets.QCheckBox):
                editor.setChecked(config.carries_state if name == "carry_state" else bool(value))
            elif editor.value() != value:  # an update (PARAMS) leaves the fields alone: no repaints
                editor.setValue(value)
            editor.blockSignals(False)
            reason = locked.get(name)
            editor.setEnabled(reason is None)
            tip = FIELDS[name].tooltip + (f"\n\nFixed: {reason}." if reason else "")
            editor.setToolTip(tip)
            self.labels[name].setToolTip(tip)
            not_used = unused.get(name)
            if name in self._places:  # its value would be stale: say it does not apply instead
                self.unused[name].setText(not_used or "")
                self.unused[name].setToolTip(tip)
                self._places[name].setCurrentIndex(1 if not_used else 0)
            self.labels[name].setText(FIELDS[name].label + (" (fixed)" if reason and not not_used else ""))
        own = self.session.own_model
        if own is not None:
            self.task_description.setText(own_model_text(config, own))
            self.task_description.setToolTip(own.title)  # the whole path
        else:
            task = self.session.task  # the session's own: a char-lm task knows its text
            fixed = f"<br><i>Fixed by the task: {task.fixed_reason}.</i>" if task.fixed_reason else ""
            self.task_description.setText(f"<b>{task.title}</b>. {task.description}{fixed}")
            self.task_description.setToolTip("")
        rho = self.editors["rho"]
        assert isinstance(rho, QtWidgets.QDoubleSpinBox)
        rho.setSpecialValueText("as in the file" if own is not None else "orthogonal")
        if own is not None:
            rho.setToolTip(OWN_RHO)
            self.labels["rho"].setToolTip(OWN_RHO)
        self.shapes.setText(shapes_text(config))
