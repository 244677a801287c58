"""Shared, cached simulations for the literature checks (each scenario runs once per session)."""

from __future__ import annotations

from functools import cache

import pytest

import simlib


@cache
def run(**changes: object) -> simlib.Result:
    """Simulate the healthy default with ``changes`` applied (cached across tests)."""
    return simlib.simulate(simlib.Scenario(motor_units=1).replace(**changes))


@cache
def metrics(**changes: object) -> simlib.Metrics:
    """Metrics of :func:`run` (cached)."""
    return run(**changes).metrics()


@pytest.fixture(scope="session")
def sim():
    """Return the cached ``run`` function."""
    return run


@pytest.fixture(scope="session")
def met():
    """Return the cached ``metrics`` function."""
    return metrics
