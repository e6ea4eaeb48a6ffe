"""The options of a user's own model, alike on `unrolled`, `unrolled export` and `unrolled
gradcheck`: --weights FILE (with --data, --sample, --batch, --rnn, --readout, --embedding,
--activation, --loss, --mode, --vocab), and the session they open (session/own_model.py)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a model is opened
    from ..session.stepper import Session

WEIGHTS_HELP = ("a trained PyTorch model's weights: a state dict in .pt/.pth (read with torch's weights_only "
                "loader; nothing in it is run), .safetensors or .npz, holding an nn.RNN/LSTM/GRU, an nn.Linear "
                "readout and optionally an nn.Embedding before it, under any prefix")
# the options that mean something only with --weights
WITH_WEIGHTS = ("data", "sample", "batch", "rnn", "readout", "embedding", "activation", "loss", "mode", "vocab")


def add_weights(source: argparse._MutuallyExclusiveGroup) -> None:
    """--weights, beside the other sources (--preset, --config, ...) of a command."""
    source.add_argument("--weights", metavar="FILE", help=WEIGHTS_HELP)


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options that go with --weights."""
    group = parser.add_argument_group("your own model (with --weights)")
    group.add_argument("--data", metavar="FILE",
                       help="your sequences: .npz with X [N, T, F] floats (or [N, T] token ids for a model with an "
                            "embedding) and optionally Y ([N, T] or [N] integer classes: cross-entropy; [N, T, C] "
                            "or [N, C] floats: MSE), .npy (X only) or .csv (sample,t,x0..x{F-1}[,y]); without it a "
                            "random input; without Y the targets are the model's own predictions")
    group.add_argument("--sample", type=int, metavar="K", help="step through sample K of the data (default: 0)")
    group.add_argument("--batch", type=int, metavar="N", help="the first N samples of the data as one batch")
    group.add_argument("--rnn", metavar="PREFIX", help="the recurrent module, when the weights hold several")
    group.add_argument("--readout", metavar="PREFIX", help="the nn.Linear readout, when several could be")
    group.add_argument("--embedding", metavar="PREFIX", help="the nn.Embedding, when several could be")
    group.add_argument("--activation", choices=("tanh", "relu"), default=None,
                       help="an nn.RNN's nonlinearity, which its weights do not tell (default: tanh)")
    group.add_argument("--loss", choices=("cross-entropy", "mse"),
                       help="the loss, when the data has no Y to tell it (Y's dtype fixes it otherwise; "
                            "default: cross-entropy)")
    group.add_argument("--mode", choices=("many-to-many", "many-to-one"),
                       help="many-to-one reads the top layer's output at t = T (output[:, -1]), when the data "
                            "has no Y to tell it (Y's shape fixes it otherwise; default: many-to-many)")
    group.add_argument("--vocab", metavar="FILE", help="a token a line: token ids shown as these words")


def misplaced(args: argparse.Namespace) -> str | None:
    """The first own-model option given without --weights, or None."""
    if getattr(args, "weights", None) is not None:
        return None
    return next((f"--{name}" for name in WITH_WEIGHTS if getattr(args, name, None) is not None), None)


def open_session(args: argparse.Namespace) -> Session:
    """The session on --weights and --data; WeightsError, DataError or ValueError in one line."""
    from ..session.stepper import Session

    if args.sample is not None and args.batch is not None:
        raise ValueError("--sample and --batch: choose one")
    chosen = {name: getattr(args, name) for name in ("loss", "mode") if getattr(args, name, None) is not None}
    return Session.from_torch(args.weights, args.data, rnn=args.rnn, readout=args.readout,
                              embedding=args.embedding, activation=args.activation or "tanh",
                              sample=args.sample, batch=args.batch, vocab=args.vocab, **chosen)


def check_against_torch(session: Session, parser: argparse.ArgumentParser) -> int:
    """`gradcheck --torch`: the report on stdout; 0 when it passes, 1 when not, 2 when it
    cannot be checked (torch missing, say), in one line."""
    from ..session.torch_check import NotComparable, check_against_torch, report

    try:
        check = check_against_torch(session)
    except NotComparable as error:
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    print(report(check))
    return 0 if check.passed else 1
