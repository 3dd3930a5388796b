"""Scored clinical instruments: pure data and functions, no Django.

    >>> from openiop.assessments.instruments import score
    >>> score("phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0])
    Score(total=5, band='mild', subscales={}, alerts=())

See docs/instruments.md for every instrument's scoring, source and licence.
"""

from __future__ import annotations

from . import audit, bam, cssrs, dast10, gad7, pcl5, phq9
from .base import (
    AlertRule,
    BandTable,
    Instrument,
    Item,
    Score,
    band_for,
    band_ranges,
)
from .custom import load_definition, parse_definition_json
from .registry import INSTRUMENTS, get, register, score, score_with

BUILT_IN = (
    phq9.PHQ9,
    gad7.GAD7,
    audit.AUDIT,
    audit.AUDITC,
    dast10.DAST10,
    bam.BAM,
    bam.BAM7,
    pcl5.PCL5,
    cssrs.CSSRS,
)
for _instrument in BUILT_IN:
    register(_instrument)
BUILT_IN_CODES = frozenset(instrument.code for instrument in BUILT_IN)

__all__ = [
    "BUILT_IN",
    "BUILT_IN_CODES",
    "INSTRUMENTS",
    "AlertRule",
    "BandTable",
    "Instrument",
    "Item",
    "Score",
    "band_for",
    "band_ranges",
    "get",
    "load_definition",
    "parse_definition_json",
    "register",
    "score",
    "score_with",
]
