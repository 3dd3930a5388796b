"""42 CFR Part 2 consent rules: data plus small pure functions.

Source: 42 CFR 2.31(a) (2024 final rule, 89 FR 12472): a written consent names the patient,
the person or program permitted to disclose, how much and what kind of information is to be
disclosed, the recipient(s), the purpose, a statement of the right to revoke, an expiration
date, event or condition, the patient's signature and the date signed. 2.31(a)(6) and
security-properties.md P2-1: a consent missing any element is not valid; P2-3: revocation and
expiry take effect at once (checked on every request, never cached).
"""

from datetime import date

from django.utils.translation import gettext_lazy as _

# element code -> (attribute, how it reads when missing)
REQUIRED_ELEMENTS: tuple[tuple[str, str, object], ...] = (
    ("patient", "participant_id", _("the participant (patient)")),
    ("discloser", "program_id", _("the program disclosing")),
    ("recipient", "recipient_name", _("the recipient's name")),
    ("purpose", "purpose", _("the purpose")),
    ("information", "categories", _("what may be shared")),
    ("right_to_revoke", "right_to_revoke_explained", _("the right to revoke")),
    ("expiry", "expires_on", _("the expiry date")),
    ("signature", "signature_name", _("the signature")),
    ("date_signed", "signed_on", _("the date signed")),
)


def _present(value) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return bool(value)
    return value is not None and value is not False


def consent_missing_elements(consent) -> list[str]:
    """Codes of the required elements ``consent`` lacks (empty: complete)."""
    return [
        code
        for code, attribute, _label in REQUIRED_ELEMENTS
        if not _present(getattr(consent, attribute, None))
    ]


def element_labels(codes: list[str]) -> list[str]:
    labels = {code: label for code, _attribute, label in REQUIRED_ELEMENTS}
    return [str(labels[code]) for code in codes]


def consent_is_active(consent, day: date) -> bool:
    """Complete, not revoked, signed on or before ``day`` and not expired on ``day``."""
    if consent.revoked_at is not None or consent_missing_elements(consent):
        return False
    return consent.signed_on <= day <= consent.expires_on
