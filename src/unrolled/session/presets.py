"""Presets: named demonstrations stored as JSON files in the package (unrolled/presets),
so a lecturer can copy one, edit it and open it with --config."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..engine.quoting import cut, quoted
from .char_text import resolve_text_path
from .config import COMPARABLE, Config, ConfigError, config_of_b
from .json_file import JsonFileError, parse_json, read_json
from .own_model import config_on_model
from .work import work_problem

PRESET_FORMAT = "unrolled-preset"
MAX_STEPS = 100_000  # steps to take after opening: more would keep a lecture waiting for minutes
MAX_FILE_BYTES = 1_000_000  # a config or preset is a few hundred bytes
PRESET_FIELDS = ("format", "name", "description", "config", "steps", "compare", "export_iterations")


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    config: Config
    steps: int = 0  # steps to take after opening (0: the start of the first iteration)
    compare: dict = field(default_factory=dict)  # changes for a second network, side by side
    export_iterations: int = 0  # training iterations `unrolled export` runs first (its training figures)


def _from_json(data, source: str) -> Preset:
    if not isinstance(data, dict):
        raise ConfigError({"file": f"{source}: expected a JSON object"})
    if "config" not in data:  # a bare config
        config = config_on_model(data, Path(source).parent)  # its weights and data files
        return Preset(name=Path(source).stem, description="", config=config)
    _check_preset_keys(data, source)
    name, description = data.get("name", Path(source).stem), data.get("description", "")
    for key, value in (("name", name), ("description", description)):
        if not isinstance(value, str):
            raise ConfigError({key: f"{source}: got {quoted(value)}, expected text"})
    steps = _step_count(data, "steps", source)
    iterations = _step_count(data, "export_iterations", source)  # what `unrolled export` trains first
    compare = _compare_changes(data, source)
    config = config_on_model(data["config"], Path(source).parent)  # its weights and data files
    try:  # network B must be a valid network too, or the comparison fails only when opened
        config_of_b(config, compare).validated()
    except ConfigError as error:
        raise ConfigError({"compare": f"{source}: network B's {error}"}) from error
    for key, problem in (("steps", work_problem(config, steps=steps)),
                         ("export_iterations", work_problem(config, iterations=iterations))):
        if problem:  # bounded before it starts: opening takes the steps with nothing on screen yet
            raise ConfigError({key: f"{source}: {problem}"})
    return Preset(name=name, description=description, config=config, steps=steps, compare=dict(compare),
                  export_iterations=iterations)


def _check_preset_keys(data: dict, source: str) -> None:
    """Only a preset's own fields, in this format."""
    unknown = sorted(str(key) for key in set(data) - set(PRESET_FIELDS))
    if unknown:
        key = unknown[0]
        near = difflib.get_close_matches(key, PRESET_FIELDS, n=1)
        hint = f"did you mean {near[0]!r}?" if near else "a preset has " + ", ".join(PRESET_FIELDS)
        raise ConfigError({cut(key): f"{source}: no such preset field; {hint}"})
    if data.get("format", PRESET_FORMAT) != PRESET_FORMAT:
        raise ConfigError({"file": f"{source}: format {quoted(data.get('format'))} is not {quoted(PRESET_FORMAT)}"})


def _step_count(data: dict, key: str, source: str) -> int:
    """A whole number of steps or iterations, 0 when absent, at most MAX_STEPS."""
    value = data.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_STEPS:
        raise ConfigError({key: f"{source}: got {quoted(value)}, expected a whole number from 0 to {MAX_STEPS}"})
    return value


def _compare_changes(data: dict, source: str) -> dict:
    """Network B's changes: an object of the settings a comparison may change."""
    compare = data.get("compare", {})
    if not isinstance(compare, dict):
        raise ConfigError({"compare": f"{source}: got {quoted(compare)}, expected an object of settings for network B"})
    unknown = sorted(set(compare) - set(COMPARABLE))
    if unknown:
        raise ConfigError({
            "compare": f"{source}: network B may change only {', '.join(COMPARABLE)}; got {', '.join(unknown)}"
        })
    return compare


def load_file(path: str | Path) -> Preset:
    """A preset or bare config from a JSON file; ConfigError says what is wrong."""
    path = Path(path)
    if not str(path).strip() or path.is_dir():
        raise ConfigError({"file": f"got {str(path)!r}, expected a JSON file"})
    try:
        data = read_json(path, MAX_FILE_BYTES, "a config")
    except JsonFileError as error:
        raise ConfigError({"file": str(error)}) from error
    if isinstance(data, dict):  # a char-lm text beside the config, named relative to it
        data = ({**data, "config": resolve_text_path(data["config"], path.parent)}
                if isinstance(data.get("config"), dict) else resolve_text_path(data, path.parent))
    return _from_json(data, str(path))


def _preset_files():
    folder = resources.files("unrolled") / "presets"
    return sorted((f for f in folder.iterdir() if f.name.endswith(".json")), key=lambda f: f.name)


def list_presets() -> list[Preset]:
    return [_from_json(parse_json(f.read_text(encoding="utf-8"), f.name), f.name) for f in _preset_files()]


def preset_menu() -> list[tuple[str, str]]:
    """Each preset's name and description, its config not built: a menu lists them while the
    first window opens (a char-lm preset's config reads its whole text)."""
    entries = []
    for f in _preset_files():
        data = parse_json(f.read_text(encoding="utf-8"), f.name)
        if isinstance(data, dict):
            entries.append((str(data.get("name", Path(f.name).stem)), str(data.get("description", ""))))
    return entries


def get_preset(name: str) -> Preset:
    presets = {p.name: p for p in list_presets()}
    if name not in presets:
        raise ConfigError({"preset": f"got {quoted(name)}, expected one of {', '.join(presets)}"})
    return presets[name]
