"""The NumPy engine: recurrent cells stepped one timestep at a time, BPTT, losses,
initialisation, optimisers and tasks. Imports NumPy only."""

from .cells import CELLS, cell_class, register_cell, unregister_cell
from .functions import ACTIVATIONS
from .init import INITS, spectral_radius, with_spectral_radius
from .jacobians import JacobianNorms
from .losses import LOSSES
from .network import MAX_LAYERS, MODES, Network
from .optim import CLIPPING, OPTIMISERS, clip, make_optimiser
from .stack import DIRECTION_NAMES
from .stack_traces import StackBackwardTrace, StackForwardTrace
from .tasks import TASKS, get_task
from .traces import BackwardTrace, ForwardTrace

__all__ = [
    "ACTIVATIONS",
    "CELLS",
    "CLIPPING",
    "DIRECTION_NAMES",
    "INITS",
    "LOSSES",
    "MAX_LAYERS",
    "MODES",
    "OPTIMISERS",
    "TASKS",
    "BackwardTrace",
    "ForwardTrace",
    "JacobianNorms",
    "Network",
    "StackBackwardTrace",
    "StackForwardTrace",
    "cell_class",
    "clip",
    "get_task",
    "make_optimiser",
    "register_cell",
    "spectral_radius",
    "unregister_cell",
    "with_spectral_radius",
]
