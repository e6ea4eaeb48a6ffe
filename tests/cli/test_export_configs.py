"""The export command on configs with video frames, truncated BPTT and a typed sentence."""

import csv
import json

from unrolled import cli
from unrolled.session.presets import get_preset


def export_csv(tmp_path, config: dict) -> dict[str, list[dict]]:
    path, out = tmp_path / "config.json", tmp_path / "out"
    path.write_text(json.dumps(config))
    assert cli.main(["export", "--config", str(path), "--out", str(out), "--format", "csv"]) == 0
    return {f.stem: list(csv.DictReader(f.open())) for f in out.glob("*.csv")}


def test_export_a_video_frames_config(tmp_path):
    tables = export_csv(tmp_path, {"task": "video-frames", "timesteps": 8})
    assert len(tables["grad_norms"]) == 8 and len(tables["hidden_states"]) == 8


def test_export_truncated_vanishing_rnn_gradient_is_zero_ten_steps_before_the_loss(tmp_path):
    config = get_preset("vanishing-rnn").config.to_dict() | {"truncation": 10}
    rows = export_csv(tmp_path, config)["grad_norms"]
    T = config["timesteps"]
    assert len(rows) == T
    assert all(float(r["dh_norm"]) == 0.0 for r in rows if int(r["t"]) <= T - 10)
    assert all(float(r["dh_norm"]) > 0.0 for r in rows if int(r["t"]) > T - 10)


def test_export_a_config_with_a_typed_sentence(tmp_path):
    tables = export_csv(tmp_path, {"task": "pos-tagging", "input": "the dog sees a small ball"})
    assert [int(r["t"]) for r in tables["grad_norms"]] == [1, 2, 3, 4, 5, 6]
