"""Going to a lesson's stop: its session (or comparison) built, trained and stepped to its
place, where a session is in a lecture's words, and the demonstration a stop's comparison
gives. A lesson file is read and checked by lesson_file.py, whose names are importable from
here too. No Qt here.
"""

from __future__ import annotations

import dataclasses
import re
import time

from ..engine.quoting import one_line
from .compare import Comparison
from .lesson_file import (
    HIGHLIGHTS,
    LESSON_FORMAT,
    MAX_STOPS,
    MAX_TRAIN,
    PANELS,
    PLACES,
    STOP_FIELDS,
    Lesson,
    LessonError,
    Stop,
    get_lesson,
    lesson_from_data,
    lesson_names,
    list_lessons,
    load_lesson_file,
    parse_place,
    stop_iterations,
)
from .step_order import DIRECTION_NAMES, order_of
from .stepper import Session
from .training import Cancelled, Diverged, Progress, ProgressReport, Trainer, TrainingStep

__all__ = [
    "DEMONSTRATION_ITERATIONS",
    "DEMONSTRATION_SECONDS",
    "HIGHLIGHTS",
    "LESSON_FORMAT",
    "MAX_STOPS",
    "MAX_TRAIN",
    "PANELS",
    "PLACES",
    "STOP_FIELDS",
    "Lesson",
    "LessonError",
    "Stop",
    "build_comparison",
    "build_stop",
    "build_stop_trained",
    "demonstrates_training",
    "describe_place",
    "get_lesson",
    "lesson_from_data",
    "lesson_names",
    "list_lessons",
    "load_lesson_file",
    "parse_place",
    "run_demonstration",
    "session_clock",
    "stop_clock",
    "stop_iterations",
    "stop_work",
    "with_sentence",
]


def describe_place(session: Session) -> str:
    """Where a session is, in a lecture's words: "after the forward pass (t = 4)"."""
    phase, position, N = session.phase.value, session.position, session.order.steps_per_pass
    if phase == "ready":
        place = "at the start of the iteration"
    elif phase == "forward":
        place = "after the forward pass" if position == N else f"in the forward pass at {_cell(session)}"
    elif phase == "loss":
        place = "after the loss"
    elif phase == "backward":
        place = "after the backward pass" if position == 2 * N + 1 else f"in the backward pass at {_cell(session)}"
    else:
        place = "after the update"
    trained = f", after {session.iteration} training iterations" if session.iteration else ""
    return place + trained


def _cell(session: Session) -> str:
    """ "t = 3"; in a stacked or bidirectional network "layer 2 reverse, t = 3"."""
    place, config = session.place, session.config
    if place.layer is None or place.direction is None or (config.layers == 1 and not config.bidirectional):
        return f"t = {place.t}"
    direction = f" {DIRECTION_NAMES[place.direction]}" if config.bidirectional else ""
    return f"layer {place.layer + 1}{direction}, t = {place.t}"


def stop_clock(stop: Stop, session: Session, end: bool = False) -> int:
    """Stop.clock measured on the session as it now is: its places ("after the forward pass")
    at the session's T, which a typed sentence may have changed; comparable with
    `session_clock`."""
    if stop.config.timesteps == session.T:
        return stop.clock(end)
    place = parse_place(stop.places[1 if end else 0], session.T, clamp=True, per_pass=session.order.steps_per_pass)[1]
    return stop.train * session.steps_per_iteration + place


def with_sentence(stop: Stop, sentence: str) -> Stop:
    """The stop with a sentence typed into the sample field in place of its model's sample,
    its places measured at the sentence's length; ConfigError when the stop's model takes
    no such sentence."""
    config = stop.config.replace(input=sentence).validated()
    config = Session(config).config  # T and B follow the sentence
    T, per_pass = config.timesteps, order_of(config).steps_per_pass
    at = parse_place(stop.places[0], T, clamp=True, per_pass=per_pass)[1]
    until = max(at, parse_place(stop.places[1], T, clamp=True, per_pass=per_pass)[1])
    return dataclasses.replace(stop, config=config, at=at, until=until)


def session_clock(session: Session) -> int:
    """Steps the session has taken since iteration 0 (after an update and at the start of
    the next iteration count the same)."""
    return session.iteration * session.steps_per_iteration + session.position


# -- going to a stop --------------------------------------------------------------------
def stop_work(stop: Stop, end: bool = False, networks: int = 1) -> int:
    """Units of work (ProgressReport's: one timestep of a pass, or one step) to set the stop
    up: every training iteration's 2N cells per network (N = L * dirs * T), then the steps to
    its place."""
    return stop.train * 2 * order_of(stop.config).steps_per_pass * networks + (stop.until if end else stop.at)


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
