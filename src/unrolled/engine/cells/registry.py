"""The registry of cells: name -> cell class. Registering a class is all it takes to add a
cell; the network, the session's config and every view ask the registry for it.

    register_cell(MyCell)           # MyCell.name is its key
    cell_class("lstm").gate_names   # structure, without building a network
    make_cell("rnn", "relu")        # an instance, ready to step
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import overload

from .base import Cell

_REGISTRY: dict[str, type[Cell]] = {}


def register_cell(cls: type[Cell]) -> type[Cell]:
    """Add `cls` under `cls.name`, after checking that it declares its structure in full.
    Returns `cls`, so it also serves as a class decorator."""
    if not cls.name:
        raise ValueError(f"{cls.__name__}: a cell needs a name")
    if cls.name in _REGISTRY:
        raise ValueError(f"cell: {cls.name!r} is already registered")
    if "h" not in cls.state_names:
        raise ValueError(f"cell {cls.name}: every cell has a hidden state h")
    if cls.gate_names and cls.blocks != len(cls.gate_names):
        raise ValueError(f"cell {cls.name}: {len(cls.gate_names)} gates but {cls.blocks} blocks")
    for kind, names, declared in (
        ("state_descriptions", cls.state_names, cls.state_descriptions),
        ("gate_descriptions", cls.gate_names, cls.gate_descriptions),
        ("gate_ranges", cls.gate_names, cls.gate_ranges),
    ):
        if set(declared) != set(names):
            raise ValueError(f"cell {cls.name}: {kind} must cover exactly {', '.join(names) or 'nothing'}")
    if cls.forget_bias_param is not None and cls.forget_bias_param not in cls.param_shapes(1, 1):
        raise ValueError(f"cell {cls.name}: forget_bias_param {cls.forget_bias_param!r} is not a parameter")
    _REGISTRY[cls.name] = cls
    return cls


def unregister_cell(name: str) -> None:
    """Remove a registered cell (a test's own cell, say)."""
    cell_class(name)
    del _REGISTRY[name]


def cell_class(name: str) -> type[Cell]:
    """The class registered as `name`: its attributes are the cell's structure."""
    if name not in _REGISTRY:
        raise ValueError(f"cell: got {name!r}, expected one of {', '.join(_REGISTRY)}")
    return _REGISTRY[name]


def make_cell(name: str, activation: str = "tanh") -> Cell:
    """The cell named `name`; `activation` applies only to a cell that takes one."""
    cls = cell_class(name)
    build: Callable[..., Cell] = cls  # only a cell that takes an activation accepts one
    return build(activation) if cls.takes_activation else build()


class CellNames(Sequence[str]):
    """The registered names in the order they were registered. A live view: `CELLS`,
    imported anywhere, includes a cell registered after the import."""

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[str, ...]: ...
    def __getitem__(self, index):
        return tuple(_REGISTRY)[index]

    def __len__(self) -> int:
        return len(_REGISTRY)

    def __iter__(self) -> Iterator[str]:
        return iter(tuple(_REGISTRY))

    def __contains__(self, name: object) -> bool:
        return name in _REGISTRY

    def __repr__(self) -> str:
        return repr(tuple(_REGISTRY))


CELLS = CellNames()
