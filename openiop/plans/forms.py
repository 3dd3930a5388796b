"""Forms of the plan editor: one small form per part, so a save never touches other parts."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openiop.core.forms import BootstrapFormMixin, DateInput
from openiop.participants.selectors import clinical_staff_in
from openiop.plans.models import (
    AgreementMethod,
    PlanGoal,
    PlanIntervention,
    PlanObjective,
    PlanPolicy,
    PlanProblem,
)


class PartForm(BootstrapFormMixin, forms.ModelForm):
    """A part of a draft. ``expected_version`` is the version the editor started from."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan_version = version
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


class ProblemForm(PartForm):
    class Meta:
        model = PlanProblem
        fields = ["dimension", "statement", "findings"]
        widgets = {
            "statement": forms.Textarea(attrs={"rows": 2}),
            "findings": forms.Textarea(attrs={"rows": 2}),
        }


class GoalForm(PartForm):
    class Meta:
        model = PlanGoal
        fields = ["statement"]
        widgets = {"statement": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"statement": _("Write it as the participant said it.")}


class ObjectiveForm(PartForm):
    class Meta:
        model = PlanObjective
        fields = ["description", "target_on", "status", "progress"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "target_on": DateInput(),
            "progress": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "description": _("Measurable: what, how often or how much, by when."),
        }

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, version=version, **kwargs)
        if version is not None and version.kind == "initial":
            del self.fields["progress"]  # progress is recorded at reviews


class InterventionForm(PartForm):
    class Meta:
        model = PlanIntervention
        fields = ["modality", "description", "frequency", "responsible"]
        help_texts = {"frequency": _("For example: weekly, 3 groups a week.")}

    def __init__(self, *args, version=None, **kwargs):
        super().__init__(*args, version=version, **kwargs)
        if version is not None:
            self.fields["responsible"].queryset = clinical_staff_in(version.episode.program)


PART_FORMS = {
    "problem": ProblemForm,
    "goal": GoalForm,
    "objective": ObjectiveForm,
    "intervention": InterventionForm,
}
PARENT_OF = {"goal": "problem", "objective": "goal", "intervention": "problem"}


class VersionTextForm(BootstrapFormMixin, forms.Form):
    strengths = forms.CharField(
        label=_("Strengths and resources"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
    )
    review_summary = forms.CharField(
        label=_("What changed and why"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class SignForm(BootstrapFormMixin, forms.Form):
    agreement_method = forms.ChoiceField(
        label=_("Participant agreement"), choices=[("", "—"), *AgreementMethod.choices]
    )
    agreement_on = forms.DateField(label=_("Date of agreement"), widget=DateInput())
    agreement_note = forms.CharField(
        label=_("Note on the agreement"),
        required=False,
        max_length=300,
        help_text=_("Required when the participant declined to sign."),
    )
    confirm = forms.BooleanField(
        label=_("I have reviewed this plan with the participant and sign it."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement_on"].initial = timezone.localdate()


class ReviewRequestForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for an early review"), max_length=300)


class PolicyForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = PlanPolicy
        fields = ["initial_plan_days", "review_interval_days", "due_soon_days"]

    def clean(self):
        cleaned = super().clean()
        for name in ("initial_plan_days", "review_interval_days"):
            value = cleaned.get(name)
            if value is not None and not 1 <= value <= 365:
                self.add_error(name, _("Give a number of days from 1 to 365."))
        soon = cleaned.get("due_soon_days")
        if soon is not None and soon > 60:
            self.add_error("due_soon_days", _("Give at most 60 days."))
        return cleaned
