"""The command line: launch the app on the seed's example, a preset or a config file."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .engine.quoting import quoted
from .process import set_up_process
from .session.config import Config, ConfigError
from .session.figure_size import HELP as SIZE_HELP, FigureSize, SizeError, check_pixels, parse_size
from .session.presets import MAX_STEPS, Preset, get_preset, list_presets, load_file

MAX_ITERATIONS = 100_000  # training iterations before a headless export

DESCRIPTION = """\
unrolled: backpropagation through time, one timestep at a time.

Opens a window with the seed's example (POS tagging, T = 4, a vanilla RNN) ready to
step: Right steps, Left steps back, Space plays, F1 lists every shortcut.

  unrolled export --help    writes every figure headless (PNG, SVG, PDF, CSV, NPZ)
  unrolled gradcheck --help checks the backward pass against finite differences"""


EXPORT_DESCRIPTION = """\
Write every figure of a preset or config, without showing a window: dashboard, diagram,
hidden_states, gates (LSTM and GRU), grad_norms and loss, each in every requested format.
Runs the training iterations asked for, then the forward and backward pass of one more,
stopped before its update: trace.npz's traces, loss and gradients are that pass's (the
gradients before clipping; with truncation, of the truncated objective), and trace.npz
and weights.safetensors hold the weights it used.

safetensors writes weights.safetensors: the weights under torch's state-dict names, which
rnn = torch.nn.RNN/LSTM/GRU(F, D, batch_first=True) and fc = torch.nn.Linear(D, C) load
with load_state_dict(..., strict=True). torch.nn.RNN has no sigmoid or linear
nonlinearity: for such a network, asking for safetensors exits 2 before anything is
written, whatever else was asked for (npz then holds no grad/ arrays)."""


def build_export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="unrolled export", description=EXPORT_DESCRIPTION)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", metavar="NAME", help="a preset (see unrolled --list-presets)")
    source.add_argument("--config", metavar="FILE", help="a JSON config or preset file")
    source.add_argument("--lesson", metavar="NAME",  # lessons: see lesson_cli.py
                        help="a lesson's handout: NAME.pdf (a title page, a page per stop) and a PNG per stop")
    parser.add_argument("--out", metavar="DIR", required=True, help="the folder to write into (created if needed)")
    parser.add_argument("--format", default="png", metavar="LIST",
                        help="comma-separated: png, svg, pdf, csv (with predictions.csv), "
                             "npz (trace.npz: X, Y, the weights, the traces, loss and, for a cell torch has, "
                             "grad/<torch name>), safetensors (weights.safetensors in torch's layout; "
                             "rnn with tanh or relu, lstm, gru) (default: png)")
    parser.add_argument("--dpi", type=int, default=300, help="PNG resolution, 30 to 1200 (default: 300)")
    parser.add_argument("--size", metavar="SIZE", default=None, help=SIZE_HELP)
    parser.add_argument("--iterations", type=int, default=None, metavar="N",
                        help="training iterations to run first, adding the training figures (loss, gradient "
                             "norm before and after clipping, accuracy) (default: the preset's "
                             "export_iterations, else 0)")
    return parser


def export_main(argv: list[str]) -> int:
    parser = build_export_parser()
    args = parser.parse_args(argv)
    if args.lesson is not None:  # lessons: a handout, not figures
        if args.size is not None:
            parser.exit(2, "unrolled export: error: --size: a handout's pages have their own size; leave --size out\n")
        from .lesson_cli import export_handout

        return export_handout(args, parser)
    from .ui.export import FORMATS

    for option in ("preset", "config", "out"):
        value = getattr(args, option)
        if value is not None and not value.strip():
            parser.exit(2, f"unrolled export: error: --{option}: got an empty name\n")

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if not formats or unknown:
        parser.exit(2, f"unrolled export: error: --format: got {quoted(args.format)}, "
                       f"expected a list of {', '.join(FORMATS)}\n")
    if not 30 <= args.dpi <= 1200:
        parser.exit(2, f"unrolled export: error: --dpi: got {args.dpi}, expected 30 to 1200\n")
    size = _size_or_exit(parser, args.size, args.dpi if "png" in formats else None)
    if args.iterations is not None and not 0 <= args.iterations <= MAX_ITERATIONS:
        parser.exit(2, f"unrolled export: error: --iterations: got {args.iterations}, expected 0 to {MAX_ITERATIONS}\n")
    try:
        preset = get_preset(args.preset) if args.preset is not None else load_file(args.config)
    except ConfigError as error:
        parser.exit(2, f"unrolled export: error: {error}\n")
    iterations = args.iterations if args.iterations is not None else min(preset.export_iterations, MAX_ITERATIONS)

    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no window, with or without a display
    from .session.stepper import Session
    from .ui.app import make_application, quiet_qt_noise
    from .ui.export import ExportError, check_writable_folder, export_all

    try:
        session = Session(preset.config)  # sizes beyond memory are refused before the folder is made
    except (MemoryError, ValueError) as error:
        parser.exit(2, f"unrolled export: error: {_build_failure(error)}\n")
    if "safetensors" in formats:  # refused before the folder is made: nothing is written
        from .session.torch_files import torch_refusal

        refusal = torch_refusal(session)
        if refusal is not None:
            parser.exit(2, f"unrolled export: error: --format safetensors: {refusal}\n")
    try:
        check_writable_folder(args.out)
    except ExportError as error:
        parser.exit(2, f"unrolled export: error: {error}\n")
    from .session.training import Diverged, Trainer

    try:
        trainer = Trainer(session)  # the Training panel's loop: fresh batches, clipping, accuracy
        try:
            trainer.train(iterations)
        except Diverged as diverged:  # the figures show the run up to there
            print(f"unrolled export: {diverged}", file=sys.stderr)
        # one more iteration's forward and backward pass, stopped before its update
        session.advance(session.steps_to("iteration") - 1)
    except (MemoryError, ValueError) as error:
        parser.exit(2, f"unrolled export: error: {_build_failure(error)}\n")
    quiet_qt_noise()
    make_application()
    try:
        too_small: list[str] = []
        written = export_all(session, args.out, formats, args.dpi, steps=trainer.steps, size=size, too_small=too_small)
    except ExportError as error:
        parser.exit(1, f"unrolled export: error: {error}\n")
    for path in written:
        print(path)
    for message in too_small:  # the others are written: a column holds no dashboard
        print(f"unrolled export: left out {message}", file=sys.stderr)
    return 0


def _size_or_exit(parser: argparse.ArgumentParser, text: str | None, png_dpi: int | None) -> FigureSize | None:
    """--size parsed, and checked against every figure's PNG size; exits 2 with one line."""
    if text is None:
        return None
    from .ui.figures import FIGURE_INCHES

    try:
        size = parse_size(text)
        if png_dpi is not None:
            for own in FIGURE_INCHES.values():
                check_pixels(size.inches(own), png_dpi)
    except SizeError as error:
        parser.exit(2, f"unrolled export: error: --size: {error}\n")
    return size


