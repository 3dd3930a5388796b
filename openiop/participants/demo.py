"""Demo participants: about 60 fictional people at every stage, in both demo programs,
including wait-listed referrals (waiting weeks) and referrals closed before admission because
the person was referred elsewhere (with where, as the reason's detail).

The whole cast is planned first from the generator (a pure step: the same ``today`` gives
the same plan), then written; a participant whose MRN is already on file is left alone, so
a second run changes nothing. Needs ``context.data["staff"]``, ``["programs"]`` and
``["phases"]`` from the accounts and programs loaders.
"""

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from openiop.accounts.models import User
from openiop.accounts.roles import Role
from openiop.audit.models import AuditAction, DataCategory
from openiop.audit.services import audit_record
from openiop.participants.models import (
    CareTeamMember,
    CareTeamRole,
    ClosureReason,
    Episode,
    EpisodeStatus,
    Participant,
    ReferralSource,
)
from openiop.participants.mrn import luhn_check_digit
from openiop.programs.models import Population

if TYPE_CHECKING:
    from openiop.core.management.commands.demo import DemoContext

S = EpisodeStatus  # short, for the tables below
# Each journey is the statuses of one participant's episodes in one program, oldest first;
# ("discharged", "active") is a readmission. 41 adults and 19 adolescents.
DEMO_JOURNEYS: dict[str, tuple[tuple[tuple[str, ...], int], ...]] = {
    Population.ADULT: (
        ((S.REFERRED,), 3),
        ((S.ASSESSING,), 4),
        ((S.WAIT_LISTED,), 2),
        ((S.ACTIVE,), 18),
        ((S.ON_HOLD,), 3),
        ((S.DISCHARGED,), 8),
        ((S.DISCHARGED, S.REFERRED), 1),
        ((S.DISCHARGED, S.ASSESSING), 1),
        ((S.DISCHARGED, S.ACTIVE), 1),
    ),
    Population.ADOLESCENT: (
        ((S.REFERRED,), 2),
        ((S.ASSESSING,), 2),
        ((S.WAIT_LISTED,), 1),
        ((S.ACTIVE,), 8),
        ((S.ON_HOLD,), 2),
        ((S.DISCHARGED,), 3),
        ((S.DISCHARGED, S.ACTIVE), 1),
    ),
}
AGES = {Population.ADULT: (18, 65), Population.ADOLESCENT: (13, 17)}
ACTIVE_ADMISSION_SPAN_DAYS = 98  # active admissions spread over the last 14 weeks, so the
# earliest came before the reports' twelve-week range and every week of it has someone in care
WAIT_LISTED_DAYS = (10, 35)  # assessed, waiting for a place: referred this many days ago
# The first plain discharges in each program never started treatment: referrals closed
# because the assessment found another level of care or provider fitted better.
CLOSED_REFERRALS = {Population.ADULT: 2, Population.ADOLESCENT: 1}
REFERRED_ELSEWHERE = {
    Population.ADULT: (
        "Residential treatment (level 3.5) at Lakeshore Recovery House",
        "Partial hospitalization at Millbrook Behavioral Health",
        "Outpatient counseling (level 1) closer to home",
        "Medically managed withdrawal at Riverside General first",
    ),
    Population.ADOLESCENT: (
        "Adolescent residential program at Cedar Ridge Youth Center",
        "School-based outpatient counseling",
        "Family therapy program at Millbrook Behavioral Health",
    ),
}

