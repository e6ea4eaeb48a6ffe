"""Lessons: a lecture as a list of stops, each a model at a place in its iteration with a
few sentences to say there. A lesson is a JSON file (built in: unrolled/lessons/NAME.json):

    {
      "format": "unrolled-lesson",
      "title": "Vanishing gradients in five minutes",
      "description": "one line, shown by unrolled --list-lessons",
      "stops": [
        {
          "title": "A tanh RNN with rho(U) = 0.8",
          "text": "A few sentences. *Emphasis* and **strong** words; math in plain Unicode: ρ(U) < 1.",
          "model": "vanishing-rnn",
          "train": 0,
          "at": "after the forward pass",
          "until": "after the backward pass",
          "panels": ["model", "theory"],
          "highlight": "gradients",
          "compare": {"cell": "lstm"}
        }
      ]
    }

Each stop's fields (only `title`, `text` and, on the first stop, `model` are required):

- `model`: a preset name (`unrolled --list-presets`); an inline config (`{"task": ...,
  "cell": ..., "timesteps": ...}`, any settings of a config file); a preset with changes
  (`{"preset": "vanishing-rnn", "rho": 1.2}`); or "same" (the default): the previous stop's.
- `train`: training iterations to run first (default 0), each on a fresh batch.
- `at`: where the stop lands, counted in the iteration after the training: "start",
  "forward at t = k", "after the forward pass", "after the loss", "backward at t = k",
  "after the backward pass", "after the update", a number of steps, or "after N training
  iterations" (the same as `"train": N, "at": "start"`). In a stacked or bidirectional
  network "forward at t = k" and "backward at t = k" are layer 1's forward direction at t
  (the first cells the forward pass computes, the last the backward pass reaches), and a
  number of steps counts cells (`step_order`).
- `until`: how far PageDown steps before it moves on to the next stop (same places;
  default: `at`, so PageDown goes straight on).
- `panels`: which side panels are open: any of "model", "training", "theory", "text" (the
  sample as text, coloured by connectivity) (default: ["model"]); the others close.
- `highlight`: what to point at: a plot, "diagram", "heatmaps", "gradients" or "loss"; or
  a side panel the stop opens, "theory" or "text", when the text is about that panel (the
  plot area then shows all its views, none framed).
- `figures`: the handout's figures for the stop: any of dashboard, diagram, hidden_states,
  gates, grad_norms, loss (default: the diagram and the highlighted plot, the hidden
  states when that is the diagram; without the diagram when the stop compares).
- `compare`: settings network B changes (as a preset's comparison), or true for the
  preset's own; the window opens the comparison beside the stop.

`lesson_from_data` checks every field of every stop and raises LessonError naming the
lesson, the stop (number and title) and the field, in one line; lessons.py goes to a stop.
No Qt here.
"""


from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from ..engine.quoting import one_line, quoted
from .config import COMPARABLE, Config, ConfigError, config_of_b
from .figure_registry import SESSION_FIGURES, VIEWS, view_figures
from .json_file import JsonFileError, parse_json, read_json
from .own_model import config_on_model
from .presets import MAX_FILE_BYTES, MAX_STEPS, get_preset
from .step_order import order_of
from .work import work_problem

LESSON_FORMAT = "unrolled-lesson"
PANELS = ("model", "training", "theory", "text")
PLOT_HIGHLIGHTS = VIEWS  # the plot area's views
PANEL_HIGHLIGHTS = ("theory", "text")  # side panels a stop may frame instead, when it opens them
HIGHLIGHTS = PLOT_HIGHLIGHTS + PANEL_HIGHLIGHTS
STOP_FIELDS = ("title", "text", "model", "train", "at", "until", "panels", "highlight", "figures", "compare")
MAX_TRAIN = 2000  # iterations before a stop, however asked for: more would keep the class waiting
MAX_STOPS = 200  # a lecture of more stops does not fit a class; its handout alone would run for minutes
PLACES = ('"start"', '"forward at t = k"', '"after the forward pass"', '"after the loss"', '"backward at t = k"',
          '"after the backward pass"', '"after the update"', "a number of steps", '"after N training iterations"')


class LessonError(ValueError):
    """A lesson file is wrong; the message names the lesson, the stop and the field."""


