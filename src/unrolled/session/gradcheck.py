"""A gradient check anyone can run: the backward pass of the session's network, at its
current weights and on its current batch, against central differences in float64. The
check runs on a copy of the network, so the session is untouched. No Qt."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from ..engine.gradcheck import sampled_gradient_check
from .stepper import Session

TOLERANCE = 1e-6  # float64 central differences agree with an exact gradient far below this
ENTRIES = 24  # entries checked per parameter (all when it has fewer)


@dataclass(frozen=True)
class ParameterCheck:
    name: str
    error: float  # the largest relative error over the entries checked
    checked: int
    entries: int

    @property
    def passed(self) -> bool:
        return self.error < TOLERANCE  # NaN fails


def snapshot(session: Session) -> tuple:
    """(network, X, Y) copies: what a check in a worker thread needs, the session untouched."""
    return copy.deepcopy(session.net), session.X.copy(), np.array(session.Y, copy=True)


class NotCheckable(ValueError):
    """The model has blown up: finite differences of inf, nan or 1e100 say nothing."""


LARGEST_CHECKABLE = 1e8  # |h| beyond this: a step of 1e-5 in a weight is lost in rounding


def check_snapshot(snap: tuple, entries: int = ENTRIES, seed: int = 0) -> list[ParameterCheck]:
    """Raises NotCheckable when the weights, the hidden states or the loss are not finite
    or have exploded: a check would report failures of the arithmetic, not of BPTT."""
    net, X, Y = snap
    with np.errstate(all="ignore"):
        fwd = net.forward(X)
        loss = net.loss(fwd, Y)
        largest = max((float(np.max(np.abs(v))) for v in net.params.values()), default=0.0)
        states = float(np.max(np.abs(fwd.h)))
    if not (np.isfinite(largest) and np.isfinite(states) and np.isfinite(loss)) or states > LARGEST_CHECKABLE:
        raise NotCheckable(f"the model has blown up (largest |h_t| {states:.3g}, loss {loss:.3g}): finite "
                           "differences cannot check it. Reset (R) or lower rho(U), then check again.")
    errors = sampled_gradient_check(net, X, Y, entries=entries, seed=seed)
    return [ParameterCheck(name, error, checked, total) for name, (error, checked, total) in errors.items()]


def check_gradients(session: Session, entries: int = ENTRIES, seed: int = 0) -> list[ParameterCheck]:
    """One row per parameter, in the network's order."""
    return check_snapshot(snapshot(session), entries, seed)


def report(checks: list[ParameterCheck]) -> str:
    """A table as plain text, and the verdict."""
    width = max([10, *(len(c.name) + 1 for c in checks)])  # a stack's names: W_i_l0_reverse
    lines = [f"{'parameter':<{width}}{'entries':>12}  {'largest relative error':>22}  result"]
    for c in checks:
        checked = f"{c.checked} of {c.entries}"
        lines.append(f"{c.name:<{width}}{checked:>12}  {c.error:>22.3e}  {'ok' if c.passed else 'FAILED'}")
    passed = all(c.passed for c in checks)
    lines.append(f"{'every error is under' if passed else 'some error is not under'} {TOLERANCE:g}: "
                 + ("the backward pass is the exact derivative" if passed else "the gradient is wrong"))
    return "\n".join(lines)
