"""Argument checks that raise ValueError naming the argument, what was given and what is expected."""

from __future__ import annotations

import numbers


def check_size(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{name}: got {value!r}, expected a whole number >= 1")
    return int(value)


def check_choice(name: str, value, choices) -> str:
    if value not in choices:
        raise ValueError(f"{name}: got {value!r}, expected one of {', '.join(choices)}")
    return value