@dataclass(frozen=True)
class Stop:
    number: int  # from 1
    title: str
    text: str
    config: Config
    train: int  # training iterations before landing
    at: int  # steps into the iteration after the training
    until: int  # PageDown steps up to here, then moves on
    panels: tuple[str, ...]
    highlight: str | None
    figures: tuple[str, ...]
    compare: dict | None  # network B's changes
    places: tuple[object, object] = ("start", "start")  # `at` and `until` as written, for another T
    same_model: bool = False  # the file says "same" (or nothing): the previous stop's model

    @property
    def steps_per_iteration(self) -> int:
        return order_of(self.config).steps_per_iteration

    def clock(self, end: bool = False) -> int:
        """Steps from the very start (iteration 0, nothing computed) to the stop's landing
        place, or with end to its `until`: comparable with `session_clock`."""
        return self.train * self.steps_per_iteration + (self.until if end else self.at)


@dataclass(frozen=True)
class Lesson:
    name: str
    title: str
    description: str
    stops: tuple[Stop, ...]


_TRAIN_RANGE = f"expected a whole number from 0 to {MAX_TRAIN} (train, at and until together)"


def _shown(digits: str) -> str:
    """A number as a message may quote it: at most 20 digits."""
    return digits if len(digits) <= 20 else f"{digits[:8]}... ({len(digits)} digits)"


def stop_iterations(train: int, until: int, steps_per_iteration: int) -> int:
    """The training iterations a stop asks for in all: `train`, and every iteration that
    stepping to its `until` place completes (a place given as a number of steps may lie many
    iterations on). This is what MAX_TRAIN bounds."""
    return train + until // steps_per_iteration


# -- places -----------------------------------------------------------------------------
_AT_T = re.compile(r"^(forward|backward) at t ?= ?(\d+)$")
_TRAINED = re.compile(r"^after (\d+) training iterations?$")


def parse_place(place, T: int, clamp: bool = False, per_pass: int | None = None) -> tuple[int, int]:
    """(training iterations, steps into the next iteration) for a place; ValueError says
    what is expected. clamp: a t beyond T means T (a place measured on a shorter sentence).
    per_pass: the steps of one pass, L * dirs * T for a stack (default T, one layer)."""
    N = T if per_pass is None else per_pass
    if isinstance(place, int) and not isinstance(place, bool):
        if not 0 <= place <= MAX_STEPS:
            raise ValueError(f"got {place}, expected a number of steps from 0 to {MAX_STEPS}")
        return 0, place
    if not isinstance(place, str):
        raise ValueError(f"got {quoted(place)}, expected one of {', '.join(PLACES)}")
    words = " ".join(place.lower().split())
    fixed = {"start": 0, "after the forward pass": N, "after the loss": N + 1,
             "after the backward pass": 2 * N + 1, "after the update": 2 * N + 2}
    if words in fixed:
        return 0, fixed[words]
    match = _AT_T.match(words)
    if match:
        t = int(match.group(2))
        t = min(t, T) if clamp else t
        if not 1 <= t <= T:
            raise ValueError(f"got {quoted(place)}, but t runs from 1 to T = {T}")
        return 0, t if match.group(1) == "forward" else 2 * N + 2 - t  # layer 1 forward: first in, last back
    match = _TRAINED.match(words)
    if match:
        digits = match.group(1).lstrip("0") or "0"
        if len(digits) > len(str(MAX_TRAIN)) or int(digits) > MAX_TRAIN:  # never int() of a huge string
            raise ValueError(f"got {_shown(digits)} training iterations, {_TRAIN_RANGE}")
        return int(digits), 0
    raise ValueError(f"got {quoted(place)}, expected one of {', '.join(PLACES)}")


# -- reading ----------------------------------------------------------------------------
def _model(value, previous: tuple[Config, dict | None] | None, folder: Path | None) -> tuple[Config, dict | None]:
    """(config, the preset's own comparison) for a stop's `model`, a config's weights and data
    files named relative to `folder` (the lesson file's); ValueError / ConfigError."""
    if value == "same":
        if previous is None:
            raise ValueError('"same" on the first stop: give a preset name or a config')
        return previous
    if isinstance(value, str):
        preset = get_preset(value)
        return preset.config, preset.compare or None
    if isinstance(value, dict):
        changes = dict(value)
        name = changes.pop("preset", None)
        if name is None:
            return config_on_model(changes, folder), None
        preset = get_preset(name)
        config = preset.config.replace(**changes)
        return (config.resolved() if "task" in changes else config).validated(), preset.compare or None
    raise ValueError(f'got {quoted(value)}, expected a preset name, a config object or "same"')


