"""`unrolled export`: every figure of a preset or config written headless, or a lesson's
handout (lessons.py)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from ..engine.quoting import quoted
from ..session.config import ConfigError
from ..session.figure_registry import FIGURES, SESSION_FIGURES, drawn_only_for, exported_figures
from ..session.figure_size import HELP as SIZE_HELP, FigureSize, SizeError, check_pixels, parse_size
from ..session.presets import Preset
from . import own_model
from .html import HTML, asks_html, export_deck, replay_file_name, write_replay_file
from .messages import build_failure, empty_option
from .text_option import text_refusal, text_source

if TYPE_CHECKING:  # imported when an export runs: Qt is loaded only then
    from ..session.stepper import Session
    from ..session.training import Trainer

MAX_ITERATIONS = 100_000  # training iterations before a headless export

DESCRIPTION = f"""\
Write every figure of a preset or config, or those named with --figure, without showing a
window ({", ".join(SESSION_FIGURES)}; {drawn_only_for()}), each in every requested format.
Runs the training iterations asked for, then the forward and backward pass of one more,
stopped before its update: trace.npz's traces, loss and gradients are that pass's (the
gradients before clipping; with truncation, of the truncated objective), and trace.npz
and weights.safetensors hold the weights it used.

safetensors writes weights.safetensors: the weights under torch's state-dict names, which
rnn = torch.nn.RNN/LSTM/GRU(F, D, batch_first=True) and fc = torch.nn.Linear(D, C) load
with load_state_dict(..., strict=True). torch.nn.RNN has no sigmoid or linear
nonlinearity: for such a network, asking for safetensors exits 2 before anything is
written, whatever else was asked for (npz then holds no grad/ arrays).

