"""Time from launching a fresh Python process to the first painted main window on a user's
own model, as `unrolled --weights m.pt --data d.npz` does it: a 2-layer LSTM of D = 512
(F = 128, C = 128, float32 as trained) read from its state dict, a batch of 4 sequences of
T = 50 from the data file, the window painted. JSON lines, as first_window.py (whose child
this mirrors): the wall-clock median and the child's median CPU time.

    python benchmarks/own_model_window.py [--repeats N] [--format pt|safetensors|npz]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from common import emit
from first_window import _children_cpu_s, child_script

F, D, C, LAYERS, T = 128, 512, 128, 2, 50

CHILD = child_script("Session.from_torch(sys.argv[1], sys.argv[2], batch=4)")


def write_model(folder: Path, suffix: str) -> Path:
    """A 2-layer LSTM + Linear state dict in torch's names, float32, as torch.save writes it."""
    rng = np.random.default_rng(0)
    state = {}
    for layer in range(LAYERS):
        width = F if layer == 0 else D
        state[f"lstm.weight_ih_l{layer}"] = rng.uniform(-0.04, 0.04, (4 * D, width)).astype(np.float32)
        state[f"lstm.weight_hh_l{layer}"] = rng.uniform(-0.04, 0.04, (4 * D, D)).astype(np.float32)
        state[f"lstm.bias_ih_l{layer}"] = rng.uniform(-0.04, 0.04, 4 * D).astype(np.float32)
        state[f"lstm.bias_hh_l{layer}"] = rng.uniform(-0.04, 0.04, 4 * D).astype(np.float32)
    state["fc.weight"] = rng.uniform(-0.04, 0.04, (C, D)).astype(np.float32)
    state["fc.bias"] = np.zeros(C, dtype=np.float32)
    path = folder / f"m.{suffix}"
    if suffix == "pt":
        import torch

        torch.save({k: torch.from_numpy(v) for k, v in state.items()}, path)
    elif suffix == "safetensors":
        from safetensors.numpy import save_file

        save_file(state, path)
    else:
        np.savez(path, **state)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--format", choices=("pt", "safetensors", "npz"), default="pt")
    args = parser.parse_args()
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "unrolled-benchmark-bytecode"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as folder:
        weights = write_model(Path(folder), args.format)
        data = Path(folder) / "d.npz"
        rng = np.random.default_rng(1)
        np.savez(data, X=rng.standard_normal((16, T, F)), Y=rng.integers(0, C, (16, T)))
        command = [sys.executable, "-c", CHILD, str(weights), str(data)]
        subprocess.run(command, capture_output=True, env=env, check=True)  # warms the bytecode cache
        times, cpu = [], []
        for _ in range(args.repeats):
            used = _children_cpu_s()
            start = time.time()
            out = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
            times.append((float(out.stdout.strip().splitlines()[-1]) - start) * 1000.0)
            cpu.append((_children_cpu_s() - used) * 1000.0)
    emit(f"own_model_first_window_{args.format}", statistics.median(times), max_ms=round(max(times), 1),
         cpu_ms=round(statistics.median(cpu), 1), repeats=args.repeats, D=D, layers=LAYERS, T=T)


if __name__ == "__main__":
    main()
