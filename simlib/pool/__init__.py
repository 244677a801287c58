"""A muscle as a pool of motor units (issue 19): population, stimulation, recruitment curve, train-of-four.

``Scenario(motor_units=N)`` with N > 1 makes :func:`simlib.simulate` run a pool of N units under nerve
stimulation (:mod:`simlib.pool.stimulation`); the units are made by :mod:`simlib.pool.population`.
:func:`recruitment_curve` and :func:`train_of_four` are the classic experiments on the pool.
"""

from simlib.pool.experiments import RecruitmentCurve, TrainOfFour, recruitment_curve, run_pool, train_of_four
from simlib.pool.population import Population, population
from simlib.pool.stimulation import PoolRun

__all__ = ["Population", "PoolRun", "RecruitmentCurve", "TrainOfFour", "population", "recruitment_curve",
           "run_pool", "train_of_four"]