With --weights FILE (your own PyTorch model, on --data or a random input): safetensors
writes the weights under the file's own names, which your model loads with
load_state_dict(..., strict=True), and trace.npz holds grad/<the file's key>."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    """`unrolled export`'s parser, added to `commands` (what add_subparsers returned)."""
    parser = commands.add_parser("export", prog="unrolled export", description=DESCRIPTION)
    source = parser.add_mutually_exclusive_group()  # one of them, or --text (with --preset or --config)
    source.add_argument("--preset", metavar="NAME", help="a preset (see unrolled --list-presets)")
    source.add_argument("--config", metavar="FILE", help="a JSON config or preset file")
    parser.add_argument("--text", metavar="FILE", help="the preset char-rnn learning from a UTF-8 text file "
                        "(writes samples.txt: text the network generates at the end); with --preset or "
                        "--config, that network on the text, as the task char-lm")
    source.add_argument("--lesson", metavar="NAME",  # lessons: see lessons.py
                        help="a lesson's handout: NAME.pdf (a title page, a page per stop) and a PNG per stop")
    own_model.add_weights(source)
    parser.add_argument("--out", metavar="DIR", required=True, help="the folder to write into (created if needed)")
    parser.add_argument("--format", default="png", metavar="LIST",
                        help="comma-separated: png, svg, pdf, csv (with predictions.csv), "
                             "npz (trace.npz: X, Y, the weights, the traces, loss and, for a cell torch has, "
                             "grad/<torch name>), safetensors (weights.safetensors in torch's layout; "
                             "rnn with tanh or relu, lstm, gru), html (NAME.html after the preset or file: every step "
                             "of the iteration as one offline page; with --lesson, the lesson's deck NAME.html) "
                             "(default: png)")
    parser.add_argument("--figure", metavar="LIST", default=None,
                        help="comma-separated: only these figures (default: every one); trace.npz, "
                             "weights.safetensors and predictions.csv follow --format")
    parser.add_argument("--dpi", type=int, default=300, help="PNG resolution, 30 to 1200 (default: 300)")
    parser.add_argument("--size", metavar="SIZE", default=None, help=SIZE_HELP)
    parser.add_argument("--iterations", type=int, default=None, metavar="N",
                        help="training iterations to run first, adding the training figures (loss, gradient "
                             "norm before and after clipping, accuracy) (default: the preset's "
                             "export_iterations, else 0)")
    own_model.add_options(parser)
    return parser


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    refusal = text_refusal(args, ("lesson", "weights"))
    if refusal is not None:
        _refuse(parser, refusal)
    if not any(getattr(args, name) is not None for name in ("preset", "config", "text", "lesson", "weights")):
        _refuse(parser, "one of the arguments --preset --config --text --lesson --weights is required")
    if args.lesson is not None:  # lessons: a handout, not figures
        if asks_html(args):
            return export_deck(args, parser)
        if args.size is not None:
            _refuse(parser, "--size: a handout's pages have their own size; leave --size out")
        from .lessons import export_handout

        return export_handout(args, parser)
    formats, size, preset = _checked(args, parser)
    iterations = args.iterations if args.iterations is not None else (
        min(preset.export_iterations, MAX_ITERATIONS) if preset is not None else 0)
    os.environ["QT_QPA_PLATFORM"] = "offscreen"  # no window, with or without a display
    session = _session_for(preset, formats, args, parser)
    trainer = _trained(session, iterations, parser)
    if HTML in formats:
        accuracy = [step.accuracy for step in trainer.steps]
        try:
            print(write_replay_file(args.out, replay_file_name(args), session, *_replay_title(preset, args), accuracy))
        except OSError as error:
            _refuse(parser, f"cannot write {args.out}: {error.strerror or error}", status=1)
        formats = [f for f in formats if f != HTML]
        if not formats:  # the text the network generates, as the other formats write it
            for path in _samples(session, args.out, parser):
                print(path)
            return 0
    return _write(session, trainer, args, formats, size, parser)


def _replay_title(preset: Preset | None, args: argparse.Namespace) -> tuple[str, str]:
    """The replay's title and description: the preset's (a --text preset's too), or for
    --weights the file's name and where the sequences came from."""
    if preset is not None:
        text = f": {Path(args.text).name}" if args.text is not None else ""
        return preset.name + text, preset.description
    data = f" on {Path(args.data).name}" if args.data is not None else ""
    # the recording adds where the input and the targets come from (OwnModel.notes)
    return Path(args.weights).stem, f"Your own model: the weights of {Path(args.weights).name}{data}."


def _refuse(parser: argparse.ArgumentParser, message: str, status: int = 2) -> NoReturn:
    parser.exit(status, f"unrolled export: error: {message}\n")


def _checked(args: argparse.Namespace, parser: argparse.ArgumentParser
             ) -> tuple[list[str], FigureSize | None, Preset | None]:
    """(the formats, the --size, the preset: None with --weights), each checked; exits 2 with
    one line otherwise. Nothing is built or written before these pass."""

    empty = empty_option(args, ("preset", "config", "text", "out", "weights", "data"))
    if empty is not None:
        _refuse(parser, f"--{empty}: got an empty name")
    alone = own_model.misplaced(args)
    if alone is not None:
        _refuse(parser, f"{alone}: goes with --weights FILE")
    formats = _formats(args, parser)
    if not 30 <= args.dpi <= 1200:
        _refuse(parser, f"--dpi: got {args.dpi}, expected 30 to 1200")
    size = _size_or_exit(parser, args.size, args.dpi if "png" in formats else None)
    if args.iterations is not None and not 0 <= args.iterations <= MAX_ITERATIONS:
        _refuse(parser, f"--iterations: got {args.iterations}, expected 0 to {MAX_ITERATIONS}")
    if args.weights is not None:
        return formats, size, None
    try:
        preset = text_source(args)
    except ConfigError as error:
        _refuse(parser, str(error))
    return formats, size, preset


def _formats(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[str]:
    """--format's list checked, and --figure's names made a list; exits 2 with one line."""
    from ..ui.export.writers import FORMATS

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if not formats or any(f not in (*FORMATS, HTML) for f in formats):
        _refuse(parser, f"--format: got {quoted(args.format)}, expected a list of {', '.join((*FORMATS, HTML))}")
    if args.figure is not None:
        names = [n.strip() for n in args.figure.split(",") if n.strip()]
        if not names or any(n not in FIGURES for n in names):
            _refuse(parser, f"--figure: got {quoted(args.figure)}, expected a list of {', '.join(FIGURES)}")
        args.figure = names
    return formats


def _size_or_exit(parser: argparse.ArgumentParser, text: str | None, png_dpi: int | None) -> FigureSize | None:
    """--size parsed, and checked against every figure's PNG size; exits 2 with one line."""
    if text is None:
        return None
    try:
        size = parse_size(text)
        if png_dpi is not None:
            for spec in FIGURES.values():
                check_pixels(size.inches(spec.inches), png_dpi)
    except SizeError as error:
        _refuse(parser, f"--size: {error}")
    return size


def _session_for(preset: Preset | None, formats: list[str], args: argparse.Namespace,
                 parser: argparse.ArgumentParser) -> Session:
    """The preset's session (or the --weights model's), once it is known that what was asked
    can be written; before the folder is made, so a refusal leaves nothing behind."""
    from ..session.stepper import Session
    from ..session.torch_files import torch_refusal
    from ..ui.export.writers import ExportError, check_writable_folder

    try:
        # sizes beyond memory are refused before the folder is made
        session = Session(preset.config) if preset is not None else own_model.open_session(args)
    except (MemoryError, ValueError) as error:
        _refuse(parser, build_failure(error))
    for name in args.figure or ():
        spec = FIGURES[name]
        if not spec.has(session):
            _refuse(parser, f"--figure: {name} is drawn only for {spec.drawn_for}")
    if "safetensors" in formats:
        refusal = torch_refusal(session)
        if refusal is not None:
            _refuse(parser, f"--format safetensors: {refusal}")
    try:
        check_writable_folder(args.out)
    except ExportError as error:
        _refuse(parser, str(error))
    return session


def _trained(session: Session, iterations: int, parser: argparse.ArgumentParser) -> Trainer:
    """The Training panel's loop run `iterations` times (fresh batches, clipping, accuracy),
    then one more iteration's forward and backward pass, stopped before its update."""
    from ..session.char_samples import is_char_lm, train_with_samples
    from ..session.training import Diverged, Trainer

    try:
        trainer = Trainer(session)
        try:
            if is_char_lm(session) and iterations:  # a sample of text and bits per character as it learns
                train_with_samples(trainer, iterations, lambda line: print(f"unrolled export: {line}", file=sys.stderr))
            else:
                trainer.train(iterations)
        except Diverged as diverged:  # the figures show the run up to there
            print(f"unrolled export: {diverged}", file=sys.stderr)
        session.advance(session.steps_to("iteration") - 1)
    except (MemoryError, ValueError) as error:
        _refuse(parser, build_failure(error))
    return trainer


def _write(session: Session, trainer: Trainer, args: argparse.Namespace, formats: list[str],
           size: FigureSize | None, parser: argparse.ArgumentParser) -> int:
    """Every figure written, one path a line on stdout; what does not fit, on stderr."""
    from ..ui.app import make_application, quiet_qt_noise
    from ..ui.export.writers import ExportError, export_all

    quiet_qt_noise()
    make_application()
    too_small: list[str] = []
    try:
        written = export_all(session, args.out, formats, args.dpi, steps=trainer.steps, size=size,
                             too_small=too_small, names=args.figure)
    except ExportError as error:
        _refuse(parser, str(error), status=1)
    written += _samples(session, args.out, parser)
    for path in written:
        print(path)
    for message in too_small:  # the others are written: a column holds no dashboard
        print(f"unrolled export: left out {message}", file=sys.stderr)
    for name in [n for n in args.figure or () if n not in exported_figures(session, trainer.steps)]:
        print(f"unrolled export: left out {name}: nothing to draw yet", file=sys.stderr)
    return 0


def _samples(session: Session, out: str, parser: argparse.ArgumentParser) -> list[Path]:
    """samples.txt for the task char-lm: the text the network generates at the end (seeded),
    nothing else; none for a bidirectional network, which cannot generate."""
    from ..session.char_samples import NO_SAMPLES, is_char_lm, sample_text

    if not is_char_lm(session):
        return []
    if session.config.bidirectional:
        print(f"unrolled export: {NO_SAMPLES}", file=sys.stderr)
        return []
    path = Path(out) / "samples.txt"
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(sample_text(session))
    except OSError as error:
        _refuse(parser, f"{path}: cannot write: {error.strerror or error}", status=1)
    return [path]
