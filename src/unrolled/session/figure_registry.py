"""Every figure, declared once: its name, title, formula, data, size on paper, the window's
view that draws it and which sessions have it. No Qt.

The lesson checks, the window's menus, the export dialog, the handout and `unrolled export`
read names and titles from `FIGURES`; `ui/export/figures.py` holds one builder per name
(`BUILDERS`), and a test checks that the two agree.

Adding a figure touches two places: a `FigureSpec` in `FIGURES` below (its data function
beside the others in `figure_data.py`, its formula in `formulas.py` when a plot shows it as
well), and its builder in `ui/export/figures.py`'s `BUILDERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..engine import cell_class
from . import figure_data as data, formulas
from .connectivity import connectivity_figure_table
from .figure_data import Table
from .stepper import Session
from .training import TrainingStep
from .unit_activations import has_text, unit_activations_table

# the window's views, in its layout order; a lesson's `highlight` names one of them
VIEWS = ("diagram", "heatmaps", "gradients", "loss")
VIEW_TITLES = {"diagram": "Diagram", "heatmaps": "Hidden states and gates", "gradients": "Gradient per timestep",
               "loss": "Loss"}  # as the window's View menu names them
DEFAULT_FIGURE = "dashboard"  # what Export and Copy take when no figure is named: every view


def _always(session: Session) -> bool:
    return True


def _has_gates(session: Session) -> bool:
    return bool(cell_class(session.config.cell).gate_names)


def _is_stack(session: Session) -> bool:
    """More than one recurrent layer, or two directions: a depth to show."""
    return session.config.layers > 1 or session.config.bidirectional


def _anytime(session: Session, steps: Sequence[TrainingStep]) -> bool:
    return True


def _after_an_iteration(session: Session, steps: Sequence[TrainingStep]) -> bool:
    return bool(session.history)  # one dot of loss says nothing


def _after_the_backward_pass(session: Session, steps: Sequence[TrainingStep]) -> bool:
    return session.bwd is not None and session.bwd.complete  # itemized gradients need all of it


def _after_training(session: Session, steps: Sequence[TrainingStep]) -> bool:
    return bool(steps)


def _after_classifying(session: Session, steps: Sequence[TrainingStep]) -> bool:
    return any(s.accuracy is not None for s in steps)


@dataclass(frozen=True)
class FigureSpec:
    """One figure. `table(session, steps)` is its data as (header, rows); `steps` is the
    training run a training figure draws (`unrolled export --iterations N`). `has(session)`:
    whether a session of that config has the figure at all (gates: a cell with gates; the
    depth-time gradients: a stack);
    `ready(session, steps)`: whether an export of everything writes it now."""

    name: str
    title: str
    formula: str
    table: Callable[[Session, Sequence[TrainingStep]], Table]
    inches: tuple[float, float]  # width, height on paper (the export's own size)
    view: str | None = None  # the window's view (VIEWS) that draws it and offers it on a right-click
    has: Callable[[Session], bool] = _always
    ready: Callable[[Session, Sequence[TrainingStep]], bool] = _anytime
    from_training: bool = False  # drawn from a training run's steps, not from the session
    drawn_for: str = ""  # the sessions `has` is true of, in words, when not all of them


_TRAINING_INCHES = (6.4, 3.6)

FIGURES: dict[str, FigureSpec] = {f.name: f for f in (
    FigureSpec("dashboard", "Dashboard (all plots)", formulas.UNROLLED_RECURRENCE, data.dashboard_table,
               (13.33, 7.5)),  # a 16:9 slide
    FigureSpec("diagram", "Unrolled diagram", formulas.UNROLLED_RECURRENCE, data.diagram_table, (10.0, 2.4),
               view="diagram"),
    FigureSpec("hidden_states", "Hidden states", formulas.HIDDEN_STATES, data.hidden_states_table, (6.4, 4.8),
               view="heatmaps"),
    FigureSpec("gates", "Gates", formulas.GATES, data.gates_table, (8.0, 6.4), view="heatmaps", has=_has_gates,
               drawn_for="a cell that has gates"),
    FigureSpec("grad_norms", "Gradient per timestep", formulas.GRADIENT_PER_STEP, data.grad_norms_table,
               (6.4, 5.6), view="gradients"),
    FigureSpec("depth_time_gradients", "Gradient across time and depth", formulas.DEPTH_TIME_GRADIENTS,
               data.depth_time_gradients_table, (6.4, 4.0), view="gradients", has=_is_stack,
               drawn_for="a stack (layers > 1 or bidirectional)"),
    FigureSpec("connectivity", "Connectivity ||dy_k/dx_t||", formulas.CONNECTIVITY, connectivity_figure_table,
               (6.4, 5.6)),
    FigureSpec("unit_activations", "Which units light up", formulas.UNIT_ACTIVATIONS, unit_activations_table,
               (10.0, 5.6), has=has_text, drawn_for="the task char-lm"),
    FigureSpec("loss", "Loss per iteration", formulas.LOSS, data.loss_table, (6.4, 3.6), view="loss",
               ready=_after_an_iteration),
    FigureSpec("itemized_gradients", "Itemized gradients ||dL_k/dh_t||", formulas.ITEMIZED_GRADIENTS,
               data.itemized_gradients_table, (6.4, 5.6), ready=_after_the_backward_pass),
    FigureSpec("training_loss", "Training loss per iteration", formulas.TRAINING_LOSS, data.training_loss_table,
               _TRAINING_INCHES, ready=_after_training, from_training=True),
    FigureSpec("clip_norms", "Gradient norm, before and after clipping", formulas.CLIP_NORMS,
               data.clip_norms_table, _TRAINING_INCHES, ready=_after_training, from_training=True),
    FigureSpec("accuracy", "Accuracy per iteration", formulas.ACCURACY, data.accuracy_table, _TRAINING_INCHES,
               ready=_after_classifying, from_training=True),
)}
# the figures drawn from a session (a lesson's stop may export any of them)
SESSION_FIGURES = tuple(name for name, spec in FIGURES.items() if not spec.from_training)


def figure(name: str) -> FigureSpec:
    """The figure called `name`; ValueError naming the figures otherwise."""
    try:
        return FIGURES[name]
    except KeyError:
        raise ValueError(f"figure: got {name!r}, expected one of {', '.join(FIGURES)}") from None


def drawn_only_for() -> str:
    """"gates only for a cell that has gates; ...": the figures some sessions lack."""
    return "; ".join(f"{name} only for {spec.drawn_for}" for name, spec in FIGURES.items() if spec.drawn_for)


def figures_for(session: Session) -> tuple[str, ...]:
    """The figures a session has, drawn from it (gates only for a cell that has gates)."""
    return tuple(name for name, spec in FIGURES.items() if not spec.from_training and spec.has(session))


def exported_figures(session: Session, steps: Sequence[TrainingStep] = ()) -> tuple[str, ...]:
    """The figures an export writes: the session's, without the loss before any iteration
    and the itemized gradients before the whole backward pass, and the training figures of
    `steps` (accuracy only for a classification run)."""
    return tuple(name for name, spec in FIGURES.items() if spec.has(session) and spec.ready(session, steps))


def figure_table(name: str, session: Session, steps: Sequence[TrainingStep] = ()) -> Table:
    """(header, rows) of the data behind figure `name`; NaN where not computed yet.
    `steps`: the training run behind the training figures."""
    return figure(name).table(session, steps)


def view_figures(view: str) -> tuple[str, ...]:
    """The figures the window's `view` draws, in registry order: the first is the one a
    lesson highlighting that view exports."""
    return tuple(name for name, spec in FIGURES.items() if spec.view == view)
