"""The HTML replay as a student gets it: the file's size and the export's time, through the
command a lecturer runs (`unrolled export --format html`, a fresh process each), and the
page's stepping speed in headless Chromium, keys delivered to the page one at a time.
JSON lines (median_ms: the export's wall time, or a step's), with the issue's budgets:

    preset vanishing-rnn (T = 50, D = 32)   <= 3 MB, exported in <= 5 s
    lesson rnn-part-2 as a deck             <= 15 MB
    LSTM T = 1000, D = 256                  <= 30 MB; a step <= 16 ms from the key event
                                            to the frame drawn (performance.now() in the page)

    python benchmarks/html_replay.py [--keys N]

Needs Debian's chromium and chromium-driver and selenium for the stepping case (skipped,
saying so, without them).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from common import emit

ROOT = Path(__file__).resolve().parents[1]
MB = 2**20
LSTM_CONFIG = {"cell": "lstm", "task": "copy-delay", "timesteps": 1000, "n_hidden": 256, "batch_size": 1}
STACK_CONFIG = {**LSTM_CONFIG, "layers": 2, "bidirectional": True}  # no budget of its own: the LSTM's, for comparison


def export(arguments: list[str], out: Path) -> float:
    """`unrolled export ... --format html --out out` in a fresh process: its wall time in ms."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "unrolled", "export", *arguments, "--format", "html", "--out", str(out)],
                   check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000.0


def sizes_and_times(folder: Path) -> dict[str, Path]:
    """Each case exported and measured; returns the LSTM pages for the stepping case."""
    ms = export(["--preset", "vanishing-rnn", "--iterations", "0"], folder / "preset")
    size = (folder / "preset" / "vanishing-rnn.html").stat().st_size
    emit("html_export_preset_vanishing_rnn", ms, mb=round(size / MB, 3), budget_mb=3, budget_ms=5000,
         within=size <= 3 * MB and ms <= 5000)
    ms = export(["--lesson", "rnn-part-2"], folder / "deck")
    size = (folder / "deck" / "rnn-part-2.html").stat().st_size
    emit("html_export_deck_rnn_part_2", ms, mb=round(size / MB, 3), budget_mb=15, within=size <= 15 * MB)
    config = folder / "lstm.json"
    config.write_text(json.dumps(LSTM_CONFIG), encoding="utf-8")
    ms = export(["--config", str(config), "--iterations", "0"], folder / "lstm")
    page = folder / "lstm" / "lstm.html"  # named after the config file
    size = page.stat().st_size
    emit("html_export_lstm_T1000_D256", ms, mb=round(size / MB, 3), budget_mb=30, within=size <= 30 * MB)
    config = folder / "stack.json"
    config.write_text(json.dumps(STACK_CONFIG), encoding="utf-8")
    ms = export(["--config", str(config), "--iterations", "0"], folder / "stack")
    stack = folder / "stack" / "stack.html"
    size = stack.stat().st_size
    emit("html_export_lstm_2_layers_bidirectional_T1000_D256", ms, mb=round(size / MB, 3), budget_mb=30,
         within=size <= 30 * MB)
    return {"lstm_T1000_D256": page, "lstm_2_layers_bidirectional_T1000_D256": stack}


def stepping(name: str, page: Path, keys: int) -> None:
    """Right and Left, one key a round trip, in the forward and the backward pass: per key the
    page's own times, the handler (every canvas call done) and from the key event to the next frame."""
    chromedriver = shutil.which("chromedriver")
    if chromedriver is None or not (shutil.which("chromium") or shutil.which("chromium-browser")):
        print(json.dumps({"name": f"html_step_{name}", "skipped": "chromium and chromedriver not installed"}))
        return
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1366,768"):
        options.add_argument(argument)
    browser = webdriver.Chrome(service=Service(chromedriver), options=options)
    try:
        browser.get(page.as_uri())
        ready = browser.execute_script("return window.unrolled.readyMs")
        N = browser.execute_script("return (window.unrolled.steps() - 2) / 2")  # steps per pass
        for start in (N // 2, N + 1 + N // 2):  # the middle of the forward pass, then of the backward pass
            browser.execute_script(f"window.unrolled.go({start})")
            for k in range(keys):
                ActionChains(browser).send_keys(Keys.ARROW_RIGHT if k % 4 != 3 else Keys.ARROW_LEFT).perform()
        handler = browser.execute_script("return window.unrolled.timings")
        frames = browser.execute_script("return window.unrolled.frames")
    finally:
        browser.quit()
    frame_ms = statistics.median(frames)
    emit(f"html_step_{name}", frame_ms, p95_ms=round(sorted(frames)[int(0.95 * (len(frames) - 1))], 3),
         max_ms=round(max(frames), 3), handler_median_ms=round(statistics.median(handler), 3),
         handler_max_ms=round(max(handler), 3), keys=len(frames), page_ready_ms=round(ready, 1), budget_ms=16,
         within=frame_ms <= 16)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=60, help="keys per pass (default: 60)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name, page in sizes_and_times(Path(folder)).items():
            stepping(name, page, args.keys)


if __name__ == "__main__":
    main()
