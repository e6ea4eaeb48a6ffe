"""What the subcommands say alike when they refuse their arguments."""

from __future__ import annotations

import argparse
from collections.abc import Iterable


def build_failure(error: Exception) -> str:
    """Why a network of the asked sizes could not be built or stepped."""
    if isinstance(error, MemoryError):
        detail = f" ({error})" if str(error) else ""
        return f"not enough memory for these sizes{detail}: choose a smaller T, D, F, C or B"
    return str(error)


def empty_option(args: argparse.Namespace, options: Iterable[str]) -> str | None:
    """The first of `options` given as an empty or blank name, or None."""
    for option in options:
        value = getattr(args, option)
        if value is not None and not value.strip():
            return option
    return None
