"""The NumPy engine: recurrent cells stepped one timestep at a time, BPTT, losses,
initialisation, optimisers and tasks. Imports NumPy only."""

from .cells import CELLS, cell_class, register_cell, unregister_cell
from .functions import ACTIVATIONS
from .init import INITS, spectral_radius, with_spectral_radius
from .jacobians import JacobianNorms
from .losses import LOSSES
from .network import MODES, Network
from .optim import CLIPPING, OPTIMISERS, clip, make_optimiser
from .tasks import TASKS, get_task
from .traces import BackwardTrace, ForwardTrace

__all__ = [
    "ACTIVATIONS",
    "CELLS",
    "CLIPPING",
    "INITS",
    "LOSSES",
    "MODES",
    "OPTIMISERS",
    "TASKS",
    "BackwardTrace",
    "ForwardTrace",
    "JacobianNorms",
    "Network",
    "cell_class",
    "clip",
    "get_task",
    "make_optimiser",
    "register_cell",
    "spectral_radius",
    "unregister_cell",
    "with_spectral_radius",
]
