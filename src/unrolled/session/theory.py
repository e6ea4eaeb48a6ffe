"""The theory of vanishing and exploding gradients, computed for the session's network.

dL/dh_t = dL/dh_T * prod_{s=t+1..T} dh_s/dh_{s-1}. For the vanilla RNN each factor is
diag(act'(a_s)) U^T, so ||dh_T/dh_t|| <= (gamma sigma_max(U))^(T-t), with gamma the largest
slope of the activation: 1 for tanh, 1/4 for the sigmoid (Pascanu, Mikolov and Bengio 2013,
eq. 7). sigma_max < 1/gamma is sufficient for vanishing; rho(U) > 1 is necessary for
exploding. For the LSTM the product of forget gates along the cell path is shown beside it.
In a stack each (layer, direction) has its own U and its own product along time; the
reverse direction's runs from t = T down to 1, so its product is ||dh_1/dh_t||, t - 1 steps
back. No Qt; `compute_theory` works on a snapshot, so it may run in a worker thread.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np

from ..engine import Network, spectral_radius
from ..engine.functions import ACTIVATION_SLOPE_BOUND
from ..engine.jacobians import rnn_step_bound
from ..engine.stack import suffix
from ..engine.stack_traces import Key
from .formulas import TO_THE_STEPS_BACK


@dataclass
class Spectrum:
    name: str  # which recurrent matrix, e.g. "U1" or "U_f"
    eigenvalues: np.ndarray  # (D,) complex
    spectral_radius: float  # max |eigenvalue|
    sigma_max: float  # largest singular value


@dataclass
class TheoryResult:
    spectra: list[Spectrum]  # the chosen layer's recurrent matrices
    steps_back: np.ndarray  # (T,) steps back from the direction's last step: T - t forward, t - 1 reverse
    log10_product: np.ndarray  # (T,) log10 ||dh_T/dh_t|| (reverse: ||dh_1/dh_t||), in that order
    log10_bound: np.ndarray | None  # (T,) log10 of the theory line (see theory_rate); vanilla RNN only
    bound_label: str | None
    gamma: float | None
    forget_product: np.ndarray | None  # (T,) LSTM: max over units of prod f along the cell path
    exact: bool
    layer: Key = (0, 0)  # (layer from 0, direction 0 forward or 1 reverse)

    @property
    def steps_back_name(self) -> str:
        """What the x axis counts: "T - t", or "t - 1" in a reverse direction."""
        return "t - 1" if self.layer[1] else "T - t"

    @property
    def product_name(self) -> str:
        return "||dh_1/dh_t||" if self.layer[1] else "||dh_T/dh_t||"


GRADIENT_VERDICT_LIMITS = (1e-2, 1e2)  # ratio ||dL/dh_1|| / ||dL/dh_T|| outside: vanish / explode
STABLE_WITHIN = 2.0  # a ratio between 1/2 and 2 is stable; beyond, shrinking or growing


def gradient_verdict(ratio: float) -> str:
    if not np.isfinite(ratio):
        return "overflow"
    low, high = GRADIENT_VERDICT_LIMITS
    if ratio < low:
        return "vanishing"
    if ratio > high:
        return "exploding"
    # within the limits, a ratio of 12.8 is not "stable": it grows, only not yet by 100x
    if ratio > STABLE_WITHIN:
        return "growing"
    if ratio < 1 / STABLE_WITHIN:
        return "shrinking"
    return "stable"


def theory_rate(U: np.ndarray, activation: str) -> tuple[float, str]:
    """The per-step factor of the vanilla RNN's theory line and its label: rho(U) for the
    linear RNN, whose gradient then decays exactly as rho^(T-t) when U is normal; the bound
    gamma sigma_max(U) for the others (Pascanu, Mikolov and Bengio 2013, eq. 7)."""
    if activation == "linear":
        rho = spectral_radius(U)
        return rho, f"ρ{TO_THE_STEPS_BACK}, ρ(U) = {rho:.3g}"
    base = rnn_step_bound(U, activation)
    return base, f"bound (γ σ_max(U)){TO_THE_STEPS_BACK}, γ σ_max = {base:.3g}"


class TheoryRates:
    """theory_rate of an iteration's U, computed once per U, not per frame: an eigen- or
    singular-value problem (the cache holds U itself, so a new iteration's U can never
    match a stale entry)."""

    def __init__(self) -> None:
        self._cached: tuple[np.ndarray, str, float, str] | None = None

    def rate(self, U: np.ndarray, activation: str) -> tuple[float, str]:
        cached = self._cached
        if cached is None or cached[0] is not U or cached[1] != activation:
            self._cached = cached = (U, activation, *theory_rate(U, activation))
        return cached[2], cached[3]


def spectrum(name: str, U: np.ndarray) -> Spectrum:
    eigenvalues = np.linalg.eigvals(U)
    return Spectrum(name, eigenvalues, float(np.max(np.abs(eigenvalues))), float(np.linalg.norm(U, 2)))


def snapshot(net: Network, X: np.ndarray, activation: str) -> tuple[Network, np.ndarray, str]:
    """A session's network and batch, safe to use while it goes on: the network copied
    with its weight arrays shared, not copied (nothing writes into a weight array: an update
    puts new ones in, engine/optim.py), which at D = 1024 saves 32 MB and a copy on the GUI
    thread at every recomputation; the batch copied."""
    copied = copy.copy(net)
    copied.params = dict(net.params)
    return copied, X.copy(), activation


def layer_matrices(net: Network, layer: Key = (0, 0)) -> tuple[str, ...]:
    """The recurrent matrices of (layer, direction), by their parameter names: U1, or
    U_i_l1_reverse ... for an LSTM's layer 2 reverse."""
    return tuple(name + suffix(*layer) for name in net.cell.recurrent_param_names())


def compute_theory(net: Network, X: np.ndarray, activation: str, layer: Key = (0, 0)) -> TheoryResult:
    """Everything the theory panel draws of (layer, direction), for sequence 1 of X (a full
    forward pass); the arrays in that direction's own order, the last step's first from the end."""
    if layer[0] >= net.layers or layer[1] >= net.directions or min(layer) < 0:
        raise ValueError(f"layer: got {layer!r}, expected a layer from 1 to {net.layers} "
                         f"and {'forward or reverse' if net.directions > 1 else 'forward'}")
    fwd = net.forward(X)
    norms = net.jacobian_norms(fwd, sequence=0, layer=layer)
    T = fwd.T
    steps_back = T - np.arange(1, T + 1)
    names = layer_matrices(net, layer)
    spectra = [spectrum(name, net.params[name]) for name in names]
    bound = gamma = label = None
    if net.cell_name == "rnn":
        gamma = ACTIVATION_SLOPE_BOUND[activation]
        base, label = theory_rate(net.params[names[0]], activation)
        with np.errstate(divide="ignore"):
            bound = steps_back * np.log10(base)
    return TheoryResult(spectra, steps_back, norms.log10_product, bound, label, gamma, norms.forget_product,
                        norms.exact, layer)
