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


def check_whole(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= int(value) <= high:
        raise ValueError(f"{name}: got {value!r}, expected a whole number from {low} to {high}")
    return int(value)


def check_flag(name: str, value) -> bool:
    if value is not True and value is not False and type(value).__name__ != "bool_":  # numpy's bool too
        raise ValueError(f"{name}: got {value!r}, expected True or False")
    return bool(value)
