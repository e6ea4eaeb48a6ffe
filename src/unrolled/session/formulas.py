"""The equations behind every plot and every step, in the seed's notation (row vectors,
x_t [1, F], h_t [1, D], W1 [F, D], U1 [D, D], W2 [D, C]). One place: the step inspector
writes them beside their values, the figure registry gives each figure its formula, and the
plots use them as tooltips (`GRADIENT_PER_STEP`, `gate_formula`). No Qt."""

from __future__ import annotations

from ..engine import cell_class

# the lecture (the seed) calls the LSTM's forget gate "reset" and its candidate "proposal"
SEED_NAMES = {"lstm": {"i": "input", "f": "reset", "g": "proposal", "o": "output"}}

# the elementwise (Hadamard) product, as the lecture writes it
ODOT = "⊙"
# the exponent T - t of the theory line, as a superscript (a caret read as code on a slide);
# DejaVu Sans, the figures' font, has these three characters
TO_THE_STEPS_BACK = "ᵀ⁻ᵗ"

# cell -> the equations that turn the gates into the new state
STATE_UPDATES = {
    "rnn": ("h_t = act(a_t)",),
    "lstm": ("c_t = f ⊙ c_{t-1} + i ⊙ g", "h_t = o ⊙ tanh(c_t)"),
    "gru": ("h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}",),
}

READOUT = "y_t = h_t W2 + b2"
SOFTMAX = "p_t = softmax(y_t)"

# the formulas of the figures (see figure_registry) and of the plots that draw them, shown
# as tooltips on the plot titles
UNROLLED_RECURRENCE = ("h_t = act(x_t W1 + h_{t-1} U1 + b1),  y_t = h_t W2 + b2: "
                       "the same W1, U1, W2 at every t")
HIDDEN_STATES = "h_t = act(x_t W1 + h_{t-1} U1 + b1), one column per timestep t, one row per unit"
CELL_STATES = "c_t = f ⊙ c_{t-1} + i ⊙ g (LSTM), one column per timestep"
GATES = "gate = sigmoid or tanh(x_t W_gate + h_{t-1} U_gate + b_gate), one column per timestep, one row per unit"
GRADIENT_PER_STEP = ("||dL/dh_t|| = ||dL/dy_t W2^T + dL/dh_{t+1} diag(act'(a_{t+1})) U1^T||; "
                     "||dL_T/dh_t||: the last step's loss alone")
DEPTH_TIME_GRADIENTS = ("log10 ||dL/dh_t^(l,d)|| of layer l, direction d: the gradient fading back in time "
                        "(across) and down the layers (down), h_t^(l-1) the input of layer l")
LOSS = "L = mean over the targets of -log p_t[target] (cross-entropy) or of (y_t - target)^2 (MSE)"
ITEMIZED_GRADIENTS = ("||dL_k/dh_t||: how far back the loss term at step k reaches, "
                      "dL_k/dh_t = dL_k/dy_k W2^T prod_{s=t+1..k} dh_s/dh_{s-1}")
CONNECTIVITY = ("||dy_k/dx_t||_F: how strongly the input at t drives the prediction at k (the logits "
                "before the softmax), dy_k/dx_t = W2^T prod_{s=t+1..k} dh_s/dh_{s-1} dh_t/dx_t")
UNIT_ACTIVATIONS = ("the text coloured by one unit's h_t (c_t for the LSTM), character by character; units ranked "
                    "by |r|, Pearson's correlation of a unit's activation with a property of the text")
TRAINING_LOSS = "the loss of each training iteration, each on a fresh batch"
CLIP_NORMS = "||g|| = sqrt(sum of every squared parameter gradient), before and after clipping"
ACCURACY = "the fraction of targets whose class has the largest y"


def gate_name(cell: str, gate: str) -> str:
    """"forget gate (the lecture's 'reset')": the cell's own name, and the lecture's where it
    differs (not "the seed's": beside "New seed" that read as the random seed)."""
    description = cell_class(cell).gate_descriptions[gate]
    seed = SEED_NAMES.get(cell, {}).get(gate)
    if seed is None or "seed" in description or description.startswith(seed):
        return description
    return f"{description} (the lecture's '{seed}')"


def gate_activation(cell: str, gate: str) -> str:
    """sigmoid for a gate in (0, 1), tanh for one in (-1, 1)."""
    low, _ = cell_class(cell).gate_ranges[gate]
    return "sigmoid" if low >= 0 else "tanh"


def gate_formula(cell: str, gate: str) -> str:
    """'f = sigmoid(x_t W_f + h_{t-1} U_f + b_f)'; the GRU's candidate has its reset inside."""
    act = gate_activation(cell, gate)
    if cell == "gru" and gate == "n":
        return "n = tanh(x_t W_n + b_n + r ⊙ (h_{t-1} U_n + c_n))"
    return f"{gate} = {act}(x_t W_{gate} + h_{{t-1}} U_{gate} + b_{gate})"


def pre_activation_formula(cell: str) -> str:
    if cell == "rnn":
        return "a_t = x_t W1 + h_{t-1} U1 + b1"
    return "a_t = x_t W + h_{t-1} U + b"


SHAPES = "[1, F] [F, D] + [1, D] [D, D] + [1, D]"
