"""Forms built from an instrument's definition: one radio group per item, keyboard friendly."""

import copy

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openiop.assessments.instruments import parse_definition_json
from openiop.assessments.instruments.custom import MAX_FILE_BYTES
from openiop.assessments.models import AlertAction
from openiop.assessments.schedule import ALWAYS, MAX_EVERY_DAYS, TRAUMA_INDICATED
from openiop.core.forms import BootstrapFormMixin, DateInput

# Answers an instrument needs besides its items (the scoring ``context``), asked explicitly.
CONTEXT_FIELDS = {
    "auditc": {
        "sex": forms.ChoiceField(
            label=_("Sex used for the AUDIT-C threshold"),
            choices=[
                ("", "—"),
                ("female", _("Female (positive at 3)")),
                ("male", _("Male (positive at 4)")),
            ],
            help_text=_("Chosen by the clinician, never inferred."),
        )
    },
    "cssrs": {
        "behavior_within_3_months": forms.TypedChoiceField(
            label=_("If question 6 is yes: was it within the past 3 months?"),
            choices=[("", _("Not applicable")), ("yes", _("Yes")), ("no", _("No"))],
            coerce=lambda value: value == "yes",
            empty_value=None,
            required=False,
        )
    },
}


def _value_key(value) -> str:
    return "yes" if value is True else "no" if value is False else str(value)


class AdministrationForm(BootstrapFormMixin, forms.Form):
    """``item_<n>`` fields in item order; every item must be answered unless the instrument's
    own rule skips it (the scoring library decides, and names the item if not)."""

    administered_on = forms.DateField(label=_("Date given"), widget=DateInput())

    def __init__(self, *args, instrument, initial_answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["administered_on"].initial = timezone.localdate()
        self._values = {}
        for index, item in enumerate(instrument.items):
            name = f"item_{index + 1}"
            options = [(_value_key(value), label) for value, label in item.options]
            self._values[name] = {_value_key(value): value for value, label in item.options}
            self.fields[name] = forms.ChoiceField(
                label=f"{item.number}. {item.text}",
                choices=options,
                widget=forms.RadioSelect,
                required=False,
            )
            if initial_answers is not None and index < len(initial_answers):
                answer = initial_answers[index]
                self.fields[name].initial = None if answer is None else _value_key(answer)
        for name, field in CONTEXT_FIELDS.get(instrument.code, {}).items():
            self.fields[name] = copy.deepcopy(field)  # never share widget state across forms
        self.style_fields()

    @property
    def item_fields(self):
        return [self[name] for name in self._values]

    @property
    def context_fields(self):
        return [self[name] for name in CONTEXT_FIELDS.get(self.instrument.code, {})]

    def answers(self) -> list:
        """Item values in order; an unanswered item is None (never zero)."""
        return [self._values[name].get(self.cleaned_data.get(name) or "") for name in self._values]

    def context(self) -> dict:
        context = {}
        for name in CONTEXT_FIELDS.get(self.instrument.code, {}):
            value = self.cleaned_data.get(name)
            if value not in (None, ""):
                context[name] = value
        return context


class CorrectionForm(AdministrationForm):
    correction_reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=200,
        help_text=_("For example: item 4 was entered as 3, the participant answered 1."),
    )


class AcknowledgeForm(BootstrapFormMixin, forms.Form):
    action_taken = forms.ChoiceField(label=_("Action taken"), choices=AlertAction.choices)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


SUBSTANCE_ROWS = 4


