"""File > Export HTML replay: the session as it is now written as one page that opens at
the current step with the engine's numbers; a progress dialog only when it takes longer
than half a second; a failure said in one line."""

import json
import re
import time

import numpy as np
import pytest
from PySide6 import QtWidgets

from unrolled.replay import record as recording
from unrolled.ui.window import html_export


def _replay(path) -> dict:
    text = path.read_text(encoding="utf-8")
    (replay,) = json.loads(re.search(r'id="unrolled-data">(.*?)</script>', text, re.S).group(1))["replays"]
    return replay


def _choose(monkeypatch, path) -> None:
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "Web page (*.html)"))


def test_file_export_html_writes_the_session_at_its_current_step(make_window, tmp_path, monkeypatch):
    window = make_window(timesteps=6, n_hidden=4, layers=2)
    session = window.session
    window.session.advance(session.order.steps_per_pass + 4)  # in the backward pass of a stack
    assert window.files.act_export_html in window.menus[0].actions()
    offered = []
    monkeypatch.setattr(QtWidgets.QFileDialog, "getSaveFileName",
                        lambda *a, **k: (offered.append(a[2]), (str(tmp_path / "lecture"), "Web page (*.html)"))[1])
    window.files.act_export_html.trigger()
    assert offered[0].endswith(f"/rnn-T{session.T}.html")  # named after what it replays, not replay.html
    replay = _replay(tmp_path / "lecture.html")  # the suffix added
    assert replay["start"] == session.position and replay["title"] == "lecture"
    assert replay["description"].startswith("Exported from unrolled: an RNN network, iteration 1, ")  # on the page
    assert replay["positions"]["phase"][replay["start"]] == "backward"
    np.testing.assert_array_equal(np.array(replay["gradients"]["dh_norm"], dtype=float),
                                  _end_of_backward_dh_norm(session))
    assert "lecture.html" in window.status.notice.toolTip()


def _end_of_backward_dh_norm(session) -> np.ndarray:
    (end,) = [s for s in session.replay_iteration() if s.position == s.steps_per_iteration - 1]
    return end.bwd.dh_norm


@pytest.mark.slow
def test_a_progress_dialog_shows_only_when_the_export_takes_over_half_a_second(make_window, tmp_path, monkeypatch):
    window = make_window(timesteps=30, n_hidden=4)
    shown = []
    layer_done = recording._layer_done

    def slow(session):  # each position takes 10 ms: 62 positions, about 0.6 s in all
        time.sleep(0.01)
        shown.append(any(d.isVisible() for d in window.findChildren(QtWidgets.QProgressDialog)))
        return layer_done(session)

    monkeypatch.setattr(recording, "_layer_done", slow)
    assert html_export.export_html_replay(window.session, window, str(tmp_path / "slow.html")) is not None
    assert not shown[0] and shown[-1]  # not at once; shown once half a second has gone
    assert not any(d.isVisible() for d in window.findChildren(QtWidgets.QProgressDialog))
    monkeypatch.setattr(recording, "_layer_done", layer_done)
    shown.clear()
    small = make_window(timesteps=3, n_hidden=2)
    assert html_export.export_html_replay(small.session, small, str(tmp_path / "fast.html")) is not None
    assert not small.findChildren(QtWidgets.QProgressDialog) or \
        not any(d.isVisible() for d in small.findChildren(QtWidgets.QProgressDialog))


def test_a_failed_export_is_one_line_and_writes_nothing(make_window, tmp_path, monkeypatch):
    window = make_window(timesteps=3, n_hidden=2)
    warnings = []
    monkeypatch.setattr(QtWidgets.QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    _choose(monkeypatch, tmp_path / "no such folder" / "replay.html")
    window.files.act_export_html.trigger()
    assert len(warnings) == 1 and "\n" not in warnings[0] and warnings[0].startswith("Cannot write")
    assert not (tmp_path / "no such folder").exists()