def _names(value, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or any(item not in allowed for item in items):
        raise ValueError(f"got {quoted(value)}, expected a list of {what} from {', '.join(allowed)}")
    return tuple(items)


def _stop(data, number: int, previous: Stop | None, preset_compare: dict | None,
          folder: Path | None) -> tuple[Stop, dict | None]:
    """One stop; raises (field, message) as a _Problem."""
    title = _check_stop_fields(data)
    with _field("model", title):
        last = None if previous is None else (previous.config, preset_compare)
        config, preset_compare = _model(data.get("model", "same"), last, folder)
    train, at, until = _stop_places(data, config, title)
    with _field("train" if train else "until", title):
        problem = work_problem(config, steps=until, iterations=train)
        if problem:  # the iterations are within MAX_TRAIN, but of a model too large for them
            raise ValueError(problem)
    with _field("panels", title):
        panels = _names(data.get("panels", ["model"]), PANELS, "panels")
    with _field("highlight", title):
        highlight = data.get("highlight")
        if highlight is not None and highlight not in HIGHLIGHTS:
            raise ValueError(f"got {quoted(highlight)}, expected one of {', '.join(HIGHLIGHTS)}")
        if highlight in PANEL_HIGHLIGHTS and highlight not in panels:
            raise ValueError(f"got {quoted(highlight)}, a panel the stop does not open: add it to panels")
    with _field("figures", title):
        # the diagram says where the stop is; a comparison needs the room for B's curve
        # the handout's figure of the highlighted plot (a framed side panel has none: the diagram)
        shown = view_figures(highlight if highlight in PLOT_HIGHLIGHTS else "diagram")[0]
        default = (("diagram",) if "compare" not in data else ()) + (
            (shown,) if shown != "diagram" else ("hidden_states",))
        figures = _names(data.get("figures", list(default)), SESSION_FIGURES, "figures")
    with _field("compare", title):
        compare = _stop_compare(data.get("compare"), config, preset_compare)
    places = (data.get("at", "start"), data.get("until", data.get("at", "start")))
    stop = Stop(number, str(title), data["text"].strip(), config, train, at, until, panels, highlight, figures, compare,
                places, data.get("model", "same") == "same")
    return stop, preset_compare


def _check_stop_fields(data) -> str | None:
    """The stop's title, once the stop is an object of known fields with a title and a text."""
    if not isinstance(data, dict):
        raise _Problem("stop", f"got {quoted(data)}, expected an object with title, text, model, at, ...")
    title = data.get("title")
    unknown = sorted(set(data) - set(STOP_FIELDS))
    if unknown:
        raise _Problem(unknown[0], f"no such field; a stop has {', '.join(STOP_FIELDS)}", title)
    for key in ("title", "text"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise _Problem(key, f"got {quoted(data.get(key))}, expected some text", title if key != "title" else None)
    return title


def _stop_places(data: dict, config: Config, title: str | None) -> tuple[int, int, int]:
    """(train, at, until) of a stop: training iterations, then steps into the next iteration."""
    with _field("train", title):
        train = data.get("train", 0)
        if isinstance(train, bool) or not isinstance(train, int) or not 0 <= train <= MAX_TRAIN:
            raise ValueError(f"got {quoted(train)}, expected a whole number from 0 to {MAX_TRAIN}")
    order = order_of(config)
    steps_per_iteration = order.steps_per_iteration
    with _field("at", title):
        trained, at = parse_place(data.get("at", "start"), config.timesteps, per_pass=order.steps_per_pass)
        if trained and "train" in data:
            raise ValueError('"after N training iterations" and "train" both say how long to train: give one')
        train += trained
        _check_total(train, at, steps_per_iteration)
    with _field("until", title):
        until = _until(data, config, train, at)
        _check_total(train, until, steps_per_iteration)
    return train, at, until


def _until(data: dict, config: Config, train: int, at: int) -> int:
    """Steps from the start of the iteration after `train` to the stop's `until` place."""
    order = order_of(config)
    trained_until, until = parse_place(data.get("until", at), config.timesteps, per_pass=order.steps_per_pass)
    if trained_until:  # "after N training iterations": N in all, stepped on from the stop's place
        if trained_until < train or (trained_until == train and at > 0):
            raise ValueError(f"got {quoted(data['until'])}, which comes before the stop's place (at: "
                             f"after {train} training iterations{' and ' + str(at) + ' steps' if at else ''})")
        return (trained_until - train) * order.steps_per_iteration
    if until < at:
        raise ValueError(f"got {quoted(data['until'])}, which comes before the stop's place (at)")
    return until


def _stop_compare(compare, config: Config, preset_compare: dict | None) -> dict | None:
    """Network B's changes: the stop's own, or with true the preset's comparison."""
    if compare is True:
        if not preset_compare:
            raise ValueError("true takes the preset's own comparison, and this model has none")
        compare = preset_compare
    if compare is not None:
        if not isinstance(compare, dict) or not compare:
            raise ValueError(f"got {quoted(compare)}, expected settings for network B (or true)")
        unknown = sorted(set(compare) - set(COMPARABLE))
        if unknown:
            raise ValueError(f"network B may change only {', '.join(COMPARABLE)}; got {', '.join(unknown)}")
        config_of_b(config, compare).validated()
    return compare


def _check_total(train: int, place: int, steps_per_iteration: int) -> None:
    """ValueError, in the words of `train`'s own message, when the stop's training so far and
    the iterations that stepping to `place` completes exceed MAX_TRAIN."""
    total = stop_iterations(train, place, steps_per_iteration)
    if total > MAX_TRAIN:
        raise ValueError(f"got {total} training iterations, {_TRAIN_RANGE}")


class _Problem(Exception):
    def __init__(self, field: str, message: str, title: str | None = None):
        self.field, self.message, self.title = field, message, title


class _field:  # a context manager, used as `with _field("at", title):`
    """Turns a ValueError (ConfigError included) inside the block into a _Problem naming the field."""

    def __init__(self, name: str, title: str | None):
        self.name, self.title = name, title

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind, error, tb) -> Literal[False]:
        if isinstance(error, ConfigError):
            detail = "; ".join(f"{k}: {v}" for k, v in error.problems.items())
            raise _Problem(self.name, detail, self.title) from error
        if isinstance(error, ValueError):
            raise _Problem(self.name, str(error), self.title) from error
        return False


def lesson_from_data(data, name: str, folder: Path | None = None) -> Lesson:
    """The lesson `data` (parsed JSON) describes, its stops' weights and data files named
    relative to `folder`; LessonError names what is wrong."""
    where = f"lesson {name}"
    if not isinstance(data, dict):
        raise LessonError(f"{where}: expected a JSON object with title and stops")
    if data.get("format", LESSON_FORMAT) != LESSON_FORMAT:
        raise LessonError(f"{where}: format: got {quoted(data.get('format'))}, expected {LESSON_FORMAT!r}")
    for key in ("title", "description"):
        if not isinstance(data.get(key, ""), str) or (key == "title" and not str(data.get(key, "")).strip()):
            raise LessonError(f"{where}: {key}: got {quoted(data.get(key))}, expected some text")
    unknown = sorted(set(data) - {"format", "name", "title", "description", "stops"})
    if unknown:
        raise LessonError(f"{where}: {unknown[0]}: no such field; a lesson has format, title, description, stops")
    stops_data = data.get("stops")
    if not isinstance(stops_data, list) or not stops_data:
        raise LessonError(f"{where}: stops: got {quoted(stops_data)}, expected a list of at least one stop")
    if len(stops_data) > MAX_STOPS:
        raise LessonError(f"{where}: stops: got {len(stops_data)}, expected at most {MAX_STOPS}: a lecture of more "
                          "stops does not fit a class, and its handout would run for minutes; split it into lessons")
    stops: list[Stop] = []
    preset_compare = None
    for number, item in enumerate(stops_data, 1):
        try:
            stop, preset_compare = _stop(item, number, stops[-1] if stops else None, preset_compare, folder)
        except _Problem as problem:
            title = f" ({one_line(problem.title)})" if isinstance(problem.title, str) and problem.title.strip() else ""
            raise LessonError(f"{where}, stop {number}{title}: {problem.field}: {problem.message}") from None
        stops.append(stop)
    return Lesson(name, data["title"].strip(), data.get("description", "").strip(), tuple(stops))


def load_lesson_file(path: str | Path) -> Lesson:
    path = Path(path)
    name = path.stem
    try:
        data = read_json(path, MAX_FILE_BYTES, "a lesson")
    except JsonFileError as error:
        raise LessonError(f"lesson {name}: {error}") from error
    return lesson_from_data(data, name, path.parent)  # a stop's weights and data files: relative to the lesson


def _lesson_files() -> dict[str, object]:
    folder = resources.files("unrolled") / "lessons"
    return {f.name[:-5]: f for f in sorted(folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".json")}


def lesson_names() -> list[str]:
    return list(_lesson_files())


def get_lesson(name: str) -> Lesson:
    """A built-in lesson by name, or a lesson file by path (a name ending in .json)."""
    if name.endswith(".json"):
        return load_lesson_file(name)
    files = _lesson_files()
    if name not in files:
        raise LessonError(f"lesson {name}: no such lesson; the lessons are {', '.join(files)}")
    text = files[name].read_text(encoding="utf-8")  # type: ignore[attr-defined]  # a Traversable file
    return lesson_from_data(parse_json(text, f"{name}.json"), name)


def list_lessons() -> list[Lesson]:
    return [get_lesson(name) for name in lesson_names()]
