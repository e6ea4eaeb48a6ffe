"""Training you can read, for the task char-lm: text the network generates (seeded, with a
temperature), the loss in bits per character, characters per second. No Qt."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from ..engine.generate import generate
from ..engine.tasks.char_lm import CharLM
from .stepper import Session
from .training import Trainer

SAMPLE_LENGTH = 200  # characters in samples.txt
PROGRESS_LENGTH = 60  # characters of a sample in a progress line
REPORTS = 5  # progress lines over a training run, besides the last


def is_char_lm(session: Session) -> bool:
    return isinstance(session.task, CharLM)


def bits_per_character(loss: float) -> float:
    """A cross-entropy loss in nats per character (the mean over every predicted
    character) in bits: loss / ln 2."""
    return loss / math.log(2)


def sample_text(session: Session, length: int = SAMPLE_LENGTH, temperature: float = 1.0, seed: int = 0) -> str:
    """`length` characters the session's network generates after the text's first
    character, drawn with np.random.default_rng(seed) from softmax(y / temperature).
    ValueError for a network that cannot generate (bidirectional)."""
    task = session.task
    if not isinstance(task, CharLM):
        raise ValueError(f"sample_text: the task {task.name} is not {CharLM.name}")
    text = task.text()
    drawn = generate(session.net, [int(text.ids[0])], length, np.random.default_rng(seed), temperature)
    return text.decode(drawn)


NO_SAMPLES = ("no samples.txt: a bidirectional network reads each window from both ends, so it cannot generate "
              "text one character at a time")


def one_line(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")


def train_with_samples(trainer: Trainer, iterations: int, report: Callable[[str], None],
                       temperature: float = 1.0, seed: int = 0) -> None:
    """Train `iterations`, reporting after every chunk (REPORTS of them, and the last) one
    line: the iteration, the loss in nats and in bits per character, characters per second
    of training, and a sample of generated text (seeded, so runs can be compared)."""
    session = trainer.session
    chunk = max(1, math.ceil(iterations / REPORTS))
    done = 0
    while done < iterations:
        n = min(chunk, iterations - done)
        start = time.perf_counter()
        steps = trainer.train(n)
        seconds = time.perf_counter() - start
        done += n
        characters = n * session.config.batch_size * session.config.timesteps
        last = steps[-1]
        sample = "" if session.config.bidirectional else "; sample: " + one_line(
            sample_text(session, PROGRESS_LENGTH, temperature, seed))
        report(f"iteration {last.iteration}: loss {last.loss:.4f} ({bits_per_character(last.loss):.3f} bits per "
               f"character), {characters / max(seconds, 1e-9):.0f} characters per second{sample}")
