"""Tasks that make (X, Y) for given T, F, C, B and a np.random.Generator.

X: (B, T, F) float64. Y: class indices (B, T) (many-to-many) or (B,) (many-to-one), or real
targets (B, C) for regression. A task that fixes F or C says so (`n_features`, `n_classes`
not None), so the app can lock those fields and say why. A word task also takes a sentence
typed from its vocabulary (`vocabulary`, `encode`).

One module per kind of task; `base` is the interface every task implements.
"""

from .anomaly import SineAnomaly
from .base import Task
from .char_lm import CharLM
from .memory import AddingProblem, CopyDelay, LookAhead
from .shapes import ShapesByRow
from .video import VideoFrames
from .words import NextWord, PosTagging, ToxicWord

__all__ = [
    "TASKS",
    "AddingProblem",
    "CharLM",
    "CopyDelay",
    "LookAhead",
    "NextWord",
    "PosTagging",
    "ShapesByRow",
    "SineAnomaly",
    "Task",
    "ToxicWord",
    "VideoFrames",
    "get_task",
]

# the order here is the order of every list of tasks the app shows
TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        PosTagging(),
        ToxicWord(),
        NextWord(),
        SineAnomaly(),
        ShapesByRow(),
        AddingProblem(),
        CopyDelay(),
        LookAhead(),
        VideoFrames(),
        CharLM(),
    )
}


def get_task(name: str) -> Task:
    if name not in TASKS:
        raise ValueError(f"task: got {name!r}, expected one of {', '.join(TASKS)}")
    return TASKS[name]
