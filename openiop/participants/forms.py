"""Forms parse input only; rules live in the models and services (AZ-6: explicit fields)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openiop.accounts.models import User
from openiop.core.forms import BootstrapFormMixin, DateInput
from openiop.participants.models import (
    CareTeamRole,
    ClosureReason,
    EpisodeStatus,
    Participant,
    ReferralSource,
)
from openiop.participants.services import DEMOGRAPHIC_FIELDS
from openiop.programs.models import Program, ProgramPhase


class ParticipantForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Participant
        fields = DEMOGRAPHIC_FIELDS
        widgets = {
            "date_of_birth": DateInput(),
            "address": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "emergency_contact_phone": forms.TextInput(attrs={"type": "tel"}),
        }


class ParticipantEditForm(ParticipantForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReferralFieldsMixin(forms.Form):
    program = forms.ModelChoiceField(queryset=Program.objects.none(), label=_("Program"))
    referral_source = forms.ChoiceField(choices=ReferralSource.choices, label=_("Referral source"))
    referred_on = forms.DateField(label=_("Referral date"), widget=DateInput())

    def _limit_programs(self, programs):
        self.fields["program"].queryset = programs
        only = programs[:2]
        if len(only) == 1:
            self.fields["program"].initial = only[0]
        self.fields["referred_on"].initial = timezone.localdate()

    def clean_referred_on(self):
        value = self.cleaned_data["referred_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The referral date cannot be in the future."))
        return value


class RegisterForm(ReferralFieldsMixin, ParticipantForm):
    confirm_not_duplicate = forms.BooleanField(
        required=False,
        label=_("I have checked: this is a different person from the one already registered"),
    )

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_programs(programs)


class ReferForm(BootstrapFormMixin, ReferralFieldsMixin):
    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_programs(programs)


class AdmitForm(BootstrapFormMixin, forms.Form):
    admitted_on = forms.DateField(label=_("Admission date"), widget=DateInput())
    primary_clinician = forms.ModelChoiceField(
        queryset=User.objects.none(), label=_("Primary clinician")
    )
    phase = forms.ModelChoiceField(
        queryset=ProgramPhase.objects.none(),
        label=_("Starting phase"),
        required=False,
        empty_label=_("First phase of the program"),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, episode, clinicians, **kwargs):
        super().__init__(*args, **kwargs)
        self.episode = episode
        self.fields["primary_clinician"].queryset = clinicians
        self.fields["phase"].queryset = episode.program.phases.order_by("order")
        self.fields["admitted_on"].initial = timezone.localdate()
        self.fields["version"].initial = episode.version

    def clean_admitted_on(self):
        value = self.cleaned_data["admitted_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("The admission date cannot be in the future."))
        if value < self.episode.referred_on:
            raise forms.ValidationError(
                _("The admission date cannot be before the referral date (%(date)s).")
                % {"date": self.episode.referred_on.isoformat()}
            )
        return value


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=EpisodeStatus.choices)
    version = forms.IntegerField()


class CareTeamAddForm(BootstrapFormMixin, forms.Form):
    user = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Staff member"))
    role = forms.ChoiceField(choices=CareTeamRole.choices, label=_("Role on the team"))

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff


class CareTeamRemoveForm(forms.Form):
    user = forms.UUIDField()


class CloseReferralForm(BootstrapFormMixin, forms.Form):
    # No reason is preselected: closing is final, so the person must choose one.
    reason = forms.ChoiceField(
        label=_("Why is the referral closed?"), choices=[("", "—"), *ClosureReason.choices]
    )
    detail = forms.CharField(
        label=_("Where referred, or other detail (optional)"), required=False, max_length=200
    )
    version = forms.IntegerField(widget=forms.HiddenInput)
