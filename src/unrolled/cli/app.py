"""`unrolled [options]`: launch the app on the seed's example, a preset, a config file, a
saved session or a lesson; or list the presets or the lessons."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ..session.config import Config, ConfigError
from ..session.presets import MAX_STEPS, Preset, list_presets
from ..version import __version__
from . import own_model
from .messages import build_failure, empty_option
from .text_option import text_refusal, text_source

if TYPE_CHECKING:  # imported when a lesson is asked for: the first window does not need it
    from ..session.lessons import Lesson
    from ..session.stepper import Session

DESCRIPTION = """\
unrolled: backpropagation through time, one timestep at a time.

Opens a window with the seed's example (POS tagging, T = 4, a vanilla RNN) ready to
step: Right steps, Left steps back, Space plays, F1 lists every shortcut.

  unrolled export --help    writes every figure headless (PNG, SVG, PDF, CSV, NPZ)
  unrolled gradcheck --help checks the backward pass against finite differences"""

# each refused when empty
NAMED_OPTIONS = ("preset", "config", "session", "lesson", "text", "screenshot", "weights", "data")


def build_parser(exit_on_error: bool = True) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unrolled", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
        exit_on_error=exit_on_error,
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME", help="open a preset (see --list-presets)")
    source.add_argument("--config", metavar="FILE", help="open a JSON config or preset file")
    source.add_argument("--session", metavar="FILE", help="open a saved session (File > Save session) at its step")
    source.add_argument("--lesson", metavar="NAME", help="run a lesson, stop by stop (see --list-lessons)")
    own_model.add_weights(source)
    parser.add_argument("--text", metavar="FILE", help="open the preset char-rnn learning from a UTF-8 text file; "
                        "with --preset or --config, that network on the text, as the task char-lm")
    parser.add_argument("--list-presets", action="store_true", help="list the presets, one line each, and exit")
    parser.add_argument("--list-lessons", action="store_true", help="list the lessons, one line each, and exit")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="save a picture of the window, without showing it, and exit")
    parser.add_argument("--steps", type=int, default=None, metavar="N",
                        help="take N steps after opening (default: the preset's own)")
    parser.add_argument("--version", action="version", version=f"unrolled {__version__}")
    own_model.add_options(parser)
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    if args.list_presets:
        for listed in list_presets():
            print(f"{listed.name:<26}{listed.description}")
        return 0
    # lessons (lessons.py): list them, or check the one asked for before any window
    if args.list_lessons:
        from .lessons import print_lessons

        return print_lessons()
    refusal = text_refusal(args, ("session", "lesson", "weights"))
    if refusal is not None:
        _refuse(parser, refusal)
    lesson = _lesson(args, parser)
    if args.steps is not None and not 0 <= args.steps <= MAX_STEPS:
        _refuse(parser, f"--steps: got {args.steps}, expected 0 to {MAX_STEPS}")
    empty = empty_option(args, NAMED_OPTIONS)
    if empty is not None:
        _refuse(parser, f"--{empty}: got an empty name")
    alone = own_model.misplaced(args)
    if alone is not None:
        _refuse(parser, f"{alone}: goes with --weights FILE")
    _check_where_to_draw(args, parser)
    session, compare = _opened_session(args, parser)
    from ..ui.app import main as run_app
    from ..ui.export.writers import ExportError

    try:
        return run_app(session, screenshot=args.screenshot, compare_changes=compare, lesson=lesson)
    except ExportError as error:  # the screenshot could not be written; any old file is kept
        parser.exit(1, f"unrolled: error: --screenshot: {error}\n")


def _refuse(parser: argparse.ArgumentParser, message: str) -> NoReturn:
    parser.exit(2, f"unrolled: error: {message}\n")


def _lesson(args: argparse.Namespace, parser: argparse.ArgumentParser) -> Lesson | None:
    """The lesson asked for, or None; exits 2 when it cannot be run."""
    if args.lesson is None:
        return None
    from .lessons import load

    if args.steps is not None:
        _refuse(parser, "--steps: a lesson's stops say where to go; leave --steps out")
    return load(args.lesson, parser)


def _check_where_to_draw(args: argparse.Namespace, parser: argparse.ArgumentParser) -> None:
    """A screenshot needs a writable .png path and no display; a window needs a display."""
    if args.screenshot:
        problem = _screenshot_problem(args.screenshot)
        if problem:
            _refuse(parser, f"--screenshot: {problem}")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif display_missing():
        _refuse(parser, "there is no display to open a window on (DISPLAY is not set); "
                        "for figures without a window use `unrolled export`, or `--screenshot FILE.png`")


def _screenshot_problem(path: str) -> str | None:
    """Why a screenshot cannot be written to path, or None."""
    target = Path(path)
    if target.suffix.lower() != ".png":
        return f"got {path!r}, expected a file name ending in .png"
    folder = target.parent
    if not folder.is_dir():
        return f"the folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return f"cannot write to the folder {folder}"
    return None


def display_missing() -> bool:
    """On Linux, Qt needs an X or Wayland display for a window (without one it aborts)."""
    if not sys.platform.startswith("linux"):
        return False
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and not platform.startswith(("xcb", "wayland")):
        return False  # offscreen, vnc, eglfs: no display needed
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _opened_session(args: argparse.Namespace, parser: argparse.ArgumentParser) -> tuple[Session, dict[str, Any]]:
    """(the Session to show, the preset's comparison changes); exits 2 with the reason when
    the file, the preset or the sizes cannot be opened."""
    from ..session.files import SessionFileError, load_session
    from ..session.stepper import Session

    try:
        if args.session is not None:
            session = load_session(args.session)
            session.advance(args.steps or 0)
            return session, {}
        if args.weights is not None:
            session = own_model.open_session(args)
            session.advance(args.steps or 0)
            return session, {}
        preset = _preset(args)
        session = Session(preset.config if preset else Config())
        session.advance(args.steps if args.steps is not None else preset.steps if preset else 0)
        return session, (preset.compare if preset else {})
    except (ConfigError, SessionFileError) as error:
        _refuse(parser, str(error))
    except (MemoryError, ValueError) as error:
        _refuse(parser, build_failure(error))


def _preset(args: argparse.Namespace) -> Preset | None:
    if args.preset is None and args.config is None and args.text is None:
        return None
    return text_source(args)
