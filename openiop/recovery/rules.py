"""Which check-in answers signal risk, and the program defaults: data plus small functions.

Sources:
- Craving: a single 0-10 craving rating is a valid momentary measure and high ratings
  predict use in the following hours to days (Serre et al. 2015, Drug Alcohol Depend
  148:1-20, review of ecological momentary assessment in addiction). Default alert at 8/10;
  each program sets its own (PortalSettings.craving_alert_threshold).
- Use since the last check-in: any reported use is a lapse the care team follows up on
  (Marlatt & Gordon, Relapse Prevention, 1985; SAMHSA TIP 47, "Substance Abuse: Clinical
  Issues in Intensive Outpatient Treatment", ch. 5), asked in non-judgmental words.
- Thoughts of self-harm: any positive answer is shown crisis resources at once and reaches
  the care team (988 Suicide & Crisis Lifeline; Joint Commission NPSG 15.01.01).
"""

from dataclasses import dataclass

DEFAULT_CRAVING_THRESHOLD = 8
DEFAULT_CRISIS_LINE = "988"

CRAVING_HIGH = "check_in_high_craving"
USE_REPORTED = "check_in_use_reported"
SELF_HARM = "check_in_self_harm_thoughts"
# risk code -> severity of the ClinicalAlert it raises (assessments.AlertSeverity values)
RISK_SEVERITY = {SELF_HARM: "urgent", USE_REPORTED: "warning", CRAVING_HIGH: "warning"}


class Use:
    """Answers to "Since your last check-in, have you used alcohol or other drugs?"."""

    NO = "no"
    YES = "yes"
    NOT_SAYING = "not_saying"


@dataclass(frozen=True)
class Answers:
    craving: int
    use: str
    self_harm_thoughts: bool


def risk_codes(
    answers: Answers, *, craving_threshold: int = DEFAULT_CRAVING_THRESHOLD
) -> list[str]:
    """The risk signals in one check-in, most urgent first (empty: no risk signalled)."""
    codes = []
    if answers.self_harm_thoughts:
        codes.append(SELF_HARM)
    if answers.use == Use.YES:
        codes.append(USE_REPORTED)
    if answers.craving >= craving_threshold:
        codes.append(CRAVING_HIGH)
    return codes


DEFAULT_TRIGGERS = (
    "Stress at work or school",
    "Conflict with someone close",
    "Being alone or bored",
    "Seeing people I used with",
    "Places where I used",
    "Pain or feeling unwell",
    "Money worries",
    "Celebration or payday",
)
DEFAULT_COPING_SKILLS = (
    "Called or texted someone supportive",
    "Went to a meeting",
    "Urge surfing",
    "Breathing or grounding exercise",
    "Exercise or a walk",
    "Played the tape forward",
    "Distraction: a hobby, music, a show",
    "HALT check (hungry, angry, lonely, tired)",
)
# Mutual-help meetings everywhere in the US; programs add their own local list.
DEFAULT_RESOURCES = (
    "Alcoholics Anonymous (AA) meeting finder | https://www.aa.org/find-aa",
    "Narcotics Anonymous (NA) meeting search | https://www.na.org/meetingsearch/",
    "SMART Recovery meetings | https://meetings.smartrecovery.org/",
    "Al-Anon family groups (for family and friends) | https://al-anon.org/al-anon-meetings/",
    "SAMHSA National Helpline, free and confidential, 24/7 | tel:18006624357",
)


@dataclass(frozen=True)
class Resource:
    name: str
    link: str


SAFE_LINK_PREFIXES = ("https://", "http://", "tel:")


def link_is_safe(link: str) -> bool:
    return not link or link.lower().startswith(SAFE_LINK_PREFIXES)


def parse_resources(lines) -> list[Resource]:
    """ "Name | link" lines (the link is optional) as resources; blank lines are skipped, and
    a link that is not a web address or phone number is dropped (no script links)."""
    resources = []
    for line in lines:
        name, _sep, link = str(line).partition("|")
        link = link.strip()
        if name.strip():
            resources.append(Resource(name.strip(), link if link_is_safe(link) else ""))
    return resources
