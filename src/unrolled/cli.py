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
step: Right steps, Left steps back, Space plays, F1 lists every shortcut."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="unrolled", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--preset", metavar="NAME", help="open a preset (see --list-presets)")
    source.add_argument("--config", metavar="FILE", help="open a JSON config or preset file")
    parser.add_argument("--list-presets", action="store_true", help="list the presets, one line each, and exit")
    parser.add_argument("--screenshot", metavar="PNG", help="save a picture of the window, without showing it, and exit")
    parser.add_argument("--steps", type=int, default=None, metavar="N",
                        help="take N steps after opening (default: the preset's own)")
    parser.add_argument("--version", action="version", version=f"unrolled {__version__}")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.list_presets:
        for preset in list_presets():
            print(f"{preset.name:<26}{preset.description}")
        return 0
    try:
        if args.preset:
            preset = get_preset(args.preset)
            config, steps = preset.config, preset.steps
        elif args.config:
            preset = load_file(args.config)
            config, steps = preset.config, preset.steps
        else:
            config, steps = Config(), 0
    except ConfigError as error:
        parser.exit(2, f"unrolled: error: {error}\n")
    if args.steps is not None:
        if args.steps < 0:
            parser.exit(2, "unrolled: error: --steps: expected a whole number >= 0\n")
        steps = args.steps
    if args.screenshot:
        import os

        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from .session.stepper import Session
    from .ui.app import main as run_app

    session = Session(config)
    session.advance(steps)
    return run_app(session, screenshot=args.screenshot)


if __name__ == "__main__":
    sys.exit(main())