FEMALE_NAMES = (
    "Abigail", "Alexandra", "Ava", "Beatrice", "Camila", "Dana", "Elizabeth", "Fatima",
    "Grace", "Hannah", "Imani", "Jasmine", "Jennifer", "Katherine", "Lucia", "Margaret",
    "Naomi", "Olivia", "Patricia", "Rebecca", "Rosa", "Samantha", "Tanya", "Valerie",
    "Victoria", "Wendy", "Yasmin", "Zoe",
)  # fmt: skip
MALE_NAMES = (
    "Aaron", "Anthony", "Benjamin", "Carlos", "Christopher", "Daniel", "Darnell", "Ethan",
    "Francisco", "Gabriel", "Hector", "Isaac", "Jamal", "Joseph", "Kevin", "Luis", "Michael",
    "Nathan", "Omar", "Patrick", "Raymond", "Robert", "Theodore", "Thomas", "Victor",
    "William", "Xavier",
)  # fmt: skip
NEUTRAL_NAMES = ("Avery", "Casey", "Jamie", "Morgan", "Quinn", "Riley", "Rowan", "Sage", "Skyler")
NICKNAMES = {
    "Abigail": "Abby", "Alexandra": "Alex", "Anthony": "Tony", "Benjamin": "Ben",
    "Christopher": "Chris", "Daniel": "Danny", "Elizabeth": "Liz", "Jennifer": "Jen",
    "Joseph": "Joe", "Katherine": "Kate", "Margaret": "Maggie", "Michael": "Mike",
    "Patricia": "Trish", "Rebecca": "Becca", "Robert": "Bobby", "Samantha": "Sam",
    "Theodore": "Teddy", "Thomas": "Tommy", "Victoria": "Tori",
}  # fmt: skip
# Storybook surnames, so that no one mistakes a demo participant for a real person.
LAST_NAMES = (
    "Alderbrook", "Ambervale", "Ashcombe", "Aspenwall", "Barleycorn", "Bayberry", "Beechmont",
    "Birchfield", "Bramblett", "Briarwood", "Brookhollow", "Cedarholm", "Cloverdale",
    "Copperleaf", "Cresthaven", "Dappleton", "Dovecote", "Elmsworth", "Emberly", "Fairbrook",
    "Fennimore", "Fernhill", "Fieldstone", "Foxglove", "Galeford", "Glenmoor", "Goldthwaite",
    "Greenhollow", "Hallowell", "Hazelgrove", "Heathercote", "Hollybrook", "Honeywell",
    "Ivybridge", "Juniperton", "Kestrelby", "Lakemont", "Larkspur", "Lindenwood",
    "Maplestone", "Meadowcroft", "Mossberg", "Nettlefield", "Northwind", "Oakhurst",
    "Orchardson", "Pebbleton", "Pinecrest", "Quillfeather", "Ravensworth", "Reedsworth",
    "Rosemoor", "Rowanberry", "Sagebrook", "Silverbirch", "Sparrowhawk", "Stonebridge",
    "Thistlewood", "Thornbury", "Tidewell", "Underhill", "Valewood", "Willowby", "Wrenfield",
    "Yarrowby",
)  # fmt: skip
STREETS = ("Maple Avenue", "Lakeview Drive", "Orchard Lane", "Mill Street", "Prairie Road")
CITY_LINE = "Millbrook Springs, IL 60999"
AREA_CODES = ("312", "773", "872")

# (sex assigned at birth, gender identity, pronouns, legal-name list, preferred-name list)
IDENTITIES = (
    ("female", "Woman", "she/her", FEMALE_NAMES, None),
    ("male", "Man", "he/him", MALE_NAMES, None),
    ("female", "Non-binary", "they/them", FEMALE_NAMES, NEUTRAL_NAMES),
    ("male", "Non-binary", "they/them", MALE_NAMES, NEUTRAL_NAMES),
    ("male", "Transgender woman", "she/her", MALE_NAMES, FEMALE_NAMES),
    ("female", "Transgender man", "he/him", FEMALE_NAMES, MALE_NAMES),
)
IDENTITY_WEIGHTS = (44, 44, 4, 3, 2, 3)
REFERRAL_SOURCES = {
    Population.ADULT: {
        ReferralSource.INPATIENT_RESIDENTIAL: 4,
        ReferralSource.DETOX: 3,
        ReferralSource.PHP: 2,
        ReferralSource.CRIMINAL_JUSTICE: 2,
        ReferralSource.SELF: 3,
        ReferralSource.FAMILY: 2,
        ReferralSource.EMPLOYER: 1,
        ReferralSource.PHYSICIAN: 2,
        ReferralSource.OTHER: 1,
    },
    Population.ADOLESCENT: {
        ReferralSource.FAMILY: 4,
        ReferralSource.OTHER: 3,  # usually school
        ReferralSource.CRIMINAL_JUSTICE: 2,
        ReferralSource.PHYSICIAN: 2,
        ReferralSource.PHP: 1,
        ReferralSource.SELF: 1,
    },
}
CONTACTS = {  # relationship -> (names to choose from, shares the participant's last name)
    "Mother": (FEMALE_NAMES, True),
    "Father": (MALE_NAMES, True),
    "Grandmother": (FEMALE_NAMES, True),
    "Sister": (FEMALE_NAMES, True),
    "Brother": (MALE_NAMES, True),
    "Spouse": (FEMALE_NAMES + MALE_NAMES, True),
    "Partner": (FEMALE_NAMES + MALE_NAMES, False),
    "Friend": (FEMALE_NAMES + MALE_NAMES + NEUTRAL_NAMES, False),
    "Legal guardian": (FEMALE_NAMES + MALE_NAMES, False),
    "Daughter": (FEMALE_NAMES, True),
    "Son": (MALE_NAMES, True),
}
YOUNGER_ADULT_CONTACTS = ("Mother", "Father", "Sister", "Brother", "Spouse", "Partner", "Friend")
OLDER_ADULT_CONTACTS = ("Spouse", "Partner", "Sister", "Brother", "Daughter", "Son", "Friend")
ADOLESCENT_CONTACTS = ("Mother", "Mother", "Father", "Grandmother", "Legal guardian")


