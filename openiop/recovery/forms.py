"""Staff forms for check-ins, relapse-prevention plans, consents, invitations, settings."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openiop.core.forms import BootstrapFormMixin, DateInput
from openiop.participants.models import ConsentCategory
from openiop.recovery.models import RelapsePreventionPlan


class RelapsePlanForm(BootstrapFormMixin, forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = RelapsePreventionPlan
        fields = list(RelapsePreventionPlan.SECTIONS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 3}) for name in RelapsePreventionPlan.SECTIONS
        }


class ConsentForm(BootstrapFormMixin, forms.Form):
    """Every element 42 CFR 2.31(a) requires; the service refuses an incomplete consent."""

    recipient_name = forms.CharField(label=_("Recipient's full name"), max_length=120)
    recipient_relationship = forms.CharField(
        label=_("Relationship to the participant"), max_length=60, required=False
    )
    recipient_email = forms.EmailField(label=_("Recipient's e-mail"), required=False)
    purpose = forms.CharField(
        label=_("Purpose of the disclosure"),
        max_length=300,
        help_text=_("For example: to support the participant's recovery and family sessions."),
    )
    categories = forms.MultipleChoiceField(
        label=_("What may be shared"),
        choices=ConsentCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Notes, drug-test results and diagnoses are never shared in the portal."),
    )
    expires_on = forms.DateField(label=_("Expires on"), widget=DateInput())
    right_to_revoke_explained = forms.BooleanField(
        label=_("The participant was told they may revoke this consent at any time")
    )
    signature_name = forms.CharField(
        label=_("Signed by (participant's name as signed)"), max_length=120
    )
    signed_on = forms.DateField(label=_("Date signed"), widget=DateInput())


class RevokeForm(forms.Form):
    expected_version = forms.IntegerField(min_value=1)


class InviteForm(BootstrapFormMixin, forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=150)
    email = forms.EmailField(label=_("E-mail address"))
    consent = forms.UUIDField(required=False, widget=forms.HiddenInput)


class PortalSettingsForm(BootstrapFormMixin, forms.Form):
    crisis_line = forms.CharField(label=_("Crisis line"), max_length=30)
    on_call_phone = forms.CharField(
        label=_("Program's on-call number"), max_length=30, required=False
    )
    craving_alert_threshold = forms.IntegerField(
        label=_("Alert the care team at a craving of (0-10 scale)"), min_value=1, max_value=10
    )
    video_link = forms.URLField(
        label=_("Video session link"), required=False, assume_scheme="https"
    )
    what_to_bring = forms.CharField(
        label=_("What to bring to sessions"), max_length=300, required=False
    )
    triggers = forms.CharField(
        label=_("Triggers list (one a line)"), widget=forms.Textarea(attrs={"rows": 6})
    )
    coping_skills = forms.CharField(
        label=_("Coping skills list (one a line)"), widget=forms.Textarea(attrs={"rows": 6})
    )
    resources = forms.CharField(
        label=_("Resources (one a line: name | link)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    LISTS = ("triggers", "coping_skills", "resources")

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("expected_version")
        for name in self.LISTS:
            data[name] = data[name].splitlines()
        return data
