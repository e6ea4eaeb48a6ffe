"""The handout: a title page and one page per stop in NAME.pdf, a PNG per stop, from the
command line and from the Lessons menu."""

import re
import shutil
import subprocess

import numpy as np
import pytest
from PySide6 import QtGui

from unrolled import cli
from unrolled.session.lessons import get_lesson, lesson_names
from unrolled.ui.handout import write_handout


def pdf_pages(path) -> int:
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", path.read_bytes()))


@pytest.mark.slow
@pytest.mark.parametrize("name", lesson_names())
def test_the_handout_has_a_title_page_and_a_page_per_stop(tmp_path, name):
    lesson = get_lesson(name)
    written = write_handout(lesson, tmp_path, ("pdf", "png"), dpi=60)
    assert written[0] == tmp_path / f"{name}.pdf"
    assert pdf_pages(written[0]) == len(lesson.stops) + 1
    pngs = sorted(tmp_path.glob(f"{name}-*.png"))
    assert pngs == written[1:] and len(pngs) == len(lesson.stops)
    image = QtGui.QImage(str(pngs[0]))
    assert (image.width(), image.height()) == (round(8.27 * 60), round(11.69 * 60))
    pixels = np.frombuffer(image.convertToFormat(QtGui.QImage.Format.Format_Grayscale8).constBits(),
                           dtype=np.uint8)
    assert (pixels < 100).mean() > 0.005  # text and figures on the page, not a blank sheet


def test_the_pdf_is_vector(tmp_path):
    lesson = get_lesson("vanishing-in-five-minutes")
    path = write_handout(lesson, tmp_path, ("pdf",))[0]
    data = path.read_bytes()
    assert not list(tmp_path.glob("*.png"))
    assert b"/Font" in data  # text as text, not a picture of it


def test_export_command_writes_the_handout(tmp_path, capsys):
    out = tmp_path / "handout"
    assert cli.main(["export", "--lesson", "vanishing-in-five-minutes", "--out", str(out), "--format", "pdf",
                     "--dpi", "60"]) == 0
    assert capsys.readouterr().out.split() == [str(out / "vanishing-in-five-minutes.pdf")]
    assert pdf_pages(out / "vanishing-in-five-minutes.pdf") == 6


@pytest.mark.parametrize("args,message", [
    (["--lesson", "nope", "--format", "pdf"], "--lesson: lesson nope: no such lesson"),
    (["--lesson", "rnn-part-2", "--format", "svg"], "--format: got 'svg'; a lesson's handout is pdf, png or both"),
])
def test_export_lesson_bad_arguments_exit_2(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as info:
        cli.main(["export", *args, "--out", str(tmp_path)])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_list_lessons_one_line_each_starting_with_the_name(capsys):
    assert cli.main(["--list-lessons"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == lesson_names()
    assert {"rnn-part-2", "vanishing-in-five-minutes"} <= set(lesson_names())


def test_a_broken_lesson_file_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "mine.json"
    path.write_text('{"title": "T", "stops": [{"title": "One", "text": "x", "model": "seed-pos-tagging", '
                    '"highlight": "spectrum"}]}', encoding="utf-8")
    with pytest.raises(SystemExit) as info:
        cli.main(["--lesson", str(path)])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert "lesson mine, stop 1 (One): highlight: got 'spectrum'" in err and len(err.splitlines()) == 1


def test_the_lessons_menu_writes_the_handout(window, tmp_path):
    window.lessons.start(get_lesson("vanishing-in-five-minutes"))
    written = window.lessons.write_handout_to(tmp_path)
    assert pdf_pages(written[0]) == 6 and len(written) == 6
    assert window.lessons.act_handout in window.lessons.menu.actions()
