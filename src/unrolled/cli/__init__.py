"""The command line, one module per subcommand:

    unrolled [options]           app.py: open the window (or --list-presets, --screenshot, ...)
    unrolled export ...          export.py: every figure, headless
    unrolled gradcheck ...       gradcheck.py: the backward pass against finite differences

Lessons are options of the first two (`--list-lessons`, `--lesson`; lessons.py)."""

from __future__ import annotations

import argparse
import sys

from ..process import set_up_process
from . import app, export, gradcheck

COMMAND = "command"  # where argparse puts the subcommand's name (None without one)
SUBCOMMANDS = {"export": export, "gradcheck": gradcheck}  # name -> module with add_parser(), run()


def build_parsers() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """`unrolled`'s parser (the app's options, and the subcommands) and each subcommand's."""
    # exit_on_error=False: a word that names no subcommand is answered in _parse, below
    parser = app.build_parser(exit_on_error=False)
    # help suppressed: the app's description already lists the subcommands, each with its --help
    commands = parser.add_subparsers(dest=COMMAND, help=argparse.SUPPRESS)
    return parser, {name: module.add_parser(commands) for name, module in SUBCOMMANDS.items()}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    set_up_process()
    parser, subparsers = build_parsers()
    args = _parse(parser, subparsers, argv)
    command = getattr(args, COMMAND)
    try:
        if command is None:
            return app.run(args, parser)
        return SUBCOMMANDS[command].run(args, subparsers[command])
    except KeyboardInterrupt:  # Ctrl+C: one line; every file is written whole or not at all (session/atomic.py)
        prog = parser.prog if command is None else subparsers[command].prog
        print(f"\n{prog}: interrupted: no file is half-written", file=sys.stderr)
        return 130


def _parse(
    parser: argparse.ArgumentParser, subparsers: dict[str, argparse.ArgumentParser], argv: list[str]
) -> argparse.Namespace:
    """The parsed arguments, or exit 2 with argparse's usage and one error line, in the words
    of the parser the arguments belong to."""
    try:
        args, extras = parser.parse_known_args(argv)
    except argparse.ArgumentError as error:
        if error.argument_name == COMMAND:
            # a stray word where a subcommand could be (`unrolled vanishing-rnn`): the app's
            # parser alone names every argument it does not recognise, as without subcommands
            app.build_parser().parse_args(argv)
        parser.error(str(error))
    command = getattr(args, COMMAND)
    if command is not None and argv[0] != command:  # the app's options take no subcommand
        before = " ".join(argv[: argv.index(command)])
        parser.error(f"unrecognized arguments: {before} (before {command}; `unrolled {command} --help` "
                     f"lists its options)")
    if extras:  # after a subcommand's name, every argument is its own: so is the error
        (subparsers[command] if command is not None else parser).error(f"unrecognized arguments: {' '.join(extras)}")
    return args