class DimensionalAssessmentForm(BootstrapFormMixin, forms.Form):
    """Six dimension ratings with narratives, substance use history and circumstances."""

    assessed_on = forms.DateField(label=_("Date of assessment"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        from openiop.assessments.levels import DIMENSIONS, LEVEL_LABELS

        super().__init__(*args, **kwargs)
        self.fields["assessed_on"].initial = timezone.localdate()
        for number, name in DIMENSIONS:
            self.fields[f"rating_{number}"] = forms.TypedChoiceField(
                label=f"{number}. {name}",
                choices=[(str(r), str(r)) for r in range(5)],
                coerce=int,
                widget=forms.RadioSelect,
            )
            self.fields[f"narrative_{number}"] = forms.CharField(
                label=_("Narrative for dimension %(n)s") % {"n": number},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for row in range(1, SUBSTANCE_ROWS + 1):
            for field, label in (
                ("substance", _("Substance")),
                ("route", _("Route")),
                ("frequency", _("Frequency")),
            ):
                self.fields[f"use_{row}_{field}"] = forms.CharField(
                    label=f"{label} ({row})", required=False, max_length=80
                )
            self.fields[f"use_{row}_age"] = forms.IntegerField(
                label=_("Age at first use (%(row)s)") % {"row": row},
                required=False,
                min_value=1,
                max_value=100,
            )
        for name, label in (
            ("co_occurring", _("Co-occurring conditions")),
            ("housing", _("Housing")),
            ("work_school", _("Work or school")),
            ("family", _("Family and relationships")),
            ("legal", _("Legal")),
            ("transport", _("Transport")),
        ):
            self.fields[name] = forms.CharField(
                label=label, required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
        self.fields["chosen_level"] = forms.ChoiceField(
            label=_("Level of care chosen"),
            required=False,
            choices=[("", _("Accept the suggested level")), *LEVEL_LABELS.items()],
        )
        self.fields["justification"] = forms.CharField(
            label=_("Justification (needed when the level differs from the suggestion)"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        self.style_fields()

    def dimension_rows(self):
        from openiop.assessments.levels import DIMENSIONS

        return [(self[f"rating_{n}"], self[f"narrative_{n}"]) for n, _name in DIMENSIONS]

    def substance_rows(self):
        return [
            [self[f"use_{row}_{f}"] for f in ("substance", "route", "frequency", "age")]
            for row in range(1, SUBSTANCE_ROWS + 1)
        ]

    def circumstance_fields(self):
        names = ("co_occurring", "housing", "work_school", "family", "legal", "transport")
        return [self[name] for name in names]

    def ratings(self) -> dict[int, int]:
        from openiop.assessments.levels import DIMENSIONS

        return {n: self.cleaned_data[f"rating_{n}"] for n, _name in DIMENSIONS}

    def service_arguments(self) -> dict:
        from openiop.assessments.levels import DIMENSIONS

        data = self.cleaned_data
        uses = []
        for row in range(1, SUBSTANCE_ROWS + 1):
            entry = {f: data.get(f"use_{row}_{f}") for f in ("substance", "route", "frequency")}
            entry["age_first_use"] = data.get(f"use_{row}_age")
            if entry["substance"]:
                uses.append(entry)
        return {
            "assessed_on": data["assessed_on"],
            "ratings": self.ratings(),
            "narratives": {n: data.get(f"narrative_{n}", "") for n, _name in DIMENSIONS},
            "substance_use": uses,
            "chosen_level": data.get("chosen_level", ""),
            "justification": data.get("justification", ""),
            **{
                name: data.get(name, "")
                for name in (
                    "co_occurring",
                    "housing",
                    "work_school",
                    "family",
                    "legal",
                    "transport",
                )
            },
        }


CONDITION_CHOICES = [
    (ALWAYS, _("always")),
    (TRAUMA_INDICATED, _("only while trauma is indicated (latest PCL-5)")),
]


class ScheduleForm(BootstrapFormMixin, forms.Form):
    """One program's measurement schedule: for each instrument, whether it is given at intake,
    every how many days it repeats (blank: no repeat) and on what condition."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, settings, **kwargs):
        kwargs.setdefault("prefix", str(settings.program.public_id))
        super().__init__(*args, **kwargs)
        self.settings = settings
        self.fields["version"].initial = settings.version
        for instrument, rule, _is_offered in settings.rows:
            code = instrument.code
            self.fields[f"at_intake_{code}"] = forms.BooleanField(
                label=_("%(name)s at intake") % {"name": instrument.name},
                required=False,
                initial=rule.at_intake,
            )
            self.fields[f"every_days_{code}"] = forms.IntegerField(
                label=_("%(name)s every (days)") % {"name": instrument.name},
                required=False,
                min_value=1,
                max_value=MAX_EVERY_DAYS,
                initial=rule.every_days,
                error_messages={
                    "invalid": _("Enter a whole number of days, or leave it blank."),
                    "min_value": _("At least 1 day."),
                    "max_value": _("At most %(limit_value)s days."),
                },
            )
            self.fields[f"condition_{code}"] = forms.ChoiceField(
                label=_("%(name)s repeats") % {"name": instrument.name},
                choices=CONDITION_CHOICES,
                initial=rule.condition,
            )
        self.style_fields()

    def clean(self):
        data = super().clean()
        for instrument, _rule, _is_offered in self.settings.rows:
            code = instrument.code
            condition = data.get(f"condition_{code}")
            field = f"every_days_{code}"
            needs_interval = condition not in (None, ALWAYS) and data.get(field) is None
            if needs_interval and field not in self.errors:
                self.add_error(
                    field, _("A condition applies to the repeats: give the interval too.")
                )
        return data

    @property
    def rows(self):
        """(instrument, is offered, at intake, every N days, condition) for the template."""
        return [
            (
                instrument,
                is_offered,
                self[f"at_intake_{instrument.code}"],
                self[f"every_days_{instrument.code}"],
                self[f"condition_{instrument.code}"],
            )
            for instrument, _rule, is_offered in self.settings.rows
        ]

    def rules(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "instrument": instrument.code,
                "at_intake": data[f"at_intake_{instrument.code}"],
                "every_days": data[f"every_days_{instrument.code}"],
                "condition": data[f"condition_{instrument.code}"],
            }
            for instrument, _rule, _is_offered in self.settings.rows
        ]


class InstrumentDefinitionForm(BootstrapFormMixin, forms.Form):
    """A program's own instrument, from a definition file (JSON, see docs/instruments.md)."""

    program = forms.ChoiceField(label=_("Program"))
    definition = forms.FileField(
        label=_("Definition file (JSON)"),
        help_text=_("At most 100 KB. The format is described in docs/instruments.md."),
        error_messages={"required": _("Choose the definition file to upload.")},
    )
    licence_acknowledged = forms.BooleanField(
        label=_("I have read and accept the licence terms given in the file"),
        help_text=_("Needed when the file says its licence limits use."),
        required=False,
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.programs = {str(program.public_id): program for program in programs}
        self.fields["program"].choices = [
            (public_id, program.name) for public_id, program in self.programs.items()
        ]
        self.file_name = ""

    def clean_program(self):
        return self.programs[self.cleaned_data["program"]]

    def clean_definition(self):
        upload = self.cleaned_data["definition"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(kb)s KB.") % {"kb": MAX_FILE_BYTES // 1000}
            )
        self.file_name = upload.name
        try:
            return parse_definition_json(upload.read())
        except ValueError as error:
            raise forms.ValidationError(
                _("Problem in the file: %(problem)s") % {"problem": error}
            ) from None
