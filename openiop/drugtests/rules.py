"""Drug-testing rules as data and small pure functions (no Django imports).

Sources for the default panels and cutoffs (screen / confirmation, ng/mL):
- SAMHSA, Mandatory Guidelines for Federal Workplace Drug Testing Programs, urine (Federal
  Register 82 FR 7920, 2017; in force 2017-10-01) and oral fluid (84 FR 57554, 2019): the
  cutoffs for amphetamines, cocaine, opiates, oxycodone, PCP, THC and MDMA.
- SAMHSA TIP 63, Medications for Opioid Use Disorder (2021), and SAMHSA's Clinical Drug
  Testing in Primary Care (TAP 32, 2012): buprenorphine, methadone, benzodiazepines,
  barbiturates and fentanyl are not in the federal panel; the cutoffs used here are the
  typical ones of commercial point-of-care cups and laboratories (TAP 32, table 4).
- EtG 500 ng/mL: SAMHSA Advisory "The Role of Biomarkers in the Treatment of Alcohol Use
  Disorders" (2012 revision), which recommends 500 ng/mL or more as the positive cutoff.
- Breath alcohol 0.02 g/210 L: the DOT confirmation threshold (49 CFR 40.267).
Programs edit panels and cutoffs as data; these are only the defaults a program starts from.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal


@dataclass(frozen=True)
class AnalyteDefault:
    code: str
    name: str
    screen_cutoff: Decimal | None
    confirmation_cutoff: Decimal | None = None
    unit: str = "ng/mL"


@dataclass(frozen=True)
class PanelDefault:
    name: str
    specimen_type: str  # urine, oral_fluid, breath
    analytes: tuple[AnalyteDefault, ...]


def _a(code, name, screen, confirmation=None, unit="ng/mL") -> AnalyteDefault:
    def number(value):
        return None if value is None else Decimal(str(value))

    return AnalyteDefault(code, name, number(screen), number(confirmation), unit)


URINE_12_PANEL = (
    _a("AMP", "Amphetamines", 500, 250),
    _a("BAR", "Barbiturates", 300, 200),
    _a("BUP", "Buprenorphine", 10, 5),
    _a("BZO", "Benzodiazepines", 300, 100),
    _a("COC", "Cocaine (benzoylecgonine)", 150, 100),
    _a("MDMA", "MDMA (ecstasy)", 500, 250),
    _a("MET", "Methamphetamine", 500, 250),
    _a("OPI", "Opiates (morphine)", 2000, 2000),
    _a("MTD", "Methadone", 300, 100),
    _a("OXY", "Oxycodone", 100, 100),
    _a("PCP", "Phencyclidine (PCP)", 25, 25),
    _a("THC", "Cannabinoids (THC)", 50, 15),
)
URINE_ADD_ONS = (
    _a("FEN", "Fentanyl", 1, 0.5),
    _a("ETG", "Ethyl glucuronide (alcohol)", 500, 500),
)
ORAL_FLUID = (
    _a("AMP", "Amphetamines", 50, 25),
    _a("MET", "Methamphetamine", 50, 25),
    _a("COC", "Cocaine", 15, 8),
    _a("OPI", "Opiates (morphine)", 30, 15),
    _a("OXY", "Oxycodone", 30, 15),
    _a("PCP", "Phencyclidine (PCP)", 3, 2),
    _a("THC", "Cannabinoids (THC)", 4, 2),
    _a("BUP", "Buprenorphine", 5, 1),
    _a("MTD", "Methadone", 25, 10),
    _a("BZO", "Benzodiazepines", 10, 5),
    _a("FEN", "Fentanyl", 1, 0.5),
)
BREATH = (_a("ETOH", "Alcohol (breath)", "0.02", "0.02", "g/210 L"),)

DEFAULT_PANELS: tuple[PanelDefault, ...] = (
    PanelDefault("12-panel urine cup + fentanyl + EtG", "urine", URINE_12_PANEL + URINE_ADD_ONS),
    PanelDefault("Oral fluid", "oral_fluid", ORAL_FLUID),
    PanelDefault("Breathalyzer", "breath", BREATH),
)

# What laboratories call an analyte (OBX-3 identifier or text, upper case) -> our code.
ANALYTE_ALIASES: dict[str, str] = {
    "AMPHETAMINE": "AMP",
    "AMPHETAMINES": "AMP",
    "BARBITURATES": "BAR",
    "BUPRENORPHINE": "BUP",
    "NORBUPRENORPHINE": "BUP",
    "BENZODIAZEPINES": "BZO",
    "BENZ": "BZO",
    "COCAINE": "COC",
    "BENZOYLECGONINE": "COC",
    "MDMA": "MDMA",
    "METHAMPHETAMINE": "MET",
    "MAMP": "MET",
    "OPIATES": "OPI",
    "MORPHINE": "OPI",
    "METHADONE": "MTD",
    "EDDP": "MTD",
    "OXYCODONE": "OXY",
    "PHENCYCLIDINE": "PCP",
    "CANNABINOIDS": "THC",
    "THCA": "THC",
    "THC-COOH": "THC",
    "FENTANYL": "FEN",
    "FENT": "FEN",
    "NORFENTANYL": "FEN",
    "ETHYL GLUCURONIDE": "ETG",
    "ETHYL SULFATE": "ETG",
    "ETS": "ETG",
    "ALCOHOL": "ETOH",
    "ETHANOL": "ETOH",
}


# Specimen validity checks a laboratory reports beside the drugs: kept in the raw message,
# not recorded as drug results.
VALIDITY_TESTS = frozenset(
    {"CREATININE", "CREAT", "SPECIFIC GRAVITY", "SG", "PH", "OXIDANTS", "NITRITE", "GLUTARALDEHYDE"}
)


def is_validity_test(identifier: str, text: str) -> bool:
    names = {(identifier or "").strip().upper(), (text or "").strip().upper()}
    return bool(names & VALIDITY_TESTS) or any(
        name.startswith(tuple(VALIDITY_TESTS)) and "VALIDITY" in name for name in names
    )


def analyte_code_for(identifier: str, text: str, known: Iterable[str]) -> str:
    """Our analyte code for a laboratory's (identifier, text): the identifier itself when the
    program knows it, else an alias of either, else the identifier as given (upper case)."""
    known = {code.upper() for code in known}
    for candidate in (identifier, text):
        key = (candidate or "").strip().upper()
        if key in known:
            return key
        if key in ANALYTE_ALIASES:
            return ANALYTE_ALIASES[key]
    return (identifier or text or "?").strip().upper()[:20]


# -- Interpretation: which positives are expected, which expected substances are missing --


@dataclass(frozen=True)
class AnalyteResult:
    code: str
    outcome: str  # negative, positive, invalid


@dataclass(frozen=True)
class Interpretation:
    expected: frozenset[str]  # positive and explained by a prescription
    unexpected: frozenset[str]  # positive and not explained
    missing_expected: frozenset[str]  # prescribed, tested, and negative: possible diversion

    @property
    def has_unexpected(self) -> bool:
        return bool(self.unexpected)


def interpret(results: Sequence[AnalyteResult], prescribed: Iterable[str]) -> Interpretation:
    """Mark positives as expected when a current prescription produces that analyte; flag a
    prescribed analyte that was tested and came back negative. Invalid results say nothing."""
    prescribed = {code.upper() for code in prescribed}
    positives = {r.code.upper() for r in results if r.outcome == "positive"}
    negatives = {r.code.upper() for r in results if r.outcome == "negative"}
    return Interpretation(
        expected=frozenset(positives & prescribed),
        unexpected=frozenset(positives - prescribed),
        missing_expected=frozenset((negatives - positives) & prescribed),
    )


def effective_outcome(screen: str | None, confirmation: str | None) -> str | None:
    """A laboratory confirmation supersedes the point-of-care screen whenever it is valid."""
    if confirmation and confirmation != "invalid":
        return confirmation
    return screen or confirmation


# -- Policy: what a result sets off --

SUPPORTIVE = "supportive"
STRICT = "strict"
TAMPERED_VALIDITY = frozenset({"adulterated", "substituted"})


@dataclass(frozen=True)
class FollowUp:
    reasons: tuple[str, ...]  # unexpected_positive, refusal, adulterated, substituted
    notify_clinician: bool
    request_plan_review: bool
    flag_director: bool


NO_FOLLOW_UP = FollowUp((), False, False, False)


def follow_up(
    *, policy: str, unexpected: Iterable[str], refused: bool, validity: str = ""
) -> FollowUp:
    """What a program does after a test. Supportive: notify the primary clinician and request
    a plan review; strict: the same and a flag for the director. Never a discharge.

    A substituted specimen counts with an adulterated one: both are treated as a refusal to
    test in the DOT rule (49 CFR 40.191(b))."""
    reasons = []
    if sorted(unexpected):
        reasons.append("unexpected_positive")
    if refused:
        reasons.append("refusal")
    if validity in TAMPERED_VALIDITY:
        reasons.append(validity)
    if not reasons:
        return NO_FOLLOW_UP
    return FollowUp(tuple(reasons), True, True, policy == STRICT)


# -- Random selection --


@dataclass(frozen=True)
class Candidate:
    key: object
    last_tested_on: date | None  # or admitted on, when never tested
    has_test_today: bool = False


def selection_probability(tests_per_week: float, draw_days_per_week: int, max_gap_days: int):
    """The daily chance p such that, with forced tests at the gap limit, the average number of
    draw days between tests is ``draw_days_per_week / tests_per_week``.

    With at most K draw days between tests the mean interval is (1 - (1-p)^K) / p; it falls
    as p rises, so p is found by bisection."""
    if tests_per_week <= 0:
        return 0.0
    target = draw_days_per_week / tests_per_week
    limit = max(1, math.floor(max_gap_days * draw_days_per_week / 7))
    if target <= 1:
        return 1.0
    if target >= limit:  # the gap limit alone already tests more often than the target
        return 0.0

    def mean_interval(p: float) -> float:
        return (1 - (1 - p) ** limit) / p

    low, high = 1e-9, 1.0
    for _ in range(60):
        middle = (low + high) / 2
        if mean_interval(middle) > target:
            low = middle
        else:
            high = middle
    return (low + high) / 2


@dataclass(frozen=True)
class Selection:
    key: object
    forced: bool  # chosen because the next draw day would pass the maximum gap


def draw(
    candidates: Sequence[Candidate],
    *,
    on: date,
    next_draw_on: date,
    probability: float,
    max_gap_days: int,
    rng: random.Random,
) -> list[Selection]:
    """Today's selection. Each candidate not already tested today is chosen with
    ``probability``, or for certain when waiting for the next draw day would leave them more
    than ``max_gap_days`` untested. One draw per candidate, in a fixed order, so a seeded
    generator gives a repeatable answer in tests; real draws use ``secrets.SystemRandom``."""
    chosen = []
    for candidate in candidates:
        roll = rng.random()  # drawn for everyone, so no one's chance depends on the others
        if candidate.has_test_today:
            continue
        forced = (
            candidate.last_tested_on is not None
            and (next_draw_on - candidate.last_tested_on).days > max_gap_days
        )
        if forced or roll < probability:
            chosen.append(Selection(candidate.key, forced))
    return chosen


def next_draw_day(on: date, draw_weekdays: Iterable[int]) -> date:
    """The next day after ``on`` whose weekday (Monday 0) is a draw day."""
    weekdays = set(draw_weekdays) or set(range(7))
    day = on + timedelta(days=1)
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day
