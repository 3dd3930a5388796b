"""Portal forms: short, large touch targets, plain words. They parse; services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from openiop.core.forms import BootstrapFormMixin
from openiop.recovery.models import RelapsePreventionPlan, UseAnswer


class SetPasswordForm(BootstrapFormMixin, forms.Form):
    password = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 12 characters. A short sentence you will remember works well."),
    )
    password_again = forms.CharField(
        label=_("Type it again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned


def _scale(low: int, high: int, label, help_text):
    return forms.TypedChoiceField(
        label=label,
        choices=[(str(n), str(n)) for n in range(low, high + 1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


class CheckInForm(BootstrapFormMixin, forms.Form):
    mood = _scale(1, 10, _("How is your mood today?"), _("1 is the worst, 10 the best."))
    craving = _scale(0, 10, _("How strong are cravings today?"), _("0 is none, 10 the strongest."))
    hours_slept = forms.DecimalField(
        label=_("Hours slept last night"),
        min_value=0,
        max_value=24,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )
    triggers = forms.MultipleChoiceField(
        label=_("Did you meet any of these triggers?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_trigger = forms.CharField(label=_("Something else"), required=False, max_length=200)
    coping_skills = forms.MultipleChoiceField(
        label=_("Coping skills you used"), required=False, widget=forms.CheckboxSelectMultiple
    )
    use = forms.ChoiceField(
        label=_("Since your last check-in, have you used alcohol or other drugs?"),
        help_text=_("Honest answers help your team support you. There is no wrong answer."),
        choices=UseAnswer.choices,
        widget=forms.RadioSelect,
    )
    self_harm_thoughts = forms.TypedChoiceField(
        label=_("Have you had thoughts of hurting yourself or ending your life?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note_to_counselor = forms.CharField(
        label=_("A note to your counselor (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, settings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["triggers"].choices = [(item, item) for item in settings.triggers]
        self.fields["coping_skills"].choices = [(item, item) for item in settings.coping_skills]


class JournalForm(BootstrapFormMixin, forms.Form):
    title = forms.CharField(label=_("Title (optional)"), required=False, max_length=120)
    body = forms.CharField(
        label=_("Entry"), max_length=10000, widget=forms.Textarea(attrs={"rows": 8})
    )
    is_shared = forms.BooleanField(
        label=_("Share this entry with my counselor"),
        required=False,
        help_text=_("Entries are private unless you share them."),
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PlanAddForm(BootstrapFormMixin, forms.Form):
    """What the participant adds under each section of their plan."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RelapsePreventionPlan.SECTIONS:
            model_field = RelapsePreventionPlan._meta.get_field(name)
            self.fields[name] = forms.CharField(
                label=_("Add to: %(section)s") % {"section": model_field.verbose_name},
                required=False,
                max_length=1000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.style_fields()


class CodeForm(BootstrapFormMixin, forms.Form):
    """A 6-digit code from an authenticator app (spaces allowed, as apps show them)."""

    code = forms.CharField(
        label=_("6-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
        help_text=_("Open your authenticator app and type the code it shows for OpenIOP."),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if len(code) != 6 or not code.isdigit():
            raise forms.ValidationError(_("Enter the 6 digits your app shows."))
        return code


class TurnOffForm(CodeForm):
    """Turning two-step sign-in off: a current code, or the password when the phone is gone."""

    password = forms.CharField(
        label=_("Or your password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("If you no longer have the app, your password will do."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False

    def clean_code(self):
        if not self.cleaned_data.get("code", "").strip():
            return ""
        return super().clean_code()

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("code") and not cleaned.get("password"):
            raise forms.ValidationError(_("Enter a current code or your password."))
        return cleaned
