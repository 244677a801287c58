"""Muscle Spasm Lab: the motor-neuron-to-muscle chain as ODEs, for teaching.

Public API (see DESIGN.md §2)::

    import simlib
    sc = simlib.Scenario().replace(ca_mM=0.75, rate_hz=0)
    res = simlib.simulate(sc)
    res.metrics().classification          # 'tetany'

Importing simlib does not import matplotlib and needs no network.
"""

from simlib import (
    _startup,  # noqa: F401  (first: Ctrl-C while the command line starts up)
    emg,  # the module, which is callable: simlib.emg(result) (see simlib.emg)
    simulate,  # the module, which is callable (see simlib.simulate)
)
from simlib._version import __version__ as __version__
from simlib.emg_audio import emg_audio, emg_audio_widget
from simlib.errors import ParameterError, SimulationError
from simlib.experiments import Ramp, Twitch, cramp_threshold_frequency, force_frequency, ramp, sweep, twitch
from simlib.mechanics import LengthTension, LoadVelocity, length_tension, load_velocity
from simlib.metrics import Metrics
from simlib.model import constants  # the declared model constants (a function; see simlib.model)
from simlib.pool import recruitment_curve, train_of_four
from simlib.preparation import individual
from simlib.presets import PRESET_INFO, PRESETS, preset_table
from simlib.protocol import Protocol
from simlib.result import Result
from simlib.scenario import Scenario
from simlib.scenario_io import load_scenario, save_scenario

#: Submodules reached as ``simlib.<name>`` without importing them first (imported on first use).
_SUBMODULES = ("labbook", "report", "worksheet")


def __getattr__(name: str) -> object:
    """Provide ``simlib.export_figure`` and the classroom modules lazily (importing simlib stays light)."""
    if name == "export_figure":
        from simlib.figures import export_figure

        return export_figure
    if name in _SUBMODULES:
        import importlib

        return importlib.import_module(f"simlib.{name}")
    raise AttributeError(f"module 'simlib' has no attribute {name!r}")

__all__ = [
    "LengthTension",
    "LoadVelocity",
    "PRESETS",
    "PRESET_INFO",
    "Protocol",
    "Ramp",
    "Metrics",
    "ParameterError",
    "Result",
    "Scenario",
    "SimulationError",
    "Twitch",
    "constants",
    "cramp_threshold_frequency",
    "emg",
    "emg_audio",
    "emg_audio_widget",
    "force_frequency",
    "individual",
    "length_tension",
    "load_velocity",
    "load_scenario",
    "preset_table",
    "recruitment_curve",
    "save_scenario",
    "simulate",
    "sweep",
    "train_of_four",
    "ramp",
    "twitch",
]
