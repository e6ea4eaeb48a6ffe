import numpy as np

from unrolled.engine import Network


def make_batch(net: Network, B=2, T=4, seed=1, target="indices"):
    """Random X (B, T, F) and targets Y of the requested form for `net`."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((B, T, net.n_features))
    lead = (B, T) if net.mode == "many-to-many" else (B,)
    C = net.n_classes
    if target == "indices":
        Y = rng.integers(0, C, size=lead)
    elif target == "one-hot":
        Y = np.eye(C)[rng.integers(0, C, size=lead)]
    elif target == "real":
        Y = rng.standard_normal((*lead, C))
    else:
        raise AssertionError(target)
    return X, Y
