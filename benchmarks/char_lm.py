"""Training throughput of the character-level language model, in characters per second,
against a PyTorch CPU float32 loop doing the same work, in the same run. Prints JSON lines.

    python benchmarks/char_lm.py [--seconds S] [--lstm-iterations N]

Ours is what `unrolled export --text FILE --iterations N` and the window's training run:
`Trainer.train_iteration` on a char-lm session (consecutive windows of the text, the state
carried, the update through the session). Two sizes:

- min-char-rnn's: a tanh RNN, D = 100, T = 25, B = 1, Adagrad lr 0.1, gradients clipped to
  [-5, 5]; torch: nn.RNN + nn.Linear, the same optimiser and clipping, the hidden state
  carried (detached) from window to window.
- an LSTM, D = 256, T = 100, B = 32, Adam lr 0.002, norm clipping at 5, same in torch.

Both on the standard library's docstrings (the default text; F = C = its characters), one
thread each (BLAS and torch.set_num_threads(1)). ratio = ours / torch's characters per second.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from common import emit  # noqa: E402

from unrolled.session.config import Config  # noqa: E402
from unrolled.session.stepper import Session  # noqa: E402
from unrolled.session.training import Trainer  # noqa: E402

CASES = {  # name -> settings of ours; torch's loop mirrors them
    "min-char-rnn": {"cell": "rnn", "n_hidden": 100, "timesteps": 25, "batch_size": 1, "optimiser": "adagrad",
                     "learning_rate": 0.1, "clipping": "value", "clip_threshold": 5.0},
    "lstm-256": {"cell": "lstm", "n_hidden": 256, "timesteps": 100, "batch_size": 32, "optimiser": "adam",
                 "learning_rate": 0.002, "clipping": "norm", "clip_threshold": 5.0},
}


def ours(settings: dict, iterations: int) -> tuple[float, float]:
    """(characters per second, the last loss) of `iterations` training iterations."""
    session = Session(Config.from_dict({"task": "char-lm", "seed": 0, **settings}))
    trainer = Trainer(session)
    trainer.train(2)  # warm-up
    start = time.perf_counter()
    steps = trainer.train(iterations)
    seconds = time.perf_counter() - start
    return iterations * settings["timesteps"] * settings["batch_size"] / seconds, steps[-1].loss


def theirs(settings: dict, iterations: int, ids: np.ndarray, vocabulary: int) -> tuple[float, float]:
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    D, T, B = settings["n_hidden"], settings["timesteps"], settings["batch_size"]
    kind = {"rnn": torch.nn.RNN, "lstm": torch.nn.LSTM}[settings["cell"]]
    rnn = kind(vocabulary, D, batch_first=True)
    readout = torch.nn.Linear(D, vocabulary)
    parameters = [*rnn.parameters(), *readout.parameters()]
    lr = settings["learning_rate"]
    optimiser = torch.optim.Adagrad(parameters, lr=lr) if settings["optimiser"] == "adagrad" else \
        torch.optim.Adam(parameters, lr=lr)
    text = torch.from_numpy(ids)
    stretch = len(ids) // B
    starts = torch.arange(B) * stretch
    eye = torch.eye(vocabulary)
    state = {"offset": 0, "hidden": None}

    def iteration() -> float:
        if state["offset"] + T > stretch - 1:
            state["offset"], state["hidden"] = 0, None
        rows = starts[:, None] + state["offset"] + torch.arange(T)[None]
        state["offset"] += T
        X, Y = eye[text[rows]], text[rows + 1]
        out, hidden = rnn(X, state["hidden"])
        state["hidden"] = tuple(h.detach() for h in hidden) if isinstance(hidden, tuple) else hidden.detach()
        loss = torch.nn.functional.cross_entropy(readout(out).reshape(B * T, vocabulary), Y.reshape(-1))
        optimiser.zero_grad()
        loss.backward()
        if settings["clipping"] == "value":
            torch.nn.utils.clip_grad_value_(parameters, settings["clip_threshold"])
        else:
            torch.nn.utils.clip_grad_norm_(parameters, settings["clip_threshold"])
        optimiser.step()
        return float(loss.detach())

    for _ in range(2):
        iteration()
    start = time.perf_counter()
    for _ in range(iterations):
        loss = iteration()
    seconds = time.perf_counter() - start
    return iterations * T * B / seconds, loss


def main() -> None:
    def per_iteration(rate: float) -> float:
        """Milliseconds per training iteration of ours (the `median_ms` field: a mean here)."""
        return 1000.0 * settings["timesteps"] * settings["batch_size"] / rate

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rnn-iterations", type=int, default=2000)
    parser.add_argument("--lstm-iterations", type=int, default=20)
    args = parser.parse_args()
    text = Session(Config.from_dict({"task": "char-lm"})).task.text()
    for name, settings in CASES.items():
        iterations = args.rnn_iterations if settings["cell"] == "rnn" else args.lstm_iterations
        mine, my_loss = ours(settings, iterations)
        try:
            torch_rate, torch_loss = theirs(settings, iterations, text.ids, len(text.chars))
        except ImportError:
            emit(f"char_lm/{name}", per_iteration(mine), chars_per_second=round(mine), torch="not installed")
            continue
        emit(f"char_lm/{name}", per_iteration(mine), chars_per_second=round(mine),
             torch_chars_per_second=round(torch_rate), ratio=round(mine / torch_rate, 3),
             iterations=iterations, loss=round(my_loss, 4), torch_loss=round(torch_loss, 4),
             threads=1)


if __name__ == "__main__":
    main()
