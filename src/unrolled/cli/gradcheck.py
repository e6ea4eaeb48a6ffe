"""`unrolled gradcheck`: the backward pass against central differences, per parameter."""

from __future__ import annotations

import argparse
import sys

from ..session.config import ConfigError
from . import own_model

DESCRIPTION = """\
Check the backward pass (BPTT) against central differences in float64, at the initial
weights of a preset or config (or the weights of a saved session) on its first batch: per
parameter, the largest relative error over a sample of its entries (all of them when few).
Exits 0 when every error is under 1e-6, 1 otherwise.

With --weights and --torch: the loss and every gradient of your own model computed again by
torch's autograd in float64 on the same weights and batch, and the largest relative
difference per parameter of the file; exits 0 when every one is under 1e-8."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """`unrolled gradcheck`'s parser, added to `commands` (what add_subparsers returned)."""
    parser = commands.add_parser("gradcheck", prog="unrolled gradcheck", description=DESCRIPTION)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--preset", metavar="NAME", help="a preset (see unrolled --list-presets)")
    source.add_argument("--config", metavar="FILE", help="a JSON config or preset file")
    source.add_argument("--session", metavar="FILE", help="a saved session, at its weights and batch")
    own_model.add_weights(source)
    parser.add_argument("--torch", action="store_true",
                        help="with --weights (or a config or session naming weights): compare with torch's "
                             "autograd rather than finite differences")
    parser.add_argument("--entries", type=int, default=None, metavar="N",
                        help="entries checked per parameter (default: 24; all when a parameter has fewer)")
    own_model.add_options(parser)
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from ..session.files import SessionFileError, load_session
    from ..session.gradcheck import ENTRIES, NotCheckable, check_gradients, report
    from ..session.presets import get_preset, load_file
    from ..session.stepper import Session
    from ..session.work import gradcheck_problem

    entries = ENTRIES if args.entries is None else args.entries
    if entries < 1:
        parser.exit(2, f"unrolled gradcheck: error: --entries: got {entries}, expected 1 or more\n")
    alone = own_model.misplaced(args)  # --torch goes with weights named by --weights, a config or a session
    if alone is not None:
        parser.exit(2, f"unrolled gradcheck: error: {alone}: goes with --weights FILE\n")
    try:
        if args.weights is not None:
            session = own_model.open_session(args)
        elif args.session is not None:
            session = load_session(args.session)
        else:
            preset = get_preset(args.preset) if args.preset is not None else load_file(args.config)
            session = Session(preset.config)
    except (ConfigError, SessionFileError, MemoryError, ValueError) as error:
        parser.exit(2, f"unrolled gradcheck: error: {error}\n")
    if args.torch:
        return own_model.check_against_torch(session, parser)
    problem = gradcheck_problem(session.config, entries)
    if problem:  # bounded before it starts, as any work a file asks for
        parser.exit(2, f"unrolled gradcheck: error: {problem}\n")
    try:
        checks = check_gradients(session, entries=entries)
    except NotCheckable as error:
        print(f"unrolled gradcheck: cannot check: {error}", file=sys.stderr)
        return 1
    print(report(checks))
    return 0 if all(c.passed for c in checks) else 1