def _build_failure(error: Exception) -> str:
    if isinstance(error, MemoryError):
        detail = f" ({error})" if str(error) else ""
        return f"not enough memory for these sizes{detail}: choose a smaller T, D, F, C or B"
    return str(error)


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unrolled", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME", help="open a preset (see --list-presets)")
    source.add_argument("--config", metavar="FILE", help="open a JSON config or preset file")
    source.add_argument("--session", metavar="FILE", help="open a saved session (File > Save session) at its step")
    source.add_argument("--lesson", metavar="NAME", help="run a lesson, stop by stop (see --list-lessons)")
    parser.add_argument("--list-presets", action="store_true", help="list the presets, one line each, and exit")
    parser.add_argument("--list-lessons", action="store_true", help="list the lessons, one line each, and exit")
    parser.add_argument("--screenshot", metavar="PNG",
                        help="save a picture of the window, without showing it, and exit")
    parser.add_argument("--steps", type=int, default=None, metavar="N",
                        help="take N steps after opening (default: the preset's own)")
    parser.add_argument("--version", action="version", version=f"unrolled {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    set_up_process()
    if argv[:1] == ["export"]:
        return export_main(argv[1:])
    if argv[:1] == ["gradcheck"]:
        from .gradcheck_cli import gradcheck_main

        return gradcheck_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_presets:
        for listed in list_presets():
            print(f"{listed.name:<26}{listed.description}")
        return 0
    # lessons (lesson_cli.py): list them, or check the one asked for before any window
    if args.list_lessons:
        from .lesson_cli import print_lessons

        return print_lessons()
    lesson = None
    if args.lesson is not None:
        from .lesson_cli import load

        if args.steps is not None:
            parser.exit(2, "unrolled: error: --steps: a lesson's stops say where to go; leave --steps out\n")
        lesson = load(args.lesson, parser)
    if args.steps is not None and not 0 <= args.steps <= MAX_STEPS:
        parser.exit(2, f"unrolled: error: --steps: got {args.steps}, expected 0 to {MAX_STEPS}\n")
    for option in ("preset", "config", "session", "lesson", "screenshot"):
        value = getattr(args, option)
        if value is not None and not value.strip():
            parser.exit(2, f"unrolled: error: --{option}: got an empty name\n")
    if args.screenshot:
        problem = _screenshot_problem(args.screenshot)
        if problem:
            parser.exit(2, f"unrolled: error: --screenshot: {problem}\n")
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    elif display_missing():
        parser.exit(2, "unrolled: error: there is no display to open a window on (DISPLAY is not set); "
                       "for figures without a window use `unrolled export`, or `--screenshot FILE.png`\n")
    from .session.files import SessionFileError, load_session
    from .session.stepper import Session

    try:
        if args.session is not None:
            session, compare = load_session(args.session), {}
            session.advance(args.steps or 0)
        else:
            preset: Preset | None
            if args.preset is not None:
                preset = get_preset(args.preset)
            elif args.config is not None:
                preset = load_file(args.config)
            else:
                preset = None
            config = preset.config if preset else Config()
            compare = preset.compare if preset else {}
            session = Session(config)
            session.advance(args.steps if args.steps is not None else preset.steps if preset else 0)
    except (ConfigError, SessionFileError) as error:
        parser.exit(2, f"unrolled: error: {error}\n")
    except (MemoryError, ValueError) as error:
        parser.exit(2, f"unrolled: error: {_build_failure(error)}\n")
    from .ui.app import main as run_app
    from .ui.export import ExportError

    try:
        return run_app(session, screenshot=args.screenshot, compare_changes=compare, lesson=lesson)
    except ExportError as error:  # the screenshot could not be written; any old file is kept
        parser.exit(1, f"unrolled: error: --screenshot: {error}\n")


if __name__ == "__main__":
    sys.exit(main())
