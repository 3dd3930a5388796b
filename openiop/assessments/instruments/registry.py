"""The registry of instruments by code, and the one entry point that scores an administration."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .base import Instrument, Score

INSTRUMENTS: dict[str, Instrument] = {}


def register(instrument: Instrument) -> Instrument:
    """Add an instrument under its code. A code is never silently replaced."""
    if not isinstance(instrument, Instrument):
        raise ValueError(f"only an Instrument can be registered, not {type(instrument).__name__}")
    if instrument.code in INSTRUMENTS:
        raise ValueError(f"an instrument with code {instrument.code!r} is already registered")
    INSTRUMENTS[instrument.code] = instrument
    return instrument


def get(code: str) -> Instrument:
    """The instrument registered under ``code``, or ValueError."""
    if not isinstance(code, str) or code not in INSTRUMENTS:
        known = ", ".join(sorted(INSTRUMENTS))
        raise ValueError(f"unknown instrument {code!r}; known instruments: {known}")
    return INSTRUMENTS[code]


def score(code: str, answers: Sequence[Any], **context: Any) -> Score:
    """Score one administration of instrument ``code``.

    ``answers`` are the item values in item order. ``context`` carries what the instrument needs
    (AUDIT-C: ``sex``; PCL-5: ``cutoff``; C-SSRS: ``behavior_within_3_months``); a keyword the
    instrument does not use is refused, so a misspelt one cannot be silently ignored.
    """
    return score_with(get(code), answers, **context)


def score_with(instrument: Instrument, answers: Sequence[Any], **context: Any) -> Score:
    """Score with a given definition (e.g. the version of a program's own instrument an
    administration used), with the same checks as :func:`score`."""
    unknown = sorted(set(context) - instrument.context_keys)
    if unknown:
        accepted = ", ".join(sorted(instrument.context_keys)) or "none"
        raise ValueError(
            f"{instrument.name} does not use {', '.join(unknown)} (it accepts: {accepted})"
        )
    return instrument.scorer(instrument, answers, context)
