"""Exceptions raised by simlib.

Both derive from standard exceptions so that ``except ValueError`` keeps working
for callers who do not know about simlib.
"""

from __future__ import annotations

__all__ = ["ParameterError", "SimulationError"]


class ParameterError(ValueError):
    """A scenario value or scenario file is invalid.

    The message names the parameter, the value received, the allowed range with its
    unit, and a suggestion; it is meant to be read by a learner.
    """


class SimulationError(RuntimeError):
    """The integrator could not continue.

    Parameters
    ----------
    message : str
        What went wrong.
    time_s : float
        Simulated time reached when the failure happened, in s.
    scenario : object
        The :class:`simlib.Scenario` that was being simulated.
    """

    def __init__(self, message: str, time_s: float, scenario: object) -> None:
        super().__init__(f"{message} (at t = {time_s:.6f} s; scenario: {scenario!r})")
        self.time_s = time_s
        self.scenario = scenario
        self._message = message

    def __reduce__(self) -> tuple[type, tuple[str, float, object]]:
        """Pickle with the constructor arguments (so errors can cross process boundaries)."""
        return (type(self), (self._message, self.time_s, self.scenario))
