"""Engine forward + backward with full traces of an LSTM, against torch.nn.LSTM in float64
with autograd when torch is importable, in the same run. Prints JSON lines.

    python benchmarks/engine_lstm.py [--repeats N] [--stack-only]

The stacked case is a 2-layer bidirectional LSTM (torch: num_layers=2, bidirectional=True,
and nn.Linear(2D, C) on its output); --stack-only runs that case alone.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

# One thread each, NumPy's BLAS and torch alike, so the comparison is like for like (and
# less noisy on a shared machine). Must be set before NumPy loads its BLAS.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent))
from common import emit, interleaved_ms, median_ms  # noqa: E402

from unrolled.engine import Network  # noqa: E402

SIZES = [  # (B, T, F, D, C)
    (1, 100, 16, 64, 16),
    (1, 1000, 16, 256, 16),
]
STACK = (2, True)  # (layers, bidirectional) of the stacked case
STACK_SIZE = (1, 1000, 16, 256, 16)


def engine_case(B, T, F, D, C, layers=1, bidirectional=False):
    net = Network("lstm", n_features=F, n_hidden=D, n_classes=C, seed=0, layers=layers, bidirectional=bidirectional)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((B, T, F))
    Y = rng.integers(0, C, size=(B, T))
    return lambda: net.backward(net.forward(X), Y)


def torch_case(B, T, F, D, C, layers=1, bidirectional=False):
    import torch

    torch.manual_seed(0)
    lstm = torch.nn.LSTM(F, D, num_layers=layers, bidirectional=bidirectional, batch_first=True).double()
    readout = torch.nn.Linear(D * (2 if bidirectional else 1), C).double()
    X = torch.randn(B, T, F, dtype=torch.float64)
    Y = torch.randint(0, C, (B, T))

    def run():
        for p in (*lstm.parameters(), *readout.parameters()):
            p.grad = None
        h, _ = lstm(X)
        h.retain_grad()  # the per-timestep dL/dh_t the engine records too
        loss = torch.nn.functional.cross_entropy(readout(h).reshape(B * T, C), Y.reshape(-1))
        loss.backward()
        return h.grad

    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--stack-only", action="store_true", help="only the 2-layer bidirectional case")
    args = parser.parse_args()
    try:
        import torch

        torch.set_num_threads(1)
    except ImportError:
        torch = None
    stack_case(torch, max(5, args.repeats // 2))
    if args.stack_only:
        return
    for B, T, F, D, C in SIZES:
        size = {"B": B, "T": T, "F": F, "D": D, "C": C}
        repeats = args.repeats if T <= 100 else max(5, args.repeats // 2)
        cases = {"engine": engine_case(B, T, F, D, C)}
        if torch is not None:
            cases["torch"] = torch_case(B, T, F, D, C)
        # interleaved, one of each per round, so the shared machine's noise hits both alike
        times = interleaved_ms(cases, repeats)
        ours = statistics.median(times["engine"])
        emit(f"engine_lstm_fwd_bwd_T{T}_D{D}", ours, **size)
        if torch is not None:
            theirs = statistics.median(times["torch"])
            emit(f"torch_lstm_fwd_bwd_T{T}_D{D}", theirs, **size, torch=torch.__version__)
            emit(f"ratio_engine_over_torch_T{T}_D{D}", ours / theirs, ratio=round(ours / theirs, 3))
    # linear growth in T: the same LSTM at D = 64 over a range of T
    for T in (100, 200, 400, 800):
        ms, _ = median_ms(engine_case(1, T, 16, 64, 16), 5)
        emit(f"engine_lstm_fwd_bwd_T{T}_D64_scaling", ms, T=T, per_step_us=round(ms * 1000 / T, 2))


def stack_case(torch, repeats: int) -> None:
    """The 2-layer bidirectional LSTM against torch's, interleaved as the cases above."""
    B, T, F, D, C = STACK_SIZE
    layers, bidirectional = STACK
    size = {"B": B, "T": T, "F": F, "D": D, "C": C, "layers": layers, "bidirectional": bidirectional}
    cases = {"engine": engine_case(*STACK_SIZE, layers, bidirectional)}
    if torch is not None:
        cases["torch"] = torch_case(*STACK_SIZE, layers, bidirectional)
    times = interleaved_ms(cases, repeats)
    ours = statistics.median(times["engine"])
    name = f"lstm_L{layers}{'_bidirectional' if bidirectional else ''}_fwd_bwd_T{T}_D{D}"
    emit(f"engine_{name}", ours, **size)
    if torch is not None:
        theirs = statistics.median(times["torch"])
        emit(f"torch_{name}", theirs, **size, torch=torch.__version__)
        emit(f"ratio_engine_over_torch_{name}", ours / theirs, ratio=round(ours / theirs, 3))


if __name__ == "__main__":
    main()
