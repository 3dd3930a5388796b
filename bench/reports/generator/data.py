"""What the synthetic program is made of: its sizes, tracks, reasons, panel and names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from datetime import time as clock

from openiop.discharge.models import DischargeReason
from openiop.participants.models import Episode
from openiop.scheduling.models import Topic

GENERATOR_VERSION = 1  # bump when the rows generated change: a stored database is remade
SITE_NAME = "Benchmark Recovery Center"
PROGRAM_NAME = "Benchmark IOP"
BATCH = 2000  # rows per INSERT
CHUNK = 250  # episodes whose rows are built, then written, together
GROUP_SIZE = 12  # participants per group section the tracks are split into
READMISSION_SHARE = 0.08
NEVER_ADMITTED_SHARE = 0.05

# (name, target weekly hours, typical weeks)
PHASES = (("Engagement", 12, 4), ("Early recovery", 10, 4), ("Maintenance", 9, 4))


@dataclass(frozen=True)
class TrackSpec:
    name: str
    weekdays: tuple[int, ...]
    slots: tuple[tuple[clock, clock], ...]
    share: float  # of admissions
    is_virtual: bool = False


TRACKS = (
    TrackSpec(
        "Morning",
        (0, 1, 2, 3),
        ((clock(9), clock(10, 30)), (clock(10, 45), clock(12, 15))),
        0.45,
    ),
    TrackSpec(
        "Evening",
        (0, 1, 3),
        ((clock(18), clock(19)), (clock(19, 10), clock(20, 10)), (clock(20, 20), clock(21, 20))),
        0.35,
    ),
    TrackSpec(
        "Flex (video)",
        (0, 2, 4, 5),
        ((clock(12), clock(13)), (clock(13, 15), clock(14, 45))),
        0.20,
        is_virtual=True,
    ),
)
TOPICS = tuple(topic for topic in Topic.values if topic != Topic.FAMILY)

# reason -> (share of discharges, shortest stay, longest stay in days)
REASONS = {
    DischargeReason.COMPLETED: (0.46, 56, 112),
    DischargeReason.LEFT: (0.28, 14, 56),
    DischargeReason.TERMINATED: (0.07, 21, 70),
    DischargeReason.TRANSFERRED: (0.09, 14, 70),
    DischargeReason.INCARCERATED: (0.03, 14, 84),
    DischargeReason.DEATH: (0.01, 14, 84),
    DischargeReason.OTHER: (0.06, 14, 84),
}
ANALYTES = (
    ("AMP", "Amphetamines", "500"),
    ("BZO", "Benzodiazepines", "300"),
    ("COC", "Cocaine", "150"),
    ("OPI", "Opiates", "2000"),
    ("THC", "Cannabinoids", "50"),
    ("FEN", "Fentanyl", "1"),
    ("BUP", "Buprenorphine", "10"),
)
FIRST_NAMES = (  # noqa: SIM905 (a list of words reads better as words)
    "Alex Jordan Sam Casey Riley Morgan Taylor Jamie Avery Quinn Drew Rowan Skyler Reese "
    "Parker Emerson Hayden Logan Sage Blake Cameron Devon Elliot Finley Harper Kendall "
    "Lane Marlowe Noel Oakley Peyton Remy Shawn Tatum"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Abbott Baker Carver Dalton Ellis Foster Garner Hale Irving Jensen Keller Lowell Mercer "
    "Nash Osborne Prescott Quill Ramsey Sutton Thorne Upton Vance Whitlock Yates Zeller "
    "Ashby Brennan Calloway Dunmore Everly Fairbanks Greer Holloway"
).split()
HOLIDAYS = {(1, 1), (5, 26), (7, 4), (9, 1), (11, 27), (12, 25)}


@dataclass
class Stay:
    """One episode as planned before any row is written."""

    participant: int  # index into the participants list
    referred_on: date
    admitted_on: date | None
    discharged_on: date | None  # None: still open on ``today``
    reason: str = ""  # discharge reason, or closure reason when never admitted
    track: int = 0
    section: int = 0
    clinician: int = 0
    engagement: float = 0.8  # chance of attending a group
    use: float = 0.02  # chance of a positive drug test early in treatment
    phq9: int = 14
    gad7: int = 12
    improvement: float = 0.4  # share of the baseline score gone by the end of the stay
    episode: Episode | None = None
