"""--size as a lecturer types it: parsing, the figure's inches and the font scale."""

import pytest

from unrolled.session.figure_size import FigureSize, SizeError, check_pixels, font_scale, parse_size

GRAD_NORMS = (6.4, 5.6)  # a figure's own size
DIAGRAM = (10.0, 2.4)


@pytest.mark.parametrize(
    "text,own,inches",
    [
        ("16:9", GRAD_NORMS, (13.33, 7.5)),  # a whole 16:9 slide, whatever the figure
        ("16:9", DIAGRAM, (13.33, 7.5)),
        ("4:3", GRAD_NORMS, (10.0, 7.5)),
        (" 4 : 3 ", DIAGRAM, (10.0, 7.5)),
        ("16:10", GRAD_NORMS, (12.0, 7.5)),
        ("column", GRAD_NORMS, (3.5, 3.062)),  # the figure's shape, 0.875
        ("Column", DIAGRAM, (3.5, 2.1)),  # a strip: at least 0.6 of the width
        ("column", (5.0, 8.0), (3.5, 3.5)),  # a tall figure: at most square
        ("12x8cm", GRAD_NORMS, (12 / 2.54, 8 / 2.54)),
        ("12 X 8 CM", GRAD_NORMS, (12 / 2.54, 8 / 2.54)),
        ("12cmx8cm", GRAD_NORMS, (12 / 2.54, 8 / 2.54)),
        ("120x80mm", GRAD_NORMS, (12 / 2.54, 8 / 2.54)),
        ("5x3in", GRAD_NORMS, (5.0, 3.0)),
        ("5.5x3.25in", GRAD_NORMS, (5.5, 3.25)),
        ("12×8cm", GRAD_NORMS, (12 / 2.54, 8 / 2.54)),
    ],
)
def test_sizes_a_lecturer_types(text, own, inches):
    assert parse_size(text).inches(own) == pytest.approx(inches, abs=1e-3)


@pytest.mark.parametrize(
    "text,message",
    [
        ("banana", "got 'banana', expected 16:9 or 4:3"),
        ("", "got an empty size"),
        ("0x5cm", "the width is 0 cm, at least 2.54 cm"),
        ("5x0cm", "the height is 0 cm"),
        ("2x8cm", "the width is 2 cm, at least 2.54 cm (1 in)"),
        ("200x100cm", "the width is 200 cm, at most 102 cm (40 in)"),
        ("50x40in", "the width is 50 in, at most 40 in"),
        ("12x8", "say the unit, such as 12x8cm or 12x8in"),
        ("12inx8cm", "give both sides in one unit"),
        ("0:9", "both sides of a ratio must be more than 0"),
        ("100:1", "the width is 750 in, at most 40 in"),
        ("39x1.5in", "the longer side may be at most 10 times the shorter"),
        ("-5x3cm", "expected 16:9 or 4:3"),
        ("12x8px", "expected"),
    ],
)
def test_bad_sizes_say_what_is_wrong_in_one_line(text, message):
    with pytest.raises(SizeError) as info:
        parse_size(text)
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_fonts_scale_with_the_area_between_8_and_30_pt():
    assert font_scale(GRAD_NORMS, GRAD_NORMS) == 1.0  # a figure at its own size: as always
    assert font_scale((12.8, 11.2), GRAD_NORMS) == pytest.approx(2.0)  # four times the area
    slide = parse_size("16:9").inches(GRAD_NORMS)
    assert font_scale(slide, GRAD_NORMS) == pytest.approx(1.67, abs=0.01)  # slide-sized text
    assert font_scale(parse_size("16:9").inches((13.33, 7.5)), (13.33, 7.5)) == pytest.approx(1.0)  # the dashboard
    assert font_scale(parse_size("column").inches(GRAD_NORMS), GRAD_NORMS) == 0.8  # 8 pt, not 5
    assert font_scale((40.0, 40.0), (1.0, 1.0)) == 3.0


def test_pixels_beyond_20000_a_side_are_refused_with_the_way_out():
    check_pixels((13.33, 7.5), 1200)  # the dashboard at the highest resolution
    with pytest.raises(SizeError, match="48000 x 48000 pixels, at most 20000 a side: choose a lower resolution"):
        check_pixels((40.0, 40.0), 1200)


def test_a_column_follows_each_figures_shape_and_describes_itself():
    column = parse_size("column")
    assert isinstance(column, FigureSize) and column.kind == "column"
    assert "3.5 in wide" in column.describe()
    assert parse_size("4:3").describe() == "10.00 x 7.50 in"
