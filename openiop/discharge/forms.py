"""Forms for step-down, discharge, aftercare, follow-ups and alumni. They parse input; the
services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openiop.assessments.models import LEVEL_CHOICES
from openiop.core.forms import BootstrapFormMixin, DateInput
from openiop.discharge.models import (
    AftercarePlan,
    DischargeReason,
    DischargeSettings,
    DocumentKind,
    Housing,
    Occupation,
    Reach,
    TransferSource,
    YesNoUnknown,
)


class VersionField(forms.IntegerField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=0, **kwargs)


class PhaseChangeForm(BootstrapFormMixin, forms.Form):
    to_phase = forms.ModelChoiceField(queryset=None, label=_("Move to phase"))
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = VersionField()

    def __init__(self, *args, episode, **kwargs):
        kwargs.setdefault(
            "initial", {"decided_on": timezone.localdate(), "expected_version": episode.version}
        )
        super().__init__(*args, **kwargs)
        self.fields["to_phase"].queryset = episode.program.phases.exclude(
            pk=episode.current_phase_id
        ).order_by("order")


class LevelChangeForm(BootstrapFormMixin, forms.Form):
    to_level = forms.ChoiceField(label=_("New level of care"), choices=LEVEL_CHOICES)
    assessment = forms.ModelChoiceField(
        queryset=None,
        label=_("Assessment behind it"),
        required=False,  # the service refuses a change without one, with its own message
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    target_program = forms.ModelChoiceField(
        queryset=None,
        label=_("Transfer now to this program (same site)"),
        required=False,
        help_text=_("Discharges here as transferred and admits there, in one step."),
    )
    provider = forms.CharField(label=_("Or another provider"), max_length=200, required=False)
    discharge_now = forms.BooleanField(
        label=_("Discharge now as transferred to that provider"), required=False
    )
    expected_version = VersionField()

    def __init__(self, *args, episode, assessments, programs, **kwargs):
        kwargs.setdefault(
            "initial", {"decided_on": timezone.localdate(), "expected_version": episode.version}
        )
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = assessments
        self.fields["assessment"].label_from_instance = lambda a: (
            _("%(date)s: suggested %(level)s")
            % {"date": a.assessed_on.isoformat(), "level": a.get_chosen_level_display()}
        )
        self.fields["target_program"].queryset = programs


class DischargeForm(BootstrapFormMixin, forms.Form):
    discharged_on = forms.DateField(label=_("Discharge date"), widget=DateInput())
    reason = forms.ChoiceField(
        label=_("Reason for discharge"), choices=[("", "---------"), *DischargeReason.choices]
    )
    reason_detail = forms.CharField(label=_("Details"), max_length=300, required=False)
    expected_version = VersionField()


class SummaryForm(BootstrapFormMixin, forms.Form):
    course = forms.CharField(
        label=_("Course of treatment and progress"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    diagnoses = forms.CharField(
        label=_("Diagnoses at discharge"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    medications = forms.CharField(
        label=_("Medications at discharge"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    recommendations = forms.CharField(
        label=_("Recommendations"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    expected_version = VersionField()


class SignForm(BootstrapFormMixin, forms.Form):
    expected_version = VersionField()
    confirm = forms.BooleanField(
        label=_("I have reviewed this discharge summary and sign it."),
        error_messages={"required": _("Tick the box to confirm you are signing.")},
    )


class TransferInForm(BootstrapFormMixin, forms.Form):
    source = forms.ChoiceField(
        label=_("Came from"), choices=[("", "---------"), *TransferSource.choices]
    )
    facility = forms.CharField(label=_("Facility"), max_length=200)
    left_on = forms.DateField(label=_("Left there on"), widget=DateInput(), required=False)


class DocumentForm(BootstrapFormMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Document"), choices=[("", "---------"), *DocumentKind.choices]
    )
    received_from = forms.CharField(label=_("Received from"), max_length=200)
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())


class AftercareForm(BootstrapFormMixin, forms.ModelForm):
    expected_version = VersionField(required=False)

    class Meta:
        model = AftercarePlan
        fields = [
            "step_down_level",
            "step_down_provider",
            "alumni_group",
            "mutual_help",
            "recovery_housing",
            "medication_continuation",
            "appointments",
            "relapse_prevention",
            "emergency_contacts",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in (
                "mutual_help",
                "recovery_housing",
                "medication_continuation",
                "appointments",
                "relapse_prevention",
                "emergency_contacts",
            )
        }

    def __init__(self, *args, episode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["alumni_group"].queryset = episode.program.alumni_groups.filter(is_active=True)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


def _choices(model_choices):
    return [("", "---------"), *model_choices]


class FollowUpForm(BootstrapFormMixin, forms.Form):
    attempted_on = forms.DateField(label=_("Date of the attempt"), widget=DateInput())
    result = forms.ChoiceField(label=_("Result"), choices=_choices(Reach.choices))
    substance_use = forms.ChoiceField(
        label=_("Substance use since discharge"),
        choices=_choices(YesNoUnknown.choices),
        required=False,
    )
    in_treatment = forms.ChoiceField(
        label=_("In treatment now"), choices=_choices(YesNoUnknown.choices), required=False
    )
    housing = forms.ChoiceField(
        label=_("Housing"), choices=_choices(Housing.choices), required=False
    )
    occupation = forms.ChoiceField(
        label=_("Employment or school"), choices=_choices(Occupation.choices), required=False
    )
    arrested = forms.ChoiceField(
        label=_("Arrested since discharge"), choices=_choices(YesNoUnknown.choices), required=False
    )
    measure = forms.CharField(label=_("Outcome measure given"), max_length=40, required=False)
    measure_score = forms.IntegerField(label=_("Score"), required=False)


class SettingsForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = DischargeSettings
        fields = [
            "min_weeks_in_phase",
            "min_attendance_percent",
            "min_objectives_met_percent",
            "inactivity_days",
            "followup_days",
        ]


class AlumniGroupForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=120)
    description = forms.CharField(label=_("Description"), required=False)


class AlumniMemberForm(BootstrapFormMixin, forms.Form):
    participant = forms.ModelChoiceField(queryset=None, label=_("Former participant"))
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())
    has_portal_opt_in = forms.BooleanField(
        label=_("Keeps portal access to alumni events (opted in)"), required=False
    )

    def __init__(self, *args, candidates, **kwargs):
        kwargs.setdefault("initial", {"joined_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = candidates


class AlumniEventForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Event"), max_length=120)
    held_on = forms.DateField(label=_("Date"), widget=DateInput())
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
