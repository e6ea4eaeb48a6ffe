"""unrolled export --size: the files have the size asked for, bad sizes get one line."""

import re

import pytest
from PySide6 import QtGui

from unrolled import cli


def pixels(path):
    image = QtGui.QImage(str(path))
    return image.width(), image.height()


def page_points(path):
    """(width, height) of a PDF's page in points, from its MediaBox."""
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", path.read_bytes())
    assert box, f"no MediaBox in {path}"
    return float(box.group(1)), float(box.group(2))


def export(tmp_path, size, formats="png,pdf", dpi="100", preset="seed-pos-tagging"):
    out = tmp_path / size.replace(":", "-")
    assert cli.main(["export", "--preset", preset, "--out", str(out), "--format", formats, "--dpi", dpi,
                     "--size", size]) == 0
    return out


@pytest.mark.slow
def test_centimetres_give_that_size_in_pixels_and_on_the_pdf_page(tmp_path):
    out = export(tmp_path, "12x8cm")
    for name in ("diagram", "hidden_states", "grad_norms"):
        assert pixels(out / f"{name}.png") == (472, 315)  # 12 cm and 8 cm at 100 DPI
        width, height = page_points(out / f"{name}.pdf")
        assert width == pytest.approx(12 / 2.54 * 72, abs=0.6) and height == pytest.approx(8 / 2.54 * 72, abs=0.6)


def test_a_slide_ratio_makes_every_figure_a_whole_slide(tmp_path):
    out = export(tmp_path, "4:3", formats="png", dpi="60")
    sizes = {pixels(path) for path in out.glob("*.png")}
    assert sizes == {(600, 450)}  # 10 x 7.5 in, the diagram and the dashboard alike
    out = export(tmp_path, "16:9", formats="pdf")
    width, height = page_points(out / "grad_norms.pdf")
    assert (width, height) == pytest.approx((13.33 * 72, 7.5 * 72), abs=0.6)


def test_a_column_is_3_5_inches_wide_and_leaves_out_what_it_cannot_hold(tmp_path, capsys):
    out = export(tmp_path, "column", formats="png,csv", dpi="200")
    assert pixels(out / "grad_norms.png") == (700, 612)  # 3.5 in wide, the figure's own shape
    assert pixels(out / "hidden_states.png") == (700, 525)
    assert (out / "dashboard.csv").exists()  # the data, whatever the size
    err = capsys.readouterr().err
    if not (out / "dashboard.png").exists():  # a dashboard of four plots does not fit a column
        assert "left out dashboard needs more room than 3.50 x 2.10 in, even with 5 pt text" in err


@pytest.mark.parametrize(
    "size,message",
    [
        ("banana", "--size: got 'banana', expected 16:9 or 4:3 (a whole slide), column"),
        ("0x5cm", "--size: got '0x5cm': the width is 0 cm, at least 2.54 cm (1 in)"),
        ("300x5cm", "the width is 300 cm, at most 102 cm (40 in)"),
        ("12x8", "say the unit"),
        ("30x20in", "at 1200 DPI is 36000 x 24000 pixels, at most 20000 a side"),
    ],
)
def test_bad_sizes_exit_2_with_one_line(tmp_path, capsys, size, message):
    with pytest.raises(SystemExit) as info:
        cli.main(["export", "--preset", "vanishing-rnn", "--out", str(tmp_path / "out"), "--dpi", "1200",
                  "--size", size])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("unrolled export: error: --size: ") and message in err[0]
    assert not (tmp_path / "out").exists()  # refused before anything was made


def test_help_states_the_rule(capsys):
    with pytest.raises(SystemExit):
        cli.main(["export", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    for words in ("--size SIZE", "16:9 or 4:3: every figure a whole slide, 13.33 x 7.5 in or 10 x 7.5 in",
                  "column: a paper column, 3.5 in (8.9 cm) wide", "12x8cm", "never below 8 pt"):
        assert words in out


def test_a_vector_only_export_takes_sizes_too_large_for_a_png(tmp_path):
    out = tmp_path / "big"
    assert cli.main(["export", "--preset", "seed-pos-tagging", "--out", str(out), "--format", "csv",
                     "--dpi", "1200", "--size", "30x20in"]) == 0
    assert (out / "grad_norms.csv").exists()
