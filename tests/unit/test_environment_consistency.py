"""pyproject.toml, environment.yml and requirements/constraints.txt must describe the same environment."""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
EXTRAS = ("lab", "test", "e2e")
# pip (PyPI) name -> conda-forge name, where they differ (canonicalised). None do at present.
PIP_TO_CONDA: dict[str, str] = {}


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pyproject_requirements() -> dict[str, SpecifierSet]:
    project = _pyproject()["project"]
    lines = list(project["dependencies"])
    for extra in EXTRAS:
        lines += project["optional-dependencies"][extra]
    reqs = {}
    for line in lines:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name not in reqs, f"{req.name} is listed twice in pyproject.toml"
        reqs[PIP_TO_CONDA.get(name, name)] = req.specifier
    return reqs


def _environment() -> tuple[dict[str, str], list[str]]:
    """Conda dependencies as {name: version spec} and the pip: section as a list."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    assert env["channels"] == ["conda-forge"]
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip += dep["pip"]
            continue
        name, _, spec = dep.partition(" ")
        if "=" in name:  # "python=3.11"
            name, _, spec = name.partition("=")
            spec = "==" + spec + ".*"
        conda[canonicalize_name(name)] = spec.strip()
    return conda, pip


def _constraints() -> dict[str, Version]:
    pins = {}
    for raw in (ROOT / "requirements" / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        (spec,) = req.specifier
        assert spec.operator == "==", f"constraints.txt must pin exactly: {line!r}"
        pins[canonicalize_name(req.name)] = Version(spec.version)
    return pins


def test_environment_yml_has_the_same_packages_as_pyproject():
    conda, _ = _environment()
    assert set(conda) - {"python", "pip"} == set(_pyproject_requirements())


def test_environment_yml_has_the_same_version_bounds_as_pyproject():
    conda, _ = _environment()
    for name, spec in _pyproject_requirements().items():
        assert name in conda, f"environment.yml does not list {name}"
        conda_spec = SpecifierSet(conda[name])
        assert conda_spec == spec, f"{name}: environment.yml has {conda_spec}, pyproject.toml {spec}"


def test_environment_yml_python_satisfies_requires_python():
    conda, _ = _environment()
    requires = SpecifierSet(_pyproject()["project"]["requires-python"])
    python = conda["python"].removeprefix("==").removesuffix(".*")
    assert Version(python) in requires


def test_environment_yml_installs_the_project_with_pip():
    conda, pip = _environment()
    assert "pip" in conda
    assert "-e ." in pip


def test_constraints_pin_every_dependency_within_its_range():
    pins = _constraints()
    for name, spec in _pyproject_requirements().items():
        assert name in pins, f"requirements/constraints.txt does not pin {name}"
        assert pins[name] in spec, f"{name}=={pins[name]} is outside pyproject's range {spec}"


def test_pre_commit_ruff_matches_the_pinned_ruff():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    (ruff,) = [hook for hook in hooks if hook["id"] == "ruff"]
    (dep,) = ruff["additional_dependencies"]
    assert dep == f"ruff=={_constraints()['ruff']}"


def test_constraints_pin_the_build_backend_for_the_offline_wheelhouse():
    # `make wheelhouse` downloads the build backend at these pins; without it an offline install
    # stops at "Could not find a version that satisfies the requirement setuptools>=77".
    pins = _constraints()
    for line in _pyproject()["build-system"]["requires"]:
        req = Requirement(line)
        name = canonicalize_name(req.name)
        assert name in pins, f"requirements/constraints.txt does not pin the build backend {req.name}"
        assert pins[name] in req.specifier, f"{name}=={pins[name]} does not satisfy {line!r}"
    assert "wheel" in pins


def test_the_version_has_one_source_simlib_version():
    # pyproject.toml reads the version from simlib/_version.py (setuptools parses that line without
    # importing simlib), so `simlib --version`, figure metadata and the installed package agree.
    import importlib.metadata
    import re

    project = _pyproject()
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "simlib._version.__version__"}
    init = (ROOT / "simlib" / "_version.py").read_text(encoding="utf-8")
    (version,) = re.findall(r'^__version__ = "([^"]+)"$', init, re.M)  # a literal, readable without an import
    Version(version)  # a valid PEP 440 version
    import simlib

    assert simlib.__version__ == version
    try:
        installed = importlib.metadata.version("muscle-spasm-lab")
    except importlib.metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return
    assert Version(installed) == Version(version), "reinstall (make install) after changing __version__"


def test_tqdm_is_a_runtime_dependency_pinned_everywhere():
    # simlib.progress draws its bars with tqdm: a runtime dependency, so the learners' [lab] install,
    # the offline wheelhouse (which downloads '.[lab]' at these pins) and conda all get it.
    runtime = {canonicalize_name(Requirement(line).name) for line in _pyproject()["project"]["dependencies"]}
    assert "tqdm" in runtime
    assert "tqdm" in _environment()[0] and "tqdm" in _constraints()
