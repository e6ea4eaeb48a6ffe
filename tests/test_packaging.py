"""The wheel holds what an installed unrolled needs: every module, the presets, the
license, a console script (not a GUI script, which prints nothing on Windows) and the one
version. Built offline with the backend pyproject.toml names, from a copy of the sources."""

import configparser
import shutil
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

import unrolled

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "src" / "unrolled"
MIN_SETUPTOOLS = (77,)  # the first that reads an SPDX `license` and `license-files`


def _setuptools_version() -> tuple[int, ...]:
    try:
        version = metadata.version("setuptools")
    except metadata.PackageNotFoundError:
        return ()
    return tuple(int(part) for part in version.split(".")[:2] if part.isdigit())


def test_build_backend_and_setuptools_floor_agree():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["build-system"]["requires"] == [f"setuptools>={MIN_SETUPTOOLS[0]}"]
    assert f"setuptools>={MIN_SETUPTOOLS[0]}" in pyproject["project"]["optional-dependencies"]["test"]
    assert "version" in pyproject["project"]["dynamic"] and "version" not in pyproject["project"]
    assert pyproject["project"]["license"] == "MIT"
    assert "gui-scripts" not in pyproject["project"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Iterator[zipfile.ZipFile]:
    if _setuptools_version() < MIN_SETUPTOOLS:
        pytest.skip("setuptools >= 77 (the build backend) is not installed here: pip install -e '.[test]'")
    tmp = tmp_path_factory.mktemp("packaging")
    project = tmp / "project"  # a copy, so the build leaves no build/ or egg-info in the checkout
    project.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, project / name)
    shutil.copytree(ROOT / "src", project / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    out = tmp / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--no-cache-dir", "--quiet", "--wheel-dir", str(out), str(project)],
        check=True, capture_output=True, text=True, timeout=300,
    )
    (path,) = out.glob("unrolled-*.whl")
    with zipfile.ZipFile(path) as archive:
        yield archive


def _dist_info(wheel: zipfile.ZipFile, name: str) -> str:
    (path,) = [n for n in wheel.namelist() if n.split("/")[0].endswith(".dist-info") and n.endswith("/" + name)]
    return wheel.read(path).decode()


@pytest.mark.slow
def test_wheel_holds_every_module_and_the_presets(wheel):
    names = set(wheel.namelist())
    presets = sorted(p.relative_to(SOURCES.parent).as_posix() for p in (SOURCES / "presets").glob("*.json"))
    assert presets, "no presets in the sources"
    assert set(presets) <= names
    modules = {p.relative_to(SOURCES.parent).as_posix() for p in SOURCES.rglob("*.py")}
    assert {"unrolled/ui/__init__.py", "unrolled/ui/plots/__init__.py", "unrolled/cli/__init__.py"} <= modules
    assert modules - names == set()


@pytest.mark.slow
def test_wheel_holds_the_license_and_its_spdx_expression(wheel):
    licenses = [n for n in wheel.namelist() if n.endswith(".dist-info/licenses/LICENSE")]
    assert len(licenses) == 1
    assert wheel.read(licenses[0]).decode() == (ROOT / "LICENSE").read_text()
    assert "MIT License" in (ROOT / "LICENSE").read_text()
    fields = _dist_info(wheel, "METADATA").split("\n\n")[0].splitlines()
    assert "License-Expression: MIT" in fields
    assert f"Version: {unrolled.__version__}" in fields


@pytest.mark.slow
def test_wheel_installs_a_console_script(wheel):
    entry_points = configparser.ConfigParser()
    entry_points.read_string(_dist_info(wheel, "entry_points.txt"))
    assert entry_points.sections() == ["console_scripts"]
    assert entry_points["console_scripts"]["unrolled"] == "unrolled.cli:main"
