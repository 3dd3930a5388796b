"""Note formats as data: which sections a note has and the prompt shown under each.

Pure (no ORM). DAP (data, assessment, plan), BIRP (behavior, intervention, response, plan) and
SOAP (subjective, objective, assessment, plan) are the structured formats behavioral health
programs commonly document in; ``narrative`` is a short free-text note (a phone call, a case
management contact). A program changes the prompts of its own formats (``NoteTemplate``);
section keys and labels stay fixed so that notes read the same everywhere.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace

from django.utils.translation import gettext_lazy as _

PROMPT_MAX_LENGTH = 500


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    prompt: str
    required: bool = True  # must be filled in before the note can be signed


@dataclass(frozen=True)
class NoteFormat:
    code: str
    name: str
    sections: tuple[Section, ...]

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(section.key for section in self.sections)

    def section(self, key: str) -> Section:
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


_PLAN = Section(
    "plan",
    _("Plan"),
    _("Next steps: homework, referrals, the next session and what it will address."),
)

FORMATS: dict[str, NoteFormat] = {
    "dap": NoteFormat(
        "dap",
        _("DAP"),
        (
            Section(
                "data",
                _("Data"),
                _(
                    "What was observed and said: the participant's report, presentation, "
                    "mood and affect, and what happened in the session."
                ),
            ),
            Section(
                "assessment",
                _("Assessment"),
                _(
                    "Your clinical interpretation: progress toward plan objectives, risk, "
                    "readiness for change."
                ),
            ),
            _PLAN,
        ),
    ),
    "birp": NoteFormat(
        "birp",
        _("BIRP"),
        (
            Section(
                "behavior",
                _("Behavior"),
                _("The participant's presentation and behavior, observed and reported."),
            ),
            Section(
                "intervention",
                _("Intervention"),
                _("What you did: the techniques used and the plan objectives they served."),
            ),
            Section(
                "response",
                _("Response"),
                _("How the participant responded to the intervention."),
            ),
            _PLAN,
        ),
    ),
    "soap": NoteFormat(
        "soap",
        _("SOAP"),
        (
            Section(
                "subjective",
                _("Subjective"),
                _("The participant's own account: symptoms, cravings, use, concerns."),
            ),
            Section(
                "objective",
                _("Objective"),
                _("What you observed and measured: presentation, test results, scores."),
            ),
            Section(
                "assessment",
                _("Assessment"),
                _("Your clinical impression and progress toward plan objectives."),
            ),
            _PLAN,
        ),
    ),
    "narrative": NoteFormat(
        "narrative",
        _("Narrative"),
        (
            Section(
                "narrative",
                _("Note"),
                _("A short account of the contact: purpose, what happened, follow-up."),
            ),
        ),
    ),
}

CHOICES: list[tuple[str, str]] = [(code, spec.name) for code, spec in FORMATS.items()]


def get(code: str) -> NoteFormat:
    try:
        return FORMATS[code]
    except KeyError:
        raise ValueError(f"Unknown note format {code!r}") from None


def with_prompts(spec: NoteFormat, prompts: Mapping[str, str]) -> NoteFormat:
    """``spec`` with a program's prompts (section key -> prompt) in place of the defaults.
    Blank or unknown keys are ignored: a blank prompt falls back to the default."""
    sections = tuple(
        replace(section, prompt=prompts[section.key].strip())
        if (prompts.get(section.key) or "").strip()
        else section
        for section in spec.sections
    )
    return replace(spec, sections=sections)


def clean_content(spec: NoteFormat, content: Mapping[str, object]) -> dict[str, str]:
    """The note's text per section: known sections only, as stripped strings."""
    return {key: str(content.get(key) or "").strip() for key in spec.keys}


def missing_sections(spec: NoteFormat, content: Mapping[str, object]) -> list[Section]:
    """Required sections still empty (a note with any cannot be signed)."""
    cleaned = clean_content(spec, content)
    return [section for section in spec.sections if section.required and not cleaned[section.key]]
