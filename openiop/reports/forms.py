"""The reports filter (GET): a date range and, optionally, one program, site or track.

Choices are limited to the user's programs. A missing date takes its default: the last
twelve full weeks (Monday to Sunday) up to today.

Also the form of a program's report settings (meaningful-change thresholds).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from openiop.assessments.instruments.change import MEANINGFUL_CHANGE
from openiop.core.forms import BootstrapFormMixin, DateInput
from openiop.programs.models import Program, Site
from openiop.programs.selectors import programs_for
from openiop.reports import access
from openiop.reports.models import ReportSettings, highest_total
from openiop.reports.scope import ReportScope
from openiop.scheduling.models import Track

EARLIEST_DATE = date(2000, 1, 1)
MAXIMUM_YEARS = 3
DEFAULT_WEEKS = 12
FILTER_FIELDS = ("start", "end", "program", "site", "track")


def default_range(today: date) -> tuple[date, date]:
    """The last ``DEFAULT_WEEKS`` full weeks, Monday to Sunday, ending today if it is a Sunday."""
    end = today if today.weekday() == 6 else today - timedelta(days=today.weekday() + 1)
    return end - timedelta(weeks=DEFAULT_WEEKS, days=-1), end


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Choice(forms.ModelChoiceField):
    """A choice by public id; anything else than one of the choices is "not a valid choice"."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class _ProgramChoice(_Choice):
    def label_from_instance(self, obj: Program) -> str:
        return obj.name


class _TrackChoice(_Choice):
    def label_from_instance(self, obj: Track) -> str:
        return f"{obj.program.name} · {obj.name}"


class ReportFilterForm(BootstrapFormMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())
    program = _ProgramChoice(
        label=_("Program"),
        queryset=Program.objects.none(),
        required=False,
        empty_label=_("All my programs"),
        to_field_name="public_id",
    )
    site = _Choice(
        label=_("Site"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=_("All sites"),
        to_field_name="public_id",
    )
    track = _TrackChoice(
        label=_("Track"),
        queryset=Track.objects.none(),
        required=False,
        empty_label=_("All tracks"),
        to_field_name="public_id",
    )

    def __init__(self, query, *, user, today: date):
        """``query``: the request's GET; the dates default when absent or empty."""
        start, end = default_range(today)
        data = {name: query.get(name, "") for name in FILTER_FIELDS}
        data["start"] = data["start"] or start.isoformat()
        data["end"] = data["end"] or end.isoformat()
        super().__init__(data)
        self.user, self.today = user, today
        programs = programs_for(user)
        self.fields["program"].queryset = programs.order_by("name")
        self.fields["site"].queryset = Site.objects.filter(
            pk__in=programs.values("site_id")
        ).order_by("name")
        self.fields["track"].queryset = (
            Track.objects.filter(program__in=programs, is_active=True)
            .select_related("program")
            .order_by("program__name", "name")
        )
        for name in ("start", "end"):
            self.fields[name].widget.attrs.update(
                {"min": EARLIEST_DATE.isoformat(), "max": today.isoformat()}
            )
        self.fields["end"].help_text = _("Both dates are included. The end is today at the latest.")

    def clean_start(self) -> date:
        start = self.cleaned_data["start"]
        if start < EARLIEST_DATE:
            raise ValidationError(
                _("Start on %(date)s or later.") % {"date": EARLIEST_DATE.isoformat()},
                code="too_early",
            )
        return start

    def clean_end(self) -> date:
        end = self.cleaned_data["end"]
        if end > self.today:
            raise ValidationError(
                _("The end date cannot be after today (%(today)s).")
                % {"today": self.today.isoformat()},
                code="future",
            )
        return end

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error(
                    "end", ValidationError(_("The end date is before the start date."), "order")
                )
            elif start < _years_before(end, MAXIMUM_YEARS):
                self.add_error(
                    "start",
                    ValidationError(
                        _("A report covers at most %(years)s years: start on %(date)s or later.")
                        % {
                            "years": MAXIMUM_YEARS,
                            "date": _years_before(end, MAXIMUM_YEARS).isoformat(),
                        },
                        code="too_long",
                    ),
                )
        program, site, track = cleaned.get("program"), cleaned.get("site"), cleaned.get("track")
        if program and site and program.site_id != site.pk:
            self.add_error("site", ValidationError(_("This program is at another site."), "site"))
        if track and program and track.program_id != program.pk:
            self.add_error(
                "track", ValidationError(_("This track belongs to another program."), "track")
            )
        if track and site and track.program.site_id != site.pk:
            self.add_error(
                "track", ValidationError(_("This track's program is at another site."), "track")
            )
        return cleaned

    def scope(self) -> ReportScope | None:
        """The report scope of a valid filter, or None (the errors are on the form)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        try:
            return access.report_scope(
                self.user,
                start=data["start"],
                end=data["end"],
                today=self.today,
                program=data["program"],
                site=data["site"],
                track=data["track"],
            )
        except ValidationError as error:
            for field, errors in error.error_dict.items():
                self.add_error(field, errors)
            return None

    def summary(self) -> list[tuple[str, str]]:
        """The chosen program, site and track as (label, name) pairs, for the printed page."""
        if not self.is_valid():
            return []
        return [
            (str(self.fields[name].label), self.fields[name].label_from_instance(value))
            for name in ("program", "site", "track")
            if (value := self.cleaned_data.get(name)) is not None
        ]

    def query(self) -> dict[str, str]:
        """The filter as query-string values (for CSV and print links)."""
        return {name: self.data[name] for name in FILTER_FIELDS if self.data.get(name)}


class ReportSettingsForm(BootstrapFormMixin, forms.ModelForm):
    """A program's meaningful-change thresholds. Empty means the published default; the hidden
    ``expected_version`` is the version the form showed (0 when the program had no settings)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ReportSettings
        fields = list(ReportSettings.THRESHOLD_FIELDS.values())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version if self.instance.pk else 0
        for code, name in ReportSettings.THRESHOLD_FIELDS.items():
            self.fields[name] = self._threshold_field(code, self.fields[name].label)
        self.style_fields()

    @staticmethod
    def _threshold_field(code: str, label: str) -> forms.IntegerField:
        highest, default = highest_total(code), MEANINGFUL_CHANGE[code]
        field = forms.IntegerField(
            label=label,
            required=False,
            min_value=1,
            max_value=highest,
            help_text=_(
                "Published default: %(default)s points. Leave empty to use it. "
                "From 1 to %(highest)s (the highest total)."
            )
            % {"default": default, "highest": highest},
        )
        message = _("Give a whole number of points from 1 to %(highest)s, or leave it empty.") % {
            "highest": highest
        }
        field.error_messages.update(invalid=message, min_value=message, max_value=message)
        field.widget.attrs["placeholder"] = str(default)
        return field

    @property
    def values(self) -> dict[str, int | None]:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    @property
    def version_shown(self) -> int:
        return self.cleaned_data.get("expected_version") or 0
