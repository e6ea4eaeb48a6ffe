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
from unrolled.ui.export.handout import write_handout


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


@pytest.mark.parametrize("name", lesson_names())
def test_no_stop_tells_the_paper_what_to_press(name):
    from unrolled.ui.export.handout import WINDOW_WORDS, paper_text

    for stop in get_lesson(name).stops:
        text = paper_text(stop.text)
        assert text and not WINDOW_WORDS.search(text), (stop.number, text)
    assert paper_text("PageDown takes one step. The gradient shrinks. Press T there to train both.") \
        == "The gradient shrinks."


def test_the_clipping_page_draws_its_comparison_before_and_after_its_demonstration(qapp):
    from unrolled.session.lessons import build_comparison, build_stop
    from unrolled.ui.export.handout import stop_figures

    stop = next(s for s in get_lesson("rnn-part-2").stops if s.title.startswith("Clipping"))
    session = build_stop(stop, end=True)
    comparison, _ = build_comparison(stop, end=True)
    figures, trained = stop_figures(stop, session, comparison, demonstrate=True)
    try:
        assert trained > 20 and set(comparison.stopped) == {"B"}
        before, after = figures[-2], figures[-1]
        assert "one curve" in before.caption  # A and B are the same network until they train
        assert f"After {trained} training iterations on the same batches" in after.caption
        a_loss, b_loss = (curve.yData for curve in after.widget.losses)
        assert len(a_loss) == trained and len(b_loss) < 10
        assert after.widget.off_scale.data.size  # B's overflowing losses marked above A's range
    finally:
        for figure in figures:
            figure.widget.close()
            figure.widget.deleteLater()


def test_an_exported_diagram_names_no_key_and_draws_its_colour_scale_at_long_T(qapp):
    from unrolled.session.presets import get_preset
    from unrolled.session.stepper import Session
    from unrolled.ui.export.figures import build_figure, laid_out

    from support.figure_boxes import figure_boxes, figure_problems

    session = Session(get_preset("vanishing-rnn").config)
    figure = laid_out(build_figure("diagram"), 960, 230, session)
    try:
        texts = [box.name for box in figure_boxes(figure)[0]]
        assert any("Ready: the forward pass starts at t = 1" in t for t in texts)
        assert not any("press" in t for t in texts) and not any("||dL/dh_t||" in t for t in texts)
        session.advance(2 * session.T + 1)
        figure.refresh(session)
        texts = [box.name for box in figure_boxes(figure)[0]]
        assert any("||dL/dh_t||" in t for t in texts) and any("10⁻⁷" in t for t in texts)
        assert figure_problems(figure) == []
    finally:
        figure.close()
        figure.deleteLater()


def test_the_shapes_stop_draws_every_array_with_its_shape_on_the_diagram(qapp):
    from unrolled.session.lessons import build_stop
    from unrolled.ui.export.handout import stop_figures

    from support.figure_boxes import figure_boxes, figure_problems

    stop = next(s for s in get_lesson("rnn-part-2").stops if s.title.startswith("The POS-tagging example"))
    figures, _ = stop_figures(stop, build_stop(stop, end=True))
    try:
        texts = " ".join(box.name for box in figure_boxes(figures[0].widget)[0])
        for shape in ("X [B, T, F] = [1, 4, 14]", "Y [B, T, C] = [1, 4, 5]", "W1 [F, D] = [14, 8]",
                      "U1 [D, D] = [8, 8]", "W2 [D, C] = [8, 5]"):
            assert shape in texts
        assert figure_problems(figures[0].widget) == []
    finally:
        for figure in figures:
            figure.widget.close()
            figure.widget.deleteLater()


@pytest.mark.slow
def test_the_lstm_page_says_under_its_trained_figure_why_the_lstms_gradient_is_small(qapp):
    from unrolled.session.lessons import build_comparison, build_stop
    from unrolled.ui.export.handout import stop_figures

    stop = next(s for s in get_lesson("rnn-part-2").stops if s.title.startswith("LSTM against RNN"))
    comparison, _ = build_comparison(stop, end=True)
    figures, trained = stop_figures(stop, build_stop(stop, end=True), comparison, demonstrate=True)
    try:
        before, after = figures[-2], figures[-1]
        assert trained == 150 and not before.below
        # the trained LSTM's gradient lies under the RNN's: because its loss is small
        assert after.below.startswith("A's loss is ") and "little is left to learn" in after.below
        assert after.below == " ".join(f"{s[0].upper()}{s[1:]}." for s in comparison.little_left_to_learn())
    finally:
        for figure in figures:
            figure.widget.close()
            figure.widget.deleteLater()


def test_the_comparisons_iteration_ticks_on_paper_do_not_run_together(qapp):
    from unrolled.session.lessons import build_comparison, run_demonstration
    from unrolled.ui.export.handout import comparison_figure

    stop = next(s for s in get_lesson("rnn-part-2").stops if s.title.startswith("Clipping"))
    comparison, _ = build_comparison(stop, end=True)
    trained = run_demonstration(comparison, 150)
    figure = comparison_figure(comparison, trained)
    try:
        axis = figure.widget.loss_plot.getAxis("bottom")
        if axis._tickLevels is not None:  # ticks set by hand, as the plot had them
            values = [v for v, _ in axis._tickLevels[0]]
        else:
            values = [v for _, level in axis.tickValues(*axis.range, axis.size().width()) for v in level]
        metrics = QtGui.QFontMetricsF(axis.style["tickFont"] or QtGui.QFont())
        pixels = axis.size().width() / (axis.range[1] - axis.range[0])
        gaps = np.diff(values) * pixels
        assert len(values) >= 2 and gaps.min() > metrics.horizontalAdvance("150") + 2  # "100120140" before
    finally:
        figure.widget.close()
        figure.widget.deleteLater()
