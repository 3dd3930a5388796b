"""Risk rules for check-ins and the 42 CFR Part 2 consent elements: table tests and
properties."""

import datetime
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from openiop.participants.rules import (
    REQUIRED_ELEMENTS,
    consent_is_active,
    consent_missing_elements,
)
from openiop.recovery import rules
from openiop.recovery.rules import Answers, Use, parse_resources, risk_codes

# (craving, use, self-harm thoughts, threshold) -> risk codes, most urgent first
TABLE = [
    (0, Use.NO, False, 8, []),
    (7, Use.NO, False, 8, []),
    (8, Use.NO, False, 8, [rules.CRAVING_HIGH]),
    (10, Use.NO, False, 8, [rules.CRAVING_HIGH]),
    (5, Use.NO, False, 5, [rules.CRAVING_HIGH]),
    (0, Use.YES, False, 8, [rules.USE_REPORTED]),
    (0, Use.NOT_SAYING, False, 8, []),
    (0, Use.NO, True, 8, [rules.SELF_HARM]),
    (9, Use.YES, True, 8, [rules.SELF_HARM, rules.USE_REPORTED, rules.CRAVING_HIGH]),
]


@pytest.mark.parametrize(("craving", "use", "harm", "threshold", "expected"), TABLE)
def test_risk_codes_table(craving, use, harm, threshold, expected):
    answers = Answers(craving=craving, use=use, self_harm_thoughts=harm)
    assert risk_codes(answers, craving_threshold=threshold) == expected


@given(
    craving=st.integers(0, 10),
    use=st.sampled_from([Use.NO, Use.YES, Use.NOT_SAYING]),
    harm=st.booleans(),
    threshold=st.integers(1, 10),
)
def test_self_harm_is_always_signalled_first_and_every_code_has_a_severity(
    craving, use, harm, threshold
):
    codes = risk_codes(Answers(craving, use, harm), craving_threshold=threshold)
    assert (rules.SELF_HARM in codes) is harm
    if harm:
        assert codes[0] == rules.SELF_HARM
    assert (rules.CRAVING_HIGH in codes) is (craving >= threshold)
    assert all(code in rules.RISK_SEVERITY for code in codes)


@given(craving=st.integers(0, 10), threshold=st.integers(1, 9))
def test_raising_the_threshold_never_adds_a_craving_signal(craving, threshold):
    lower = risk_codes(Answers(craving, Use.NO, False), craving_threshold=threshold)
    higher = risk_codes(Answers(craving, Use.NO, False), craving_threshold=threshold + 1)
    assert len(higher) <= len(lower)


def test_resource_lines_keep_only_web_and_phone_links():
    parsed = parse_resources(
        [
            "AA | https://www.aa.org",
            "Helpline | tel:18006624357",
            "Bad | javascript:alert(1)",
            " ",
            "Plain",
        ]
    )
    assert [(r.name, r.link) for r in parsed] == [
        ("AA", "https://www.aa.org"),
        ("Helpline", "tel:18006624357"),
        ("Bad", ""),
        ("Plain", ""),
    ]


# ----------------------------------------------------------------------------- consent

TODAY = datetime.date(2026, 6, 1)


def _consent(**changes):
    fields = {
        "participant_id": 1,
        "program_id": 1,
        "recipient_name": "Jordan Rivera",
        "purpose": "Support recovery",
        "categories": ["family_sessions"],
        "right_to_revoke_explained": True,
        "expires_on": TODAY + datetime.timedelta(days=30),
        "signature_name": "Alex Doe",
        "signed_on": TODAY,
        "revoked_at": None,
    }
    fields.update(changes)
    return SimpleNamespace(**fields)


def test_a_complete_consent_is_active_from_signature_to_expiry():
    consent = _consent()
    assert consent_missing_elements(consent) == []
    assert consent_is_active(consent, TODAY)
    assert consent_is_active(consent, TODAY + datetime.timedelta(days=30))
    assert not consent_is_active(consent, TODAY + datetime.timedelta(days=31))
    assert not consent_is_active(consent, TODAY - datetime.timedelta(days=1))


BLANK = {str: "  ", list: [], bool: False}


@pytest.mark.parametrize(
    ("code", "attribute"), [(code, attr) for code, attr, _l in REQUIRED_ELEMENTS]
)
def test_a_consent_missing_any_element_is_never_active(code, attribute):
    value = getattr(_consent(), attribute)
    blank = BLANK.get(type(value))
    consent = _consent(**{attribute: blank})
    assert consent_missing_elements(consent) == [code]
    assert not consent_is_active(consent, TODAY)


def test_a_revoked_consent_is_not_active():
    assert not consent_is_active(_consent(revoked_at=datetime.datetime(2026, 6, 1)), TODAY)
