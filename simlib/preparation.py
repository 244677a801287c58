"""A different preparation for each student: reproducible biological variability from a student code.

Identical results for every student make answer sharing trivial; Virtual Physiology gives each
student a slightly different preparation for that reason (issue 21). :func:`individual` turns a
student code into the model constants of that student's muscle::

    res = simlib.simulate(sc, constants=simlib.individual("AB12"))

Only a small set of properties that really differ between people is varied (:data:`SPREADS`), each
log-normally around the model's default, with a spread taken from (or bounded by) the cited
measurements, truncated at ±2 standard deviations and clipped to the constant's declared range, so
that every student's key measures stay within the published ranges
(``tests/unit/test_preparation.py`` checks the extreme codes of a class).

Two properties that do differ between people are *not* varied, because the lab's diagnoses sit close
to them (measured with the model):

- quantal content (release sites; 20-60 quanta at human junctions, Wood & Slater 2001, Prog Neurobiol
  64:393): the hypermagnesaemia, myasthenia gravis and Lambert-Eaton presets fail transmission within
  15 % of the default (14-16 % more quanta restores normal force in each);
- Na⁺ channel density of the fibre (higher in fast than in slow human fibres, Ruff & Whittlesey 1992,
  J Physiol 458:85): 10 % more makes myasthenia gravis, and 20 % more hyperkalaemia, "normal".

Any spread of these would change the diagnosis of those presets for many students.

The same code always gives the same muscle, on any machine and with any numpy: each factor comes from
the SHA-256 of the code and the property's name through the inverse normal distribution (numpy's
random streams may change between versions, NEP 19, and Python's ``hash`` changes between runs).
Codes are case-insensitive and surrounding blanks are ignored (``" ab12 "`` is ``"AB12"``).
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass
from statistics import NormalDist

from simlib.errors import ParameterError
from simlib.model import constants as _declared

__all__ = ["SPREADS", "Spread", "TRUNCATE_SD", "factors", "individual", "normalise_code"]

#: Factors are drawn from a normal distribution of their logarithm truncated at this many SD.
TRUNCATE_SD = 2.0
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,31}$")
_SALT = "simlib-individual-v1"


@dataclass(frozen=True)
class Spread:
    """One property that varies between people, and the model constants it scales together.

    Attributes
    ----------
    name : str
        Short name of the property (also what its factor is hashed with).
    constants : tuple of str
        Model constants multiplied by the same factor.
    sigma : float
        Standard deviation of the natural logarithm of the factor (0.1 ≈ 10 % spread).
    meaning : str
        What differs between people.
    source : str
        Where the spread comes from.
    """

    name: str
    constants: tuple[str, ...]
    sigma: float
    meaning: str
    source: str


#: The properties varied between students (the rest of the model is everyone's).
SPREADS: tuple[Spread, ...] = (
    Spread("fibre_type_speed", ("series_rate_per_ms", "xb_detach_per_ms"), 0.12,
           "fibre-type mix: a muscle with more fast (type II) fibres contracts and relaxes sooner",
           "between-subject spread of human twitches: triceps surae contraction time 112 ± 11 ms and half-"
           "relaxation 100 ± 14 ms (Sale et al. 1982, J Appl Physiol 52:1636), CV 10 % and 14 %; the share of "
           "type I fibres in one muscle differs widely between people (Simoneau & Bouchard 1989, Am J Physiol "
           "257:E567). σ = 0.12 gives the model's contraction time a CV of about 10 % and its half-relaxation "
           "about 13 %"),
    Spread("serca_capacity", ("serca_vmax_uM_ms",), 0.06,
           "SR Ca²⁺ pump (SERCA) capacity",
           "type II fibres take Ca²⁺ up into the SR faster than type I fibres (Lamboley et al. 2014, J Physiol "
           "592:1381), so the uptake rate of a muscle follows its fibre mix; a 6 % spread is an assumption "
           "within that difference"),
)


def normalise_code(code: object) -> str:
    """Return the canonical form of a student code: upper case, surrounding blanks removed.

    Raises
    ------
    ParameterError
        If ``code`` is not text of 1-32 letters, digits, ``-`` or ``_`` starting with a letter or
        digit; the message suggests the nearest valid code.
    """
    if not isinstance(code, str):
        raise ParameterError(f"a student code must be text, e.g. 'AB12'; got {type(code).__name__} {code!r}. "
                             "Write it in quotes: simlib.individual('AB12').")
    canonical = code.strip().upper()
    if _CODE.match(canonical):
        return canonical
    cleaned = re.sub(r"[^A-Z0-9_-]", "", canonical).lstrip("_-")[:32]
    hint = f" Did you mean {cleaned!r}?" if cleaned else " Ask your teacher for your student code."
    raise ParameterError(f"a student code must be 1-32 letters, digits, '-' or '_' (e.g. 'AB12'); got {code!r}.{hint}")


def _standard_normal(code: str, name: str) -> float:
    """Return a standard normal number from the code and the property's name, truncated at ±TRUNCATE_SD."""
    digest = hashlib.sha256(f"{_SALT}:{code}:{name}".encode()).digest()
    u = (int.from_bytes(digest[:8], "big") + 0.5) / 2.0**64  # uniform in (0, 1)
    low, high = NormalDist().cdf(-TRUNCATE_SD), NormalDist().cdf(TRUNCATE_SD)
    return NormalDist().inv_cdf(low + u * (high - low))


def factors(code: str) -> dict[str, float]:
    """Return the factor of each property in :data:`SPREADS` for this student (1 = the model's default).

    Raises
    ------
    ParameterError
        For an invalid code (see :func:`normalise_code`).
    """
    canonical = normalise_code(code)
    return {s.name: math.exp(s.sigma * _standard_normal(canonical, s.name)) for s in SPREADS}


def individual(code: str) -> dict[str, float]:
    """Return the model constants of this student's preparation.

    Parameters
    ----------
    code : str
        The student code a teacher gave (1-32 letters, digits, ``-`` or ``_``; case-insensitive).

    Returns
    -------
    dict of str to float
        ``{constant name: value}`` of the varied constants only (:data:`SPREADS`); pass it as
        ``simlib.simulate(sc, constants=simlib.individual(code))``. The same code always gives the
        same values.

    Raises
    ------
    ParameterError
        If the code is not valid; the message suggests the nearest valid one.

    Examples
    --------
    >>> import simlib
    >>> simlib.individual("AB12") == simlib.individual(" ab12 ")
    True
    >>> sorted(simlib.individual("AB12"))
    ['serca_vmax_uM_ms', 'series_rate_per_ms', 'xb_detach_per_ms']
    """
    declared, by_property = _declared(), factors(code)
    out: dict[str, float] = {}
    for spread in SPREADS:
        factor = by_property[spread.name]
        for name in spread.constants:
            param = declared[name]
            out[name] = min(max(param.default * factor, param.low), param.high)
    return dict(sorted(out.items()))
