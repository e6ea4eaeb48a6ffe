"""Shared by the benchmark scripts: timing and the JSON-line output format."""

from __future__ import annotations

import json
import statistics
import time


def median_ms(fn, repeats: int, warmup: int = 1) -> tuple[float, list[float]]:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times), times


def interleaved_ms(cases: dict, repeats: int, warmup: int = 1) -> dict[str, list[float]]:
    """Time each case once per round, in turn, for `repeats` rounds: on a shared, noisy
    machine a slow spell then hits every case alike."""
    for fn in cases.values():
        for _ in range(warmup):
            fn()
    times = {name: [] for name in cases}
    for _ in range(repeats):
        for name, fn in cases.items():
            start = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - start) * 1000.0)
    return times


def emit(name: str, median: float, **extra) -> None:
    print(json.dumps({"name": name, "median_ms": round(median, 3), **extra}), flush=True)