@dataclass
class EpisodePlan:
    status: str
    referral_source: str
    referred_on: date
    admitted_on: date | None = None
    discharged_on: date | None = None
    phase_index: int | None = None
    primary_clinician: User | None = None
    team: list[tuple[User, str]] = field(default_factory=list)
    closure_reason: str = ""
    closure_detail: str = ""


@dataclass
class ParticipantPlan:
    population: str
    fields: dict[str, Any]
    episodes: list[EpisodePlan]


# Dates ---------------------------------------------------------------------------------


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _phase_index(days_in_treatment: int, typical_weeks: list[int]) -> int:
    weeks, boundary = days_in_treatment // 7, 0
    for index, length in enumerate(typical_weeks):
        boundary += length
        if weeks < boundary:
            return index
    return len(typical_weeks) - 1


def _admitted(rng: random.Random, status: str, admitted_on: date, end: date, weeks: list[int]):
    referred_on = admitted_on - timedelta(days=rng.randint(1, 10))
    return EpisodePlan(
        status=status,
        referral_source="",
        referred_on=referred_on,
        admitted_on=admitted_on,
        phase_index=_phase_index((end - admitted_on).days, weeks),
    )


def _open_episode(rng, status, today, *, long_wait, admitted_ago, weeks) -> EpisodePlan:
    if status == S.REFERRED:
        wait = rng.randint(8, 21) if long_wait else rng.randint(0, 6)
        return EpisodePlan(status, "", today - timedelta(days=wait))
    if status == S.ASSESSING:
        return EpisodePlan(status, "", today - timedelta(days=rng.randint(3, 10)))
    if status == S.WAIT_LISTED:
        return EpisodePlan(status, "", today - timedelta(days=rng.randint(*WAIT_LISTED_DAYS)))
    if status == S.ON_HOLD:
        admitted_ago = rng.randint(21, 70)
    return _admitted(rng, status, today - timedelta(days=admitted_ago), today, weeks)


def _discharged_episode(
    rng, discharged_on: date, *, was_admitted: bool, weeks, population: str
) -> EpisodePlan:
    if not was_admitted:  # referred, assessed, then referred elsewhere
        referred_on = discharged_on - timedelta(days=rng.randint(14, 30))
        return EpisodePlan(
            S.DISCHARGED,
            "",
            referred_on,
            discharged_on=discharged_on,
            closure_reason=ClosureReason.REFERRED_ELSEWHERE,
            closure_detail=rng.choice(REFERRED_ELSEWHERE[population]),
        )
    admitted_on = discharged_on - timedelta(days=rng.randint(28, 84))
    episode = _admitted(rng, S.DISCHARGED, admitted_on, discharged_on, weeks)
    episode.discharged_on = discharged_on
    return episode


# Care teams ------------------------------------------------------------------------------


def _admitted_team(rng: random.Random, staff: dict[str, list[User]]):
    clinicians, counselor = staff[Role.CLINICIAN], staff[Role.COUNSELOR][0]
    primary = rng.choices([*clinicians, counselor], weights=[2] * len(clinicians) + [1])[0]
    if primary == counselor:
        therapist = counselor.supervisor or clinicians[0]
        team = [(therapist, CareTeamRole.PRIMARY_THERAPIST), (counselor, CareTeamRole.COUNSELOR)]
    else:
        team = [(primary, CareTeamRole.PRIMARY_THERAPIST)]
        if rng.random() < 0.35:
            team.append((counselor, CareTeamRole.COUNSELOR))
    if rng.random() < 0.75:
        team.append((staff[Role.PRESCRIBER][0], CareTeamRole.PRESCRIBER))
    if rng.random() < 0.6:
        team.append((staff[Role.NURSE_TECHNICIAN][0], CareTeamRole.NURSE))
    return primary, team


