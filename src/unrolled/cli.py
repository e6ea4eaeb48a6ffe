"""The command line: launch the app on the seed's example, a preset or a config file."""

from __future__ import annotations

import argparse
import sys

from . import __version__
from .session.config import Config, ConfigError
from .session.presets import get_preset, list_presets, load_file

DESCRIPTION = """\
unrolled: backpropagation through time, one timestep at a time.

Opens a window with the seed's example (POS tagging, T = 4, a vanilla RNN) ready to
step: Right steps, Left steps back, Space plays, F1 lists every shortcut.

  unrolled export --help    writes every figure headless (PNG, SVG, PDF, CSV)"""


EXPORT_DESCRIPTION = """\
Write every figure of a preset or config, without showing a window: dashboard, diagram,
hidden_states, gates (LSTM and GRU), grad_norms and loss, each in every requested format.
Runs the training iterations asked for, then the forward and backward pass of one more."""


def build_export_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="unrolled export", description=EXPORT_DESCRIPTION)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", metavar="NAME", help="a preset (see unrolled --list-presets)")
    source.add_argument("--config", metavar="FILE", help="a JSON config or preset file")
    parser.add_argument("--out", metavar="DIR", required=True, help="the folder to write into (created if needed)")
    parser.add_argument("--format", default="png", metavar="LIST",
                        help="comma-separated: png, svg, pdf, csv (default: png)")
    parser.add_argument("--dpi", type=int, default=300, help="PNG resolution, 30 to 1200 (default: 300)")
    parser.add_argument("--iterations", type=int, default=0, metavar="N",
                        help="training iterations to run first (default: 0)")
    return parser


def export_main(argv: list[str]) -> int:
    parser = build_export_parser()
    args = parser.parse_args(argv)
    from .ui.export import FORMATS

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in FORMATS]
    if not formats or unknown:
        parser.exit(2, f"unrolled export: error: --format: got {args.format!r}, expected a list of {', '.join(FORMATS)}\n")
    if not 30 <= args.dpi <= 1200:
        parser.exit(2, f"unrolled export: error: --dpi: got {args.dpi}, expected 30 to 1200\n")
    if args.iterations < 0:
        parser.exit(2, "unrolled export: error: --iterations: expected a whole number >= 0\n")
    try:
        preset = get_preset(args.preset) if args.preset else load_file(args.config)
    except ConfigError as error:
        parser.exit(2, f"unrolled export: error: {error}\n")

    import os

    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no window, with or without a display
    from .session.stepper import Session
    from .ui.app import make_application
    from .ui.export import ExportError, check_writable_folder, export_all

    try:
        check_writable_folder(args.out)
    except ExportError as error:
        parser.exit(2, f"unrolled export: error: {error}\n")
    session = Session(preset.config)
    for _ in range(args.iterations):
        session.run_iteration()
    # one more iteration's forward and backward pass, stopped before its update
    session.advance(session.steps_to("iteration") - 1)
    make_application()
    try:
        written = export_all(session, args.out, formats, args.dpi)
    except ExportError as error:
        parser.exit(1, f"unrolled export: error: {error}\n")
    for path in written:
        print(path)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unrolled", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME", help="open a preset (see --list-presets)")
    source.add_argument("--config", metavar="FILE", help="open a JSON config or preset file")
    source.add_argument("--session", metavar="FILE", help="open a saved session (File > Save session) at its step")
    parser.add_argument("--list-presets", action="store_true", help="list the presets, one line each, and exit")
    parser.add_argument("--screenshot", metavar="PNG", help="save a picture of the window, without showing it, and exit")
    parser.add_argument("--steps", type=int, default=None, metavar="N",
                        help="take N steps after opening (default: the preset's own)")
    parser.add_argument("--version", action="version", version=f"unrolled {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["export"]:
        return export_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_presets:
        for preset in list_presets():
            print(f"{preset.name:<26}{preset.description}")
        return 0
    if args.steps is not None and args.steps < 0:
        parser.exit(2, "unrolled: error: --steps: expected a whole number >= 0\n")
    from .session.files import SessionFileError, load_session
    from .session.stepper import Session

    try:
        if args.session:
            session, compare = load_session(args.session), {}
        else:
            if args.preset:
                preset = get_preset(args.preset)
            elif args.config:
                preset = load_file(args.config)
            else:
                preset = None
            config = preset.config if preset else Config()
            compare = preset.compare if preset else {}
            session = Session(config)
            session.advance(args.steps if args.steps is not None else preset.steps if preset else 0)
    except (ConfigError, SessionFileError) as error:
        parser.exit(2, f"unrolled: error: {error}\n")
    if args.session and args.steps:
        session.advance(args.steps)
    if args.screenshot:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from .ui.app import main as run_app

    return run_app(session, screenshot=args.screenshot, compare_changes=compare)


if __name__ == "__main__":
    sys.exit(main())
