"""`--text FILE` on `unrolled` and `unrolled export`: alone, the preset char-rnn on the text;
beside --preset or --config, that preset's network on the text (`text_preset`)."""

from __future__ import annotations

import argparse

from ..session.presets import Preset, get_preset, load_file
from ..session.text_preset import text_preset


def text_source(args: argparse.Namespace) -> Preset:
    """The preset of --preset / --config, on the --text file when one is given; ConfigError
    (one line naming the file) when either cannot be used."""
    base = get_preset(args.preset) if args.preset is not None else (
        load_file(args.config) if args.config is not None else None)
    if args.text is None:
        assert base is not None  # the caller asks for one of them
        return base
    return text_preset(args.text, base)


def text_refusal(args: argparse.Namespace, others: tuple[str, ...]) -> str | None:
    """One line when --text is given beside an option it cannot go with (a lesson, weights,
    a saved session: each fixes its own network and data), else None."""
    if args.text is None:
        return None
    for name in others:
        if getattr(args, name, None) is not None:
            return f"--text: goes alone or with --preset or --config, not with --{name} (which fixes its own data)"
    return None