def _staff_episode(rng: random.Random, episode: EpisodePlan, staff, population: str) -> None:
    sources = REFERRAL_SOURCES[population]
    episode.referral_source = rng.choices(list(sources), weights=list(sources.values()))[0]
    if episode.admitted_on is not None:
        episode.primary_clinician, episode.team = _admitted_team(rng, staff)
    elif episode.status in (S.ASSESSING, S.WAIT_LISTED):  # the clinician who assesses
        assessor = rng.choice(staff[Role.CLINICIAN])
        episode.team = [(assessor, CareTeamRole.PRIMARY_THERAPIST)]


# People ---------------------------------------------------------------------------------


def _mrns(rng: random.Random, count: int) -> list[str]:
    mrns: list[str] = []
    while len(mrns) < count:
        body = str(rng.randint(10_000_000, 99_999_999))
        mrn = body + luhn_check_digit(body)
        if mrn not in mrns:
            mrns.append(mrn)
    return mrns


def _identity(rng: random.Random, last_name: str) -> dict[str, Any]:
    sex, gender, pronouns, legal_names, preferred_names = rng.choices(
        IDENTITIES, weights=IDENTITY_WEIGHTS
    )[0]
    first = rng.choice(legal_names)
    if preferred_names is not None:
        preferred = rng.choice(preferred_names)
    else:
        preferred = NICKNAMES.get(first, "") if rng.random() < 0.6 else ""
    if rng.random() < 0.1:
        pronouns = ""  # not asked yet
    return {
        "legal_first_name": first,
        "legal_last_name": last_name,
        "preferred_name": preferred,
        "pronouns": pronouns,
        "sex_assigned_at_birth": sex,
        "gender_identity": gender,
    }


def _date_of_birth(rng: random.Random, population: str, today: date, first_referral: date):
    lowest, highest = AGES[population]
    born = _years_before(today, rng.randint(lowest, highest)) - timedelta(rng.randint(0, 364))
    if _age_on(born, first_referral) < lowest:  # too young when referred: a year older
        born = _years_before(born, 1)
    return born


def _contact(rng: random.Random, age: int, last_name: str, phone: str) -> dict[str, str]:
    if age < 18:
        relationship = rng.choice(ADOLESCENT_CONTACTS)
    elif rng.random() < 0.2:
        return {}  # none given
    else:
        relationship = rng.choice(YOUNGER_ADULT_CONTACTS if age < 45 else OLDER_ADULT_CONTACTS)
    names, same_family = CONTACTS[relationship]
    contact_last = last_name if same_family else rng.choice(LAST_NAMES)
    return {
        "emergency_contact_name": f"{rng.choice(names)} {contact_last}",
        "emergency_contact_relationship": relationship,
        "emergency_contact_phone": phone,
    }


def _details(rng: random.Random, population: str, person: dict[str, Any]) -> dict[str, Any]:
    details = {"primary_language": rng.choices(["English", "Spanish"], weights=[9, 1])[0]}
    if rng.random() < 0.85:
        details["address"] = f"{rng.randint(100, 4999)} {rng.choice(STREETS)}\n{CITY_LINE}"
    if population == Population.ADULT and rng.random() < 0.5:
        first = person["preferred_name"] or person["legal_first_name"]
        details["email"] = f"{first}.{person['legal_last_name']}@example.com".lower()
    return details


# The plan --------------------------------------------------------------------------------


def _journeys() -> list[tuple[str, tuple[str, ...]]]:
    return [
        (population, statuses)
        for population, table in DEMO_JOURNEYS.items()
        for statuses, count in table
        for _ in range(count)
    ]


def _active_admissions(rng: random.Random, journeys) -> dict[str, list[int]]:
    """Days since admission for each active episode, spread evenly over the span."""
    spread = {}
    for population in DEMO_JOURNEYS:
        count = sum(statuses[-1] == S.ACTIVE for pop, statuses in journeys if pop == population)
        step = ACTIVE_ADMISSION_SPAN_DAYS / max(count, 1)
        spread[population] = [int((index + rng.random()) * step) for index in range(count)]
    return spread


def _episodes(rng, population, statuses, today, seen: Counter, admissions, weeks):
    latest = statuses[-1]
    seen[population, latest] += 1
    episodes = []
    if latest != S.DISCHARGED:
        admitted_ago = admissions[population].pop() if latest == S.ACTIVE else 0
        long_wait = seen[population, latest] % 2 == 1
        episodes.append(
            _open_episode(
                rng, latest, today, long_wait=long_wait, admitted_ago=admitted_ago, weeks=weeks
            )
        )
    if statuses[0] == S.DISCHARGED:
        if episodes:  # a readmission: the earlier stay ended a while before this referral
            discharged_on = episodes[0].referred_on - timedelta(days=rng.randint(14, 60))
        else:
            discharged_on = today - timedelta(days=rng.randint(3, 120))
        # The first plain discharges in each program never started treatment.
        was_admitted = bool(episodes) or seen[population, latest] > CLOSED_REFERRALS[population]
        episodes.insert(
            0,
            _discharged_episode(
                rng, discharged_on, was_admitted=was_admitted, weeks=weeks, population=population
            ),
        )
    return episodes


def build_plans(
    rng: random.Random,
    today: date,
    staff: dict[str, list[User]],
    typical_weeks: dict[str, list[int]],
) -> list[ParticipantPlan]:
    """The whole demo population. Every choice comes from ``rng`` (staff are picked by their
    place in the cast), so the same generator and ``today`` give the same plan."""
    journeys = _journeys()
    mrns = _mrns(rng, len(journeys))
    last_names = rng.sample(LAST_NAMES, len(journeys))
    phones = rng.sample(
        [f"{area}-555-01{n:02d}" for area in AREA_CODES for n in range(100)], 2 * len(journeys)
    )
    admissions = _active_admissions(rng, journeys)
    seen: Counter = Counter()
    plans = []
    for index, (population, statuses) in enumerate(journeys):
        weeks = typical_weeks[population]
        episodes = _episodes(rng, population, statuses, today, seen, admissions, weeks)
        for episode in episodes:
            _staff_episode(rng, episode, staff, population)
        person = _identity(rng, last_names[index])
        person["mrn"] = mrns[index]
        person["date_of_birth"] = _date_of_birth(rng, population, today, episodes[0].referred_on)
        person["phone"] = phones[2 * index]
        age = _age_on(person["date_of_birth"], today)
        person.update(_contact(rng, age, last_names[index], phones[2 * index + 1]))
        person.update(_details(rng, population, person))
        plans.append(ParticipantPlan(population, person, episodes))
    return plans


# Writing ---------------------------------------------------------------------------------


def _save(instance) -> None:
    instance.full_clean()
    instance.save()


def _write(plan: ParticipantPlan, program, phases) -> None:
    """Create the participant, with their episodes and care teams."""
    participant = Participant(**plan.fields)
    _save(participant)
    audit_record(
        actor=None,
        action=AuditAction.PARTICIPANT_REGISTERED,
        target=participant,
        participant=participant,
        category=DataCategory.DEMOGRAPHICS,
        details={"source": "demo"},
    )
    for item in plan.episodes:  # oldest first: a readmission needs the discharge saved
        episode = Episode(
            participant=participant,
            program=program,
            status=item.status,
            referral_source=item.referral_source,
            referred_on=item.referred_on,
            admitted_on=item.admitted_on,
            discharged_on=item.discharged_on,
            primary_clinician=item.primary_clinician,
            current_phase=None if item.phase_index is None else phases[item.phase_index],
            closure_reason=item.closure_reason,
            closure_detail=item.closure_detail,
        )
        _save(episode)
        for user, role in item.team:
            _save(CareTeamMember(episode=episode, user=user, role=role))


def _summary(plans: list[ParticipantPlan], programs) -> list[str]:
    lines = []
    for population, program in programs.items():
        counts = Counter(
            episode.status
            for plan in plans
            if plan.population == population
            for episode in plan.episodes
        )
        parts = ", ".join(f"{counts[status]} {status.label.lower()}" for status in S)
        closed = sum(
            bool(episode.closure_reason)
            for plan in plans
            if plan.population == population
            for episode in plan.episodes
        )
        lines.append(f"  {program.name}: {parts} ({closed} closed before admission)")
    return lines


def load(context: "DemoContext") -> None:
    programs, phases = context.data["programs"], context.data["phases"]
    typical_weeks = {pop: [phase.typical_weeks for phase in phases[pop]] for pop in phases}
    plans = build_plans(
        context.random_for("participants"), context.today, context.data["staff"], typical_weeks
    )
    mrns = [plan.fields["mrn"] for plan in plans]
    on_file = set(Participant.objects.filter(mrn__in=mrns).values_list("mrn", flat=True))
    new = [plan for plan in plans if plan.fields["mrn"] not in on_file]
    for plan in new:
        _write(plan, programs[plan.population], phases[plan.population])
    context.log(f"Participants: {len(plans)} ({len(new)} new); episodes by status:")
    for line in _summary(plans, programs):
        context.log(line)
