"""Training throughput of the character-level language model, in characters per second,
against a PyTorch CPU float32 loop doing the same work, in the same run. Prints JSON lines.

    python benchmarks/char_lm.py [--rounds N] [--rnn-chunk N] [--lstm-chunk N] [--window-iterations N]

Ours is what `unrolled export --text FILE --iterations N` and the window's training run:
`Trainer.train_iteration` on a char-lm session (consecutive windows of the text, the state
carried, the update through the session). Two sizes:

- min-char-rnn's: a tanh RNN, D = 100, T = 25, B = 1, Adagrad lr 0.1, gradients clipped to
  [-5, 5]; torch: nn.RNN + nn.Linear, the same optimiser and clipping, the hidden state
  carried (detached) from window to window.
- an LSTM, D = 256, T = 100, B = 32, Adam lr 0.002, norm clipping at 5, same in torch.

Both on the standard library's docstrings (the default text; F = C = its characters), one
thread each (BLAS and torch.set_num_threads(1)). The two are timed in turn, a chunk of
iterations each per round (after one warm-up chunk), so a slow spell of a shared machine hits
both alike; characters per second from the median chunk; ratio = ours / torch's;
median_ms: ours per iteration.

And the window: training the preset char-rnn through the T key with the Training panel (its
samples, bits per character) and the Text panel live, once coloured by connectivity and once
by a unit with the units ranking shown, against `Trainer.train` alone on the same config in
the same run; ratio = the window's iterations per second / the trainer's (>= 0.5 wanted).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from common import emit, interleaved_ms  # noqa: E402

from unrolled.session.config import Config  # noqa: E402
from unrolled.session.stepper import Session  # noqa: E402
from unrolled.session.training import Trainer  # noqa: E402

CASES = {  # name -> settings of ours; torch's loop mirrors them
    "min-char-rnn": {"cell": "rnn", "n_hidden": 100, "timesteps": 25, "batch_size": 1, "optimiser": "adagrad",
                     "learning_rate": 0.1, "clipping": "value", "clip_threshold": 5.0},
    "lstm-256": {"cell": "lstm", "n_hidden": 256, "timesteps": 100, "batch_size": 32, "optimiser": "adam",
                 "learning_rate": 0.002, "clipping": "norm", "clip_threshold": 5.0},
}


def ours(settings: dict, chunk: int):
    """A function that runs `chunk` training iterations of ours and returns the last loss."""
    session = Session(Config.from_dict({"task": "char-lm", "seed": 0, **settings}))
    trainer = Trainer(session)
    return lambda: trainer.train(chunk)[-1].loss


def theirs(settings: dict, chunk: int, ids: np.ndarray, vocabulary: int):
    """The same for torch, float32, on the same windows of the same text."""
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

    def run() -> float:
        for _ in range(chunk):
            loss = iteration()
        return loss

    return run


def window_training(iterations: int, colouring: str) -> dict:
    """Iterations per second through the T key with the text views open, and of the trainer alone."""
    import time

    from driver import Key, close, open_window, press, settle
    from PySide6 import QtCore, QtWidgets

    config = Session.from_preset("char-rnn").config
    window = open_window(config, panels=False)
    window.docks.show_training()
    window.docks.show_text()
    # beside the Training panel, not a tab behind it: both seen, both redrawn
    window.addDockWidget(QtCore.Qt.DockWidgetArea.LeftDockWidgetArea, window.docks.text)
    panel = window.docks.text_panel
    panel.colouring.setCurrentIndex(panel.colouring.findData(colouring))
    settle(window)
    window.training_panel.iterations.setValue(iterations)
    window.diagram.setFocus()  # the plots have the keyboard, as after a click on them
    press(window, Key.Key_T)
    # a one-letter command acts LETTER_WAIT_MS after its key (a word being typed drops it):
    # the clock starts when the run does
    while not window.training.busy:
        QtWidgets.QApplication.processEvents(QtCore.QEventLoop.ProcessEventsFlag.AllEvents, 5)
    start = time.perf_counter()
    settle(window)
    in_window = iterations / (time.perf_counter() - start)
    trained = len(window.training_panel.trainer.steps)
    seen = panel.isVisible() and window.training_panel.isVisible()
    assert seen and trained == iterations, (seen, trained)
    close(window)
    trainer = Trainer(Session(config))
    start = time.perf_counter()
    trainer.train(iterations)
    alone = iterations / (time.perf_counter() - start)
    return {"window_per_second": round(in_window, 1), "trainer_alone_per_second": round(alone, 1),
            "ratio": round(in_window / alone, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="chunks of each, timed in turn (default 9)")
    parser.add_argument("--rnn-chunk", type=int, default=200, help="iterations per chunk at min-char-rnn's size")
    parser.add_argument("--lstm-chunk", type=int, default=2, help="iterations per chunk of the LSTM")
    parser.add_argument("--window-iterations", type=int, default=300,
                        help="iterations of the preset char-rnn trained through the T key (0: skip)")
    parser.add_argument("--window-only", action="store_true", help="only the window's case")
    args = parser.parse_args()
    for colouring in ("connectivity", "unit") if args.window_iterations else ():
        result = window_training(args.window_iterations, colouring)
        emit(f"char_lm/train_key_text_views_{colouring}", 1000.0 / result["window_per_second"], **result,
             iterations=args.window_iterations, wanted_ratio=0.5)
    if args.window_only:
        return
    text = Session(Config.from_dict({"task": "char-lm"})).task.text()
    for name, settings in CASES.items():
        chunk = args.rnn_chunk if settings["cell"] == "rnn" else args.lstm_chunk
        characters = chunk * settings["timesteps"] * settings["batch_size"]
        cases = {"ours": ours(settings, chunk)}
        with contextlib.suppress(ImportError):  # torch is optional: ours alone then
            cases["torch"] = theirs(settings, chunk, text.ids, len(text.chars))
        times = interleaved_ms(cases, args.rounds)
        rates = {who: characters / (statistics.median(ms) / 1000.0) for who, ms in times.items()}
        extra = {"torch_chars_per_second": round(rates["torch"]), "ratio": round(rates["ours"] / rates["torch"], 3)} \
            if "torch" in rates else {"torch": "not installed"}
        emit(f"char_lm/{name}", statistics.median(times["ours"]) / chunk, chars_per_second=round(rates["ours"]),
             **extra, iterations_per_round=chunk, rounds=args.rounds, threads=1)


if __name__ == "__main__":
    main()
