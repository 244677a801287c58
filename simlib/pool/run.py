"""One entry to a motor-unit pool's run: nerve stimulation or a descending command (voluntary drive, stretch).

:func:`run_pool` hands a protocol with a descending command or a stretch to
:func:`simlib.pool.voluntary.run_voluntary` and stimulator impulses to
:func:`simlib.pool.stimulation.run_stimulated`; both return a :class:`~simlib.pool.stimulation.PoolRun`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from simlib.pool.stimulation import PoolRun, run_stimulated
from simlib.pool.voluntary import run_voluntary
from simlib.protocol import Protocol
from simlib.result import Result
from simlib.scenario import Scenario

__all__ = ["run_pool"]


def run_pool(sc: Scenario, protocol: Protocol | None = None, *, simulate: Callable[..., Result],
             **options: Any) -> PoolRun:
    """Run ``sc``'s pool of ``sc.motor_units`` units under ``protocol`` (default: the Scenario's own drive).

    Parameters
    ----------
    sc : Scenario
        The preparation (``motor_units`` units; ``stimulus_v`` for stimulator impulses).
    protocol : Protocol, optional
        Stimulator impulses, or a descending command and/or a stretch (a protocol with both impulses and
        a command or stretch is refused with a ParameterError); default ``Protocol.from_scenario(sc)``.
    simulate : callable
        :func:`simlib.simulate.simulate`, which runs every single-unit chain (passed in: the pool is below it).
    **options
        ``constants``, ``memo``, ``max_patterns`` and the run options (``output_dt_s``, ``solver``,
        ``accuracy``) of :func:`simlib.pool.stimulation.run_stimulated`.

    Returns
    -------
    PoolRun
    """
    run_protocol = Protocol.from_scenario(sc) if protocol is None else protocol
    if run_protocol.command or run_protocol.stretch is not None:
        return run_voluntary(sc, protocol, simulate=simulate, **options)
    return run_stimulated(sc, protocol, simulate=simulate, **options)
