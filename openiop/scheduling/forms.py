"""Forms for scheduling pages. They parse input; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openiop.core.forms import BootstrapFormMixin
from openiop.scheduling.models import (
    AttendanceStatus,
    FamilyAvailability,
    ParticipantPreferences,
    ParticipantUnavailability,
    Track,
)
from openiop.scheduling.services import AttendanceEntry

STATUS_CHOICES = [("", _("Not marked")), *AttendanceStatus.choices]


class RosterForm(BootstrapFormMixin, forms.Form):
    """One row per roster entry (``rows``: selectors.RosterRow): attendance and minutes,
    plus the record's version the page showed; and a walk-in to add."""

    walk_in = forms.ChoiceField(label=_("Add a walk-in"), required=False)

    def __init__(self, *args, session, rows, walk_in_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.session, self.rows = session, rows
        self.fields["walk_in"].choices = [
            ("", _("Choose a participant")),
            *((str(e.public_id), e.participant.display_name) for e in walk_in_choices),
        ]
        for row in rows:
            name = row.participant.display_name
            record = row.record
            self.fields[f"status-{row.key}"] = forms.ChoiceField(
                label=_("Attendance of %(name)s") % {"name": name},
                choices=STATUS_CHOICES,
                required=False,
                initial=record.status if record else "",
            )
            self.fields[f"minutes-{row.key}"] = forms.IntegerField(
                label=_("Minutes attended by %(name)s") % {"name": name},
                min_value=0,
                max_value=session.minutes,
                required=False,
                initial=record.minutes if record else session.minutes,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "minutes"}),
            )
            self.fields[f"version-{row.key}"] = forms.IntegerField(
                widget=forms.HiddenInput,
                required=False,
                initial=record.version if record else 0,
            )
        self.style_fields()

    def bound_rows(self):
        """(row, status field, minutes field, version field) for the template."""
        for row in self.rows:
            yield (
                row,
                self[f"status-{row.key}"],
                self[f"minutes-{row.key}"],
                self[f"version-{row.key}"],
            )

    def entries(self) -> list[AttendanceEntry]:
        """The marked rows as service entries (call after is_valid())."""
        entries = []
        for row in self.rows:
            status = self.cleaned_data.get(f"status-{row.key}")
            if status:
                entries.append(
                    AttendanceEntry(
                        episode=row.episode,
                        status=status,
                        minutes=self.cleaned_data.get(f"minutes-{row.key}"),
                        expected_version=self.cleaned_data.get(f"version-{row.key}") or 0,
                    )
                )
        return entries

    def unmarked(self) -> int:
        return sum(1 for row in self.rows if not self.cleaned_data.get(f"status-{row.key}"))

    def add_row_errors(self, errors: dict[str, list[str]]) -> None:
        """A service's per-participant errors, on that row's attendance field."""
        for row in self.rows:
            for message in errors.get(row.key, []):
                self.add_error(f"status-{row.key}", message)
        known = {row.key for row in self.rows}
        for key, messages in errors.items():
            if key not in known:
                for message in messages:
                    self.add_error(None, message)


class PreferencesForm(BootstrapFormMixin, forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, initial=0)

    class Meta:
        model = ParticipantPreferences
        fields = [
            "preferred_track",
            "is_virtual_ok",
            "individual_minutes",
            "individual_every_weeks",
            "family_minutes",
            "target_minutes_override",
            "target_override_reason",
        ]

    def __init__(self, *args, episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_track"].queryset = Track.objects.filter(program=episode.program)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        override = cleaned.get("target_minutes_override")
        if override is not None and not (cleaned.get("target_override_reason") or "").strip():
            self.add_error(
                "target_override_reason", _("An override of the weekly target needs a reason.")
            )
        return cleaned


class UnavailableForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ParticipantUnavailability
        fields = ["weekday", "start_time", "end_time", "kind", "reason"]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class FamilyWindowForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = FamilyAvailability
        fields = ["weekday", "start_time", "end_time"]
        widgets = {
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }
