"""Pure rules: note timeliness, formats, and the attendee-name check."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.notes import formats, privacy, rules
from openiop.notes.rules import NoteTimeliness, Urgency

ZONE = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        (0, Urgency.ON_TIME),
        (23.9, Urgency.ON_TIME),
        (24, Urgency.ON_TIME),  # "past 24 hours" means more than 24
        (24.01, Urgency.FLAGGED),
        (72, Urgency.FLAGGED),
        (72.01, Urgency.OVERDUE),
        (500, Urgency.OVERDUE),
    ],
)
def test_default_thresholds(hours, expected):
    assert rules.urgency(hours) == expected


def test_a_programs_own_thresholds():
    policy = NoteTimeliness(flag_after_hours=4, overdue_after_hours=8)
    assert [rules.urgency(h, policy) for h in (3, 5, 9)] == [
        Urgency.ON_TIME,
        Urgency.FLAGGED,
        Urgency.OVERDUE,
    ]


@pytest.mark.parametrize(("flag", "overdue"), [(0, 5), (5, 5), (6, 5)])
def test_thresholds_must_be_ordered(flag, overdue):
    with pytest.raises(ValueError):
        NoteTimeliness(flag_after_hours=flag, overdue_after_hours=overdue)


@given(st.floats(0, 1000), st.floats(0, 1000))
def test_urgency_never_decreases_with_age(a, b):
    order = list(Urgency)
    low, high = sorted((a, b))
    assert order.index(rules.urgency(low)) <= order.index(rules.urgency(high))


def test_age_runs_from_the_end_of_the_service_and_is_never_negative():
    fallback = datetime.datetime(2026, 3, 1, 8, 0, tzinfo=ZONE)
    ended = rules.service_ended_at(
        datetime.date(2026, 3, 2), datetime.time(11, 30), ZONE, fallback=fallback
    )
    assert ended == datetime.datetime(2026, 3, 2, 11, 30, tzinfo=ZONE)
    assert rules.age_hours(ended, ended + datetime.timedelta(hours=30)) == 30
    assert rules.age_hours(ended, ended - datetime.timedelta(hours=2)) == 0
    unknown_end = rules.service_ended_at(datetime.date(2026, 3, 2), None, ZONE, fallback=fallback)
    assert unknown_end == fallback


# --- Formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "keys"),
    [
        ("dap", ("data", "assessment", "plan")),
        ("birp", ("behavior", "intervention", "response", "plan")),
        ("soap", ("subjective", "objective", "assessment", "plan")),
        ("narrative", ("narrative",)),
    ],
)
def test_each_format_has_its_sections(code, keys):
    assert formats.get(code).keys == keys


def test_a_programs_prompts_replace_the_defaults_and_blank_falls_back():
    spec = formats.with_prompts(formats.get("dap"), {"data": "  What did they bring? ", "plan": ""})
    assert spec.section("data").prompt == "What did they bring?"
    assert spec.section("plan").prompt == formats.get("dap").section("plan").prompt
    assert spec.keys == formats.get("dap").keys


def test_missing_sections_and_cleaning():
    spec = formats.get("birp")
    content = {"behavior": " calm ", "response": "   ", "extra": "dropped"}
    assert formats.clean_content(spec, content) == {
        "behavior": "calm",
        "intervention": "",
        "response": "",
        "plan": "",
    }
    assert [s.key for s in formats.missing_sections(spec, content)] == [
        "intervention",
        "response",
        "plan",
    ]
    with pytest.raises(ValueError):
        formats.get("poem")


# --- Attendee names --------------------------------------------------------------------------

MARIA = privacy.Person(1, ("Maria", "Lopez-Garcia", "Mari"))
AL = privacy.Person(2, ("Alan", "Ng", ""))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Maria shared a trigger.", "Maria"),
        ("maria shared a trigger.", "maria"),
        ("Maria's sister visited.", "Maria"),
        ("Spoke with Ms. Lopez-Garcia.", "Lopez-Garcia"),
        ("Spoke with Ms. Garcia.", "Garcia"),
        ("Mari arrived late.", "Mari"),
        ("Marianne arrived late.", None),  # whole words only
        ("The Marina was closed.", None),
        ("A peer offered support.", None),
    ],
)
def test_names_are_found_as_whole_words_ignoring_case(text, found):
    assert privacy.find_name(text, MARIA.names) == found


def test_shared_text_may_name_no_one_and_a_section_only_its_owner():
    leaks = privacy.name_leaks(
        people=[MARIA, AL],
        shared={"Group process": "Alan led the check-in.", "Topic": "Sleep"},
        sections={
            1: {"Response": "Maria said she sleeps better."},  # her own name: fine
            2: {"Response": "Responded to Maria with empathy."},
        },
    )
    assert leaks == [
        privacy.Leak(None, "Group process", 2, "Alan"),
        privacy.Leak(2, "Response", 1, "Maria"),
    ]


def test_one_letter_names_are_not_searched():
    person = privacy.Person(3, ("J", "Ng", ""))
    assert privacy.find_name("j and a peer", person.names) is None
    assert privacy.find_name("Mr Ng", person.names) == "Ng"


NAME = st.text(alphabet=st.characters(categories=["Lu", "Ll"]), min_size=2, max_size=12)


@given(NAME, st.sampled_from(["{} said", "with {}.", "{}'s", "({})"]))
def test_a_name_written_in_text_is_always_found(name, template):
    assert privacy.find_name(template.format(name), [name]) is not None
