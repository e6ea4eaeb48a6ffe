"""Every field a lecturer can set: its label, its tooltip (the Model panel's) and its range
or choices, read by the config's validation (config.py) and the window's form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..engine import ACTIVATIONS, CELLS, CLIPPING, INITS, LOSSES, MAX_LAYERS, MODES, OPTIMISERS, TASKS, cell_class
from ..engine.cells import Cell


@dataclass(frozen=True)
class FieldSpec:
    label: str
    tooltip: str
    minimum: float = 0.0  # the range of a number; unused when there are choices
    maximum: float = 0.0
    choices: Sequence[str] | None = None
    text: bool = False  # free text (a typed sentence) rather than a number or a choice
    flag: bool = False  # true or false


def _one_of(names: list[str]) -> str:
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)


def _cells_sentence() -> str:
    """ "Vanilla RNN, LSTM (Hochreiter and Schmidhuber 1997) or GRU (Cho et al. 2014)." """
    cells = [cell_class(name) for name in CELLS]
    text = _one_of([c.title + (f" ({c.reference})" if c.reference else "") for c in cells])
    return text[:1].upper() + text[1:] + "."


def only_the(has: Callable[[type[Cell]], bool]) -> str:
    """ "only the LSTM": the titles of the cells for which has(cell class) is true."""
    return "only the " + _one_of([cell_class(name).title for name in CELLS if has(cell_class(name))])


FIELDS: dict[str, FieldSpec] = {
    "task": FieldSpec("Task", "What the network learns; it may fix F, C, the mode and the loss.", choices=tuple(TASKS)),
    "cell": FieldSpec("Cell", _cells_sentence(), choices=CELLS),
    "activation": FieldSpec("Activation", "The vanilla RNN's nonlinearity: h_t = act(x_t W1 + h_{t-1} U1 + b1).",
                            choices=ACTIVATIONS),
    "timesteps": FieldSpec("T (timesteps)", "Sequence length: how many times the cell is unrolled.", 1, 5000),
    "n_features": FieldSpec("F (features)", "Size of each input x_t.", 1, 4096),
    "n_hidden": FieldSpec("D (hidden units)", "Size of the hidden state h_t.", 1, 1024),
    "n_classes": FieldSpec("C (classes)", "Size of each output y_t.", 1, 4096),
    "layers": FieldSpec("Layers", "Recurrent layers stacked: layer l reads the hidden states of layer l - 1; "
                        "the readout reads the top layer (torch's num_layers).", 1, MAX_LAYERS),
    "bidirectional": FieldSpec("Bidirectional", "A second direction in every layer that reads the sequence "
                               "from t = T down to 1; a layer's output is both directions' h_t side by side.",
                               flag=True),
    "mode": FieldSpec("Mode", "many-to-many: an output at every step (POS tagging); "
                      "many-to-one: at the last step only (sentence classification).", choices=MODES),
    "loss": FieldSpec("Loss", "Softmax cross-entropy for classes, mean squared error for real targets.",
                      choices=LOSSES),
    "batch_size": FieldSpec("B (sequences)", "Sequences per batch; the seed uses B = 1.", 1, 512),
    "rho": FieldSpec("rho(U)", "Spectral radius of every recurrent matrix U at initialisation. "
                     "0 means orthogonal (all singular values 1). "
                     "Below 1 gradients tend to vanish, above 1 to explode.", 0.0, 10.0),
    "init": FieldSpec("Init of U", "How every recurrent U starts. "
                      "spectral-radius: a random U with spectral radius rho (rho = 0: orthogonal); "
                      "scaled-orthogonal: ρ × orthogonal, so σ_max(U) = ρ and the bound "
                      "(γ σ_max)ᵀ⁻ᵗ tracks the gradient; "
                      "identity: rho x I (rho = 0: I), with a ReLU the IRNN of Le, Jaitly and Hinton 2015.",
                      choices=INITS),
    "truncation": FieldSpec("Truncation k", "Truncated BPTT: each loss term's gradient flows back at most "
                            "k timesteps (dL_s/dh_t = 0 for t <= s - k). 0 = full BPTT.", 0, 5000),
    "carry_state": FieldSpec("Carry the state", "char-lm in one direction: train on consecutive windows of the "
                             "text, each starting from the previous window's final h (and c), as min-char-rnn "
                             "does; the gradient stops at the window's start. Off: every window starts from zeros.",
                             flag=True),
    "input": FieldSpec("Sentence", "A sentence typed from the word task's vocabulary, stepped through instead "
                       "of a sample: T follows its length, B = 1. Empty: samples from the task.", text=True),
    "text": FieldSpec("Text", "char-lm: a UTF-8 text file to learn from (in a config, relative to its folder); "
                      "empty: the standard library's docstrings.", text=True),
    "forget_bias": FieldSpec("Forget bias", "LSTM only: the forget gate's initial bias; 1 keeps memory from the start.",
                             -10.0, 10.0),
    "seed": FieldSpec("Seed", "Random seed for the weights and the sample.", 0, 2**31 - 1),
    "optimiser": FieldSpec("Optimiser", "SGD (with momentum), Adam or Adagrad (min-char-rnn's).", choices=OPTIMISERS),
    "learning_rate": FieldSpec("Learning rate", "Step size of the weight update.", 1e-6, 100.0),
    "momentum": FieldSpec("Momentum", "SGD only: heavy-ball momentum (0 = plain SGD).", 0.0, 0.999),
    "clipping": FieldSpec("Clipping", "none, norm (rescale all gradients when their global norm exceeds the "
                          "threshold; Pascanu et al. 2013) or value (clamp each element, as min-char-rnn).",
                          choices=CLIPPING),
    "clip_threshold": FieldSpec("Clip threshold", "The norm or value limit for clipping.", 1e-6, 1e6),
}
