"""A program can define its own simple sum-scored instrument and score it like any other."""

import copy
import json

import pytest

from openiop.assessments.instruments import (
    INSTRUMENTS,
    Instrument,
    Score,
    load_definition,
    register,
    score,
)

SLEEP_CHECK = {
    "code": "sleep_check",
    "name": "Sleep check",
    "recall_period": "Past 7 days",
    "citation": "Written by the Evening IOP clinical team, 2025.",
    "licence": "Written by the program; no restrictions.",
    "requires_program_opt_in": False,
    "items": [
        {
            "text": "Trouble falling asleep",
            "options": [[0, "Never"], [1, "Some nights"], [2, "Most nights"]],
        },
        {
            "text": "Waking too early",
            "options": [[0, "Never"], [1, "Some nights"], [2, "Most nights"]],
        },
        {"text": "Used something to get to sleep", "options": [[0, "No"], [3, "Yes"]]},
    ],
    "bands": [[0, "none"], [2, "some"], [5, "marked"]],
    "subscales": {"insomnia": [1, 2]},
    "alerts": [{"item": 3, "at_least": 3, "alert": "sleep_aid_use"}],
}


@pytest.fixture
def registered():
    codes = []

    def _register(definition):
        instrument = register(load_definition(definition))
        codes.append(instrument.code)
        return instrument

    yield _register
    for code in codes:
        INSTRUMENTS.pop(code, None)


def test_a_definition_from_json_loads_registers_and_scores(registered):
    instrument = registered(json.loads(json.dumps(SLEEP_CHECK)))
    assert isinstance(instrument, Instrument)
    assert instrument.total_range == (0, 7)
    assert [item.number for item in instrument.items] == ["1", "2", "3"]
    assert score("sleep_check", [1, 2, 0]) == Score(3, "some", {"insomnia": 3}, ())
    assert score("sleep_check", [2, 2, 3]) == Score(
        7, "marked", {"insomnia": 4}, ("sleep_aid_use",)
    )
    assert score("sleep_check", [0, 0, 0]).band == "none"


def test_a_loaded_instrument_validates_answers_like_the_built_in_ones(registered):
    registered(SLEEP_CHECK)
    with pytest.raises(ValueError, match=r"^Sleep check item 3: 1 is not one of 0, 3$"):
        score("sleep_check", [0, 0, 1])
    with pytest.raises(ValueError, match=r"^Sleep check item 2: no answer \(None\)"):
        score("sleep_check", [0, None, 0])
    with pytest.raises(ValueError, match=r"^Sleep check takes 3 answers"):
        score("sleep_check", [0, 0])


def test_a_code_already_in_use_is_refused(registered):
    registered(SLEEP_CHECK)
    with pytest.raises(ValueError, match="already registered"):
        register(load_definition(SLEEP_CHECK))
    with pytest.raises(ValueError, match="'phq9' is already registered"):
        register(load_definition({**SLEEP_CHECK, "code": "phq9"}))


def test_register_takes_only_instruments():
    with pytest.raises(ValueError, match="only an Instrument"):
        register(SLEEP_CHECK)


def changed(path, value):
    """A copy of SLEEP_CHECK with the value at ``path`` replaced (or removed if value is ...)."""
    definition = copy.deepcopy(SLEEP_CHECK)
    target = definition
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return definition


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ([], "definition must be an object"),
        (changed(["name"], ...), "definition is missing name"),
        (changed(["scoring"], "sum"), "unknown keys: scoring"),
        (changed(["code"], "Sleep Check"), "code 'Sleep Check' must start with a letter"),
        (changed(["code"], "1sleep"), "must start with a letter"),
        (changed(["name"], "  "), "name must be non-empty text"),
        (changed(["items"], []), "items must be a non-empty list"),
        (changed(["items", 0, "options"], [[0, "Never"]]), "item 1: options must be a list"),
        (changed(["items", 1, "options", 1], [0, "Again"]), "item 2: option values must be unique"),
        (
            changed(["items", 2, "options", 1], [True, "Yes"]),
            "item 3: option value must be an integer",
        ),
        (
            changed(["items", 2, "options", 1], ["3", "Yes"]),
            "item 3: option value must be an integer",
        ),
        (
            changed(["items", 2, "options", 1], [-1, "Yes"]),
            "item 3: option value -1 must not be negative",
        ),
        (
            changed(["items", 2, "options", 1], [3]),
            r"item 3: option \[3\] is not a \[value, label\] pair",
        ),
        (changed(["items", 0, "prompt"], "x"), "item 1 has unknown keys: prompt"),
        (
            changed(["bands"], [[1, "none"], [5, "marked"]]),
            "must start at the lowest possible total 0",
        ),
        (changed(["bands"], [[0, "none"], [5, "some"], [5, "marked"]]), "must strictly increase"),
        (changed(["bands"], [[0, "none"], [5, "some"], [2, "marked"]]), "must strictly increase"),
        (changed(["bands"], [[0, "none"], [8, "marked"]]), "above the highest possible total 7"),
        (changed(["bands"], [[0, "none"], [5, "none"]]), "band codes must be unique"),
        (changed(["bands"], [[0, "None"]]), "band code 'None' must be lower-case"),
        (changed(["bands"], [[0.0, "none"]]), "band floor 0.0 is not an integer"),
        (changed(["bands"], []), "bands must be a non-empty list"),
        (changed(["subscales"], {"insomnia": [1, 4]}), "subscale insomnia: there is no item 4"),
        (changed(["subscales"], {"insomnia": [1, 1]}), "an item is listed twice"),
        (changed(["subscales"], {"insomnia": []}), "must list at least one item number"),
        (changed(["subscales"], {"Insomnia": [1]}), "subscale name 'Insomnia'"),
        (changed(["alerts", 0, "item"], 9), "alert rule 1: there is no item 9"),
        (changed(["alerts", 0, "at_least"], 4), "at_least 4 must be above"),
        (changed(["alerts", 0, "at_least"], 0), "at_least 0 must be above"),
        (changed(["alerts", 0, "alert"], "Sleep aid!"), "alert rule 1: alert 'Sleep aid!'"),
        (changed(["alerts", 0, "when"], "always"), "alert rule 1 has unknown keys: when"),
        (
            changed(["requires_program_opt_in"], "no"),
            "requires_program_opt_in must be true or false",
        ),
    ],
)
def test_bad_definitions_are_refused_saying_where(definition, message):
    with pytest.raises(ValueError, match=message):
        load_definition(definition)


def test_the_shape_in_the_docs_loads():
    """docs/instruments.md shows this definition; keep them in step."""
    from pathlib import Path

    docs = Path(__file__).resolve().parents[3] / "docs" / "instruments.md"
    text = docs.read_text(encoding="utf-8")
    start = text.index("```json\n") + len("```json\n")
    example = json.loads(text[start : text.index("```", start)])
    instrument = load_definition(example)
    assert instrument.code == example["code"]
