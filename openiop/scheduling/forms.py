"""Forms for scheduling pages. They parse input; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openiop.core.forms import BootstrapFormMixin, DateInput
from openiop.scheduling.models import (
    LEAD_CHOICES,
    AttendanceStatus,
    ClinicianAvailability,
    ClinicianSchedule,
    ClinicianTimeOff,
    FamilyAvailability,
    GroupOffering,
    ParticipantPreferences,
    ParticipantUnavailability,
    Room,
    SessionKind,
    Topic,
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


# ----------------------------------------------------------------------------- setup

TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class VersionedFormMixin:
    """A hidden ``expected_version``: the version the form showed (0 for a new record)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=False,
            initial=self.instance.version if self.instance.pk else 0,
        )

    @property
    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}

    @property
    def expected_version(self) -> int:
        return self.cleaned_data.get("expected_version") or 0


class TrackForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Track
        fields = ["name", "description", "is_active"]
        help_texts = {
            "is_active": _(
                "Unticked: archived. Its groups are left out of weeks built from now "
                "on; sessions already made stay."
            )
        }


class OfferingForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = GroupOffering
        fields = [
            "track",
            "code",
            "topic",
            "weekday",
            "start_time",
            "end_time",
            "min_size",
            "max_size",
            "is_virtual",
            "is_active",
        ]
        widgets = {"start_time": TIME_WIDGET, "end_time": TIME_WIDGET}
        help_texts = {
            "code": _(
                "A short id for the group (letters, digits, hyphens), unique in the "
                "program; the week-schedule builder uses it."
            ),
            "is_active": _(
                "Unticked: archived. Left out of weeks built from now on; sessions "
                "already made stay."
            ),
        }

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = Track.objects.filter(program=program)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        low, high = cleaned.get("min_size"), cleaned.get("max_size")
        if low is not None and high is not None and low > high:
            self.add_error("max_size", _("The maximum size cannot be below the minimum."))
        return cleaned


class RoomForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Room
        fields = [
            "code",
            "name",
            "capacity",
            "for_group",
            "for_individual",
            "for_family",
            "is_virtual",
            "is_active",
        ]
        help_texts = {
            "capacity": _("Seats: a group in this room has at most this many participants."),
            "is_active": _("Unticked: archived. Left out of weeks built from now on."),
        }

    def clean(self):
        cleaned = super().clean()
        uses = ("for_group", "for_individual", "for_family")
        if not any(cleaned.get(name) for name in uses):
            self.add_error(None, _("A room is used for at least one kind of session."))
        return cleaned


class ClinicianScheduleForm(VersionedFormMixin, BootstrapFormMixin, forms.ModelForm):
    leads = forms.MultipleChoiceField(
        label=_("Leads"),
        choices=LEAD_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "The group topics they lead, and whether they see people individually or "
            "with their family."
        ),
    )

    class Meta:
        model = ClinicianSchedule
        fields = ["max_minutes_per_week", "leads"]


class ClinicianAvailabilityForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ClinicianAvailability
        fields = ["weekday", "start_time", "end_time"]
        widgets = {"start_time": TIME_WIDGET, "end_time": TIME_WIDGET}


class TimeOffForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ClinicianTimeOff
        fields = ["starts_on", "ends_on", "reason"]
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


# ----------------------------------------------------------------------------- one-offs, rosters


def episode_choices(episodes) -> list[tuple[str, str]]:
    return [(str(e.public_id), e.participant.display_name) for e in episodes]


class GroupJoinForm(BootstrapFormMixin, forms.Form):
    episode = forms.ChoiceField(label=_("Participant"))
    starts_on = forms.DateField(
        label=_("From"),
        widget=DateInput(),
        help_text=_(
            "Sessions of this group on or after this day without attendance recorded "
            "get them (pinned); earlier sessions stay as they were."
        ),
    )

    def __init__(self, *args, episodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.episodes = {str(e.public_id): e for e in episodes}
        self.fields["episode"].choices = [
            ("", _("Choose a participant")),
            *episode_choices(episodes),
        ]
        self.style_fields()


class GroupLeaveForm(BootstrapFormMixin, forms.Form):
    episode = forms.UUIDField(widget=forms.HiddenInput)
    last_day = forms.DateField(
        label=_("Last day"),
        widget=DateInput(),
        help_text=_(
            "Sessions after this day without attendance recorded lose their place; "
            "earlier ones, and any with attendance, stay as they were."
        ),
    )


class SessionAddForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    topic = forms.ChoiceField(
        label=_("Topic (groups)"), choices=[("", "—"), *Topic.choices], required=False
    )
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    start_time = forms.TimeField(label=_("Starts"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Ends"), widget=TIME_WIDGET)
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    lead = forms.ModelChoiceField(label=_("Led by"), queryset=None, required=False)
    is_virtual = forms.BooleanField(label=_("By video"), required=False)
    participants = forms.MultipleChoiceField(
        label=_("Participants"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("One for an individual or family session."),
    )

    def __init__(self, *args, program, staff, episodes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = Room.objects.filter(site=program.site_id, is_active=True)
        self.fields["lead"].queryset = staff
        self.fields["lead"].label_from_instance = lambda user: user.full_name
        self.episodes = {str(e.public_id): e for e in episodes}
        self.fields["participants"].choices = episode_choices(episodes)
        self.style_fields()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_time"), cleaned.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        if cleaned.get("kind") == SessionKind.GROUP and not cleaned.get("topic"):
            self.add_error("topic", _("A group session has a topic."))
        if cleaned.get("kind") != SessionKind.GROUP:
            cleaned["topic"] = ""
        return cleaned

    @property
    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["episodes"] = [self.episodes[key] for key in data.pop("participants")]
        return data
