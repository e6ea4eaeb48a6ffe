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
  iterations" (the same as `"train": N, "at": "start"`).
- `until`: how far PageDown steps before it moves on to the next stop (same places;
  default: `at`, so PageDown goes straight on).
- `panels`: which side panels are open: any of "model", "training", "theory" (default:
  ["model"]); the others close.
- `highlight`: the plot to point at: "diagram", "heatmaps", "gradients" or "loss".
- `figures`: the handout's figures for the stop: any of dashboard, diagram, hidden_states,
  gates, grad_norms, loss (default: the diagram and the highlighted plot, the hidden
  states when that is the diagram; without the diagram when the stop compares).
- `compare`: settings network B changes (as a preset's comparison), or true for the
  preset's own; the window opens the comparison beside the stop.

`load_lesson` checks every field of every stop and raises LessonError naming the lesson, the
stop (number and title) and the field, in one line. `build_stop` makes the stop's session.
No Qt here.
"""

from __future__ import annotations

import dataclasses
import re
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from ..engine.quoting import one_line, quoted
from .compare import COMPARABLE, Comparison
from .config import Config, ConfigError
from .figure_registry import SESSION_FIGURES, view_figures
from .json_file import JsonFileError, parse_json, read_json
from .presets import MAX_FILE_BYTES, MAX_STEPS, get_preset
from .stepper import Session
from .training import Cancelled, Diverged, Progress, ProgressReport, Trainer, TrainingStep
from .work import work_problem

LESSON_FORMAT = "unrolled-lesson"
PANELS = ("model", "training", "theory")
HIGHLIGHTS = ("diagram", "heatmaps", "gradients", "loss")
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
        return 2 * self.config.timesteps + 2

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


def describe_place(session: Session) -> str:
    """Where a session is, in a lecture's words: "after the forward pass (t = 4)"."""
    phase, T, t = session.phase.value, session.T, session.t
    if phase == "ready":
        place = "at the start of the iteration"
    elif phase == "forward":
        place = "after the forward pass" if t == T else f"in the forward pass at t = {t}"
    elif phase == "loss":
        place = "after the loss"
    elif phase == "backward":
        place = "after the backward pass" if t == 1 else f"in the backward pass at t = {t}"
    else:
        place = "after the update"
    trained = f", after {session.iteration} training iterations" if session.iteration else ""
    return place + trained


def stop_clock(stop: Stop, session: Session, end: bool = False) -> int:
    """Stop.clock measured on the session as it now is: its places ("after the forward pass")
    at the session's T, which a typed sentence may have changed; comparable with
    `session_clock`."""
    if stop.config.timesteps == session.T:
        return stop.clock(end)
    place = parse_place(stop.places[1 if end else 0], session.T, clamp=True)[1]
    return stop.train * session.steps_per_iteration + place


def with_sentence(stop: Stop, sentence: str) -> Stop:
    """The stop with a sentence typed into the sample field in place of its model's sample,
    its places measured at the sentence's length; ConfigError when the stop's model takes
    no such sentence."""
    config = stop.config.replace(input=sentence).validated()
    config = Session(config).config  # T and B follow the sentence
    T = config.timesteps
    at = parse_place(stop.places[0], T, clamp=True)[1]
    until = max(at, parse_place(stop.places[1], T, clamp=True)[1])
    return dataclasses.replace(stop, config=config, at=at, until=until)


def session_clock(session: Session) -> int:
    """Steps the session has taken since iteration 0 (after an update and at the start of
    the next iteration count the same)."""
    return session.iteration * session.steps_per_iteration + session.position


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


def parse_place(place, T: int, clamp: bool = False) -> tuple[int, int]:
    """(training iterations, steps into the next iteration) for a place; ValueError says
    what is expected. clamp: a t beyond T means T (a place measured on a shorter sentence)."""
    if isinstance(place, int) and not isinstance(place, bool):
        if not 0 <= place <= MAX_STEPS:
            raise ValueError(f"got {place}, expected a number of steps from 0 to {MAX_STEPS}")
        return 0, place
    if not isinstance(place, str):
        raise ValueError(f"got {quoted(place)}, expected one of {', '.join(PLACES)}")
    words = " ".join(place.lower().split())
    fixed = {"start": 0, "after the forward pass": T, "after the loss": T + 1,
             "after the backward pass": 2 * T + 1, "after the update": 2 * T + 2}
    if words in fixed:
        return 0, fixed[words]
    match = _AT_T.match(words)
    if match:
        t = int(match.group(2))
        t = min(t, T) if clamp else t
        if not 1 <= t <= T:
            raise ValueError(f"got {quoted(place)}, but t runs from 1 to T = {T}")
        return 0, t if match.group(1) == "forward" else 2 * T + 2 - t
    match = _TRAINED.match(words)
    if match:
        digits = match.group(1).lstrip("0") or "0"
        if len(digits) > len(str(MAX_TRAIN)) or int(digits) > MAX_TRAIN:  # never int() of a huge string
            raise ValueError(f"got {_shown(digits)} training iterations, {_TRAIN_RANGE}")
        return int(digits), 0
    raise ValueError(f"got {quoted(place)}, expected one of {', '.join(PLACES)}")


# -- reading ----------------------------------------------------------------------------
def _model(value, previous: tuple[Config, dict | None] | None) -> tuple[Config, dict | None]:
    """(config, the preset's own comparison) for a stop's `model`; ValueError / ConfigError."""
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
            return Config.from_dict(changes), None
        preset = get_preset(name)
        config = preset.config.replace(**changes)
        return (config.resolved() if "task" in changes else config).validated(), preset.compare or None
    raise ValueError(f'got {quoted(value)}, expected a preset name, a config object or "same"')


def _names(value, allowed: tuple[str, ...], what: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or any(item not in allowed for item in items):
        raise ValueError(f"got {quoted(value)}, expected a list of {what} from {', '.join(allowed)}")
    return tuple(items)


def _stop(data, number: int, previous: Stop | None, preset_compare: dict | None) -> tuple[Stop, dict | None]:
    """One stop; raises (field, message) as a _Problem."""
    if not isinstance(data, dict):
        raise _Problem("stop", f"got {quoted(data)}, expected an object with title, text, model, at, ...")
    title = data.get("title")
    unknown = sorted(set(data) - set(STOP_FIELDS))
    if unknown:
        raise _Problem(unknown[0], f"no such field; a stop has {', '.join(STOP_FIELDS)}", title)
    for key in ("title", "text"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise _Problem(key, f"got {quoted(data.get(key))}, expected some text", title if key != "title" else None)
    with _field("model", title):
        last = None if previous is None else (previous.config, preset_compare)
        config, preset_compare = _model(data.get("model", "same"), last)
    with _field("train", title):
        train = data.get("train", 0)
        if isinstance(train, bool) or not isinstance(train, int) or not 0 <= train <= MAX_TRAIN:
            raise ValueError(f"got {quoted(train)}, expected a whole number from 0 to {MAX_TRAIN}")
    steps_per_iteration = 2 * config.timesteps + 2
    with _field("at", title):
        trained, at = parse_place(data.get("at", "start"), config.timesteps)
        if trained and "train" in data:
            raise ValueError('"after N training iterations" and "train" both say how long to train: give one')
        train += trained
        _check_total(train, at, steps_per_iteration)
    with _field("until", title):
        trained_until, until = parse_place(data.get("until", at), config.timesteps)
        if trained_until:  # "after N training iterations": N in all, stepped on from the stop's place
            if trained_until < train or (trained_until == train and at > 0):
                raise ValueError(f"got {quoted(data['until'])}, which comes before the stop's place (at: "
                                 f"after {train} training iterations{' and ' + str(at) + ' steps' if at else ''})")
            until = (trained_until - train) * steps_per_iteration
        elif until < at:
            raise ValueError(f"got {quoted(data['until'])}, which comes before the stop's place (at)")
        _check_total(train, until, steps_per_iteration)
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
    with _field("figures", title):
        # the diagram says where the stop is; a comparison needs the room for B's curve
        shown = view_figures(highlight or "diagram")[0]  # the handout's figure of the highlighted plot
        default = (("diagram",) if "compare" not in data else ()) + (
            (shown,) if shown != "diagram" else ("hidden_states",))
        figures = _names(data.get("figures", list(default)), SESSION_FIGURES, "figures")
    with _field("compare", title):
        compare = data.get("compare")
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
            config.replace(**compare).validated()
    places = (data.get("at", "start"), data.get("until", data.get("at", "start")))
    stop = Stop(number, str(title), data["text"].strip(), config, train, at, until, panels, highlight, figures, compare,
                places, data.get("model", "same") == "same")
    return stop, preset_compare


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


def lesson_from_data(data, name: str) -> Lesson:
    """The lesson `data` (parsed JSON) describes; LessonError names what is wrong."""
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
            stop, preset_compare = _stop(item, number, stops[-1] if stops else None, preset_compare)
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
    return lesson_from_data(data, name)


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
    text = files[name].read_text(encoding="utf-8")  # type: ignore[attr-defined]
    return lesson_from_data(parse_json(text, f"{name}.json"), name)


def list_lessons() -> list[Lesson]:
    return [get_lesson(name) for name in lesson_names()]


# -- going to a stop --------------------------------------------------------------------
def stop_work(stop: Stop, end: bool = False, networks: int = 1) -> int:
    """Units of work (ProgressReport's: one timestep of a pass, or one step) to set the stop
    up: every training iteration's 2T timesteps per network, then the steps to its place."""
    return stop.train * 2 * stop.config.timesteps * networks + (stop.until if end else stop.at)


def build_stop(stop: Stop, end: bool = False, lesson: str = "") -> Session:
    """A fresh session at the stop: its model built from the seed, trained, and stepped to
    its place (with end, to its `until`). Nobody observes it yet, so a window adopts it
    with one event."""
    return build_stop_trained(stop, end, lesson)[0]


def build_stop_trained(stop: Stop, end: bool = False, lesson: str = "",
                       progress: Progress | None = None) -> tuple[Session, list[TrainingStep]]:
    """build_stop, and the training run that brought the model there, for the curves of a
    Training panel. progress(done, total) is called as the work goes on (see ProgressReport);
    when it returns False, Cancelled is raised and the half-built session is dropped, so a
    caller that adopts only a finished session is left exactly as it was."""
    session = Session(stop.config)
    report = ProgressReport(progress, stop_work(stop, end))
    report.tick(0)
    trainer = Trainer(session)
    try:
        steps = [report.drive(trainer.iteration_in_steps()) for _ in range(stop.train)]
    except Diverged as error:
        raise LessonError(f"lesson {lesson}, stop {stop.number} ({one_line(stop.title)}): train: {error}") from error
    _advance(session, stop.until if end else stop.at, report)
    return session, steps  # type: ignore[return-value]  # drive returns each iteration's TrainingStep


def _advance(stepped: Session | Comparison, steps: int, report: ProgressReport) -> None:
    """Take `steps` steps, reporting each: a place far into later iterations is stoppable too."""
    for _ in range(steps):
        stepped.advance(1)
        report.tick()


def build_comparison(stop: Stop, end: bool = False, comparison: Comparison | None = None,
                     progress: Progress | None = None) -> tuple[Comparison, str]:
    """The stop's comparison (A: the stop's model, B: with the stop's changes), trained and
    stepped to the stop's place, and what happened on the way: a network that overflows in
    training (the point of a clipping demonstration) stops there and the other trains on;
    the note says which and where. comparison: one a window already shows, made from the
    stop's model and changes, to bring there. progress: as for build_stop_trained
    (Cancelled leaves `comparison` part way)."""
    assert stop.compare is not None
    comparison = comparison or Comparison(stop.config, stop.compare)
    report = ProgressReport(progress, stop_work(stop, end, networks=2))
    report.tick(0)
    note = ""
    try:
        for _ in range(stop.train):
            report.drive(comparison.iteration_in_steps())
    except Diverged as error:
        note = str(error)
    note = note or comparison.stopped_note()
    _advance(comparison, stop.until if end else stop.at, report)
    return comparison, note


# -- the demonstration a stop's comparison gives ------------------------------------------
DEMONSTRATION_ITERATIONS = 150  # a handout's run of a stop's comparison: as far as the texts' claims reach
DEMONSTRATION_SECONDS = 30.0  # and at most this long, for a lesson file's larger models
_TRAIN_HERE = re.compile(r"\bpress T\b", re.IGNORECASE)


def demonstrates_training(stop: Stop) -> bool:
    """Whether the stop has the class train its comparison (its text says "press T")."""
    return stop.compare is not None and bool(_TRAIN_HERE.search(stop.text))


def run_demonstration(comparison: Comparison, iterations: int = DEMONSTRATION_ITERATIONS,
                      seconds: float = DEMONSTRATION_SECONDS, progress: Progress | None = None) -> int:
    """Train the comparison as pressing T in its window does, from the stop's seed: a
    network that overflows stops and the other trains on (until both have stopped, or
    `iterations`, or `seconds`); then both go through the forward and backward pass of their
    batch, as the window shows them after a run. The iterations trained. progress(done,
    iterations) after each iteration; Cancelled when it returns False."""
    started, done = time.perf_counter(), 0
    while done < iterations and time.perf_counter() - started < seconds:
        try:
            comparison.train_iteration()
        except Diverged:
            break
        done += 1
        if progress is not None and progress(done, iterations) is False:
            raise Cancelled
    comparison.show_gradients()
    return done
