"""The audit-trail filter (AUD-7): parsed from the query string, every field optional."""

from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from openiop.audit.models import AuditAction, AuditOutcome
from openiop.core.forms import BootstrapFormMixin, DateInput

# Bounds keep the local-midnight arithmetic far from datetime's year 1 / 9999 limits.
EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2999, 12, 31)


class SortOrder(models.TextChoices):
    NEWEST = "newest", _("Newest first")
    OLDEST = "oldest", _("Oldest first")


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=DateInput(attrs={"min": EARLIEST_DATE.isoformat(), "max": LATEST_DATE.isoformat()}),
        validators=[MinValueValidator(EARLIEST_DATE), MaxValueValidator(LATEST_DATE)],
    )


class AuditFilterForm(BootstrapFormMixin, forms.Form):
    actor_email = forms.CharField(
        label=_("Actor e-mail contains"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    participant_mrn = forms.CharField(
        label=_("Participant MRN"),
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    date_from = _date_field(_("From date"))
    date_to = _date_field(_("To date"))
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *AuditAction.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=[("", _("Any outcome")), *AuditOutcome.choices]
    )
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SortOrder.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date_to"].help_text = _("Both dates are included, in the clinic's time zone.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error(
                "date_to",
                forms.ValidationError(
                    _("The end date cannot be before the start date."), code="date_range"
                ),
            )
        return cleaned

    def selector_arguments(self) -> dict[str, Any]:
        """The cleaned filter as keyword arguments for ``audit_events_filtered``."""
        data = self.cleaned_data
        return {
            "actor_email": data.get("actor_email", ""),
            "participant_mrn": data.get("participant_mrn", ""),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "action": data.get("action", ""),
            "outcome": data.get("outcome", ""),
            "oldest_first": data.get("sort") == SortOrder.OLDEST,
        }

    def audit_details(self) -> dict[str, str]:
        """The filter values that validated (identifiers and codes), for the audit row."""
        self.is_valid()  # cleans the form if nothing has yet
        details = {}
        for name in self.fields:
            value = self.cleaned_data.get(name)
            if value:
                details[name] = value.isoformat() if isinstance(value, date) else str(value)
        return details
