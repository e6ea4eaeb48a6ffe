"""examples/replay.ipynb executed headless, as CI runs it (nbclient and a Python kernel): its
printed gradient norm is the engine's, and its last cell shows the replay's player inline."""

import html
import os
import re
from pathlib import Path

import pytest

from unrolled.session.presets import get_preset
from unrolled.session.stepper import Session

nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed: pip install -e '.[test]'")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel", reason="ipykernel is not installed: pip install -e '.[test]'")
pytestmark = pytest.mark.slow  # a kernel's start

NOTEBOOK = Path(__file__).parents[2] / "examples" / "replay.ipynb"
SOURCES = str(Path(__file__).parents[2] / "src")  # the kernel imports this tree's unrolled


def test_the_example_notebook_runs_and_shows_the_engines_number_and_the_player(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [SOURCES, os.environ.get("PYTHONPATH")])))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    printed = "".join(o.text for o in outputs if o.output_type == "stream")
    shown = float(re.search(r"\|\|dL/dh_1\|\| = (\S+)", printed).group(1))
    session = Session(get_preset("vanishing-rnn").config)
    session.advance(session.steps_to("iteration") - 1)
    assert shown == float(session.bwd.dh_norm[0])  # printed with repr: every digit
    page = html.unescape(notebook.cells[-1].outputs[0].data["text/html"])
    assert page.startswith("<iframe srcdoc=") and 'id="unrolled-data"' in page and "window.unrolled = api" in page
