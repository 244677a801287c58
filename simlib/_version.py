"""The version of simlib: one literal, read by ``pyproject.toml`` (setuptools parses it without importing simlib)."""

__version__ = "0.1.0.dev0"
