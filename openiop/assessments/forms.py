"""Forms built from an instrument's definition: one radio group per item, keyboard friendly."""

import copy

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openiop.assessments.models import AlertAction
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
