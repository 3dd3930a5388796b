"""Forms of the drug-testing pages. They parse; the services decide."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openiop.core.forms import BootstrapFormMixin, DateInput
from openiop.drugtests.models import (
    Collection,
    FollowUpPolicy,
    Panel,
    SpecimenType,
    TestingPolicy,
    TestOrder,
    TestResult,
    Validity,
)


class OrderForm(BootstrapFormMixin, forms.Form):
    panel = forms.ModelChoiceField(label=_("Panel"), queryset=Panel.objects.none())
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (TestOrder.Reason.SCHEDULED, TestOrder.Reason.SCHEDULED.label),
            (TestOrder.Reason.FOR_CAUSE, TestOrder.Reason.FOR_CAUSE.label),
        ],
    )
    due_on = forms.DateField(label=_("To collect on"), widget=DateInput())
    cause = forms.CharField(label=_("Cause (for-cause tests)"), max_length=200, required=False)
    repeat_weeks = forms.IntegerField(
        label=_("Then weekly for (weeks)"),
        min_value=0,
        max_value=12,
        initial=0,
        required=False,
        help_text=_("Scheduled tests only: 0 for a single test."),
    )

    def __init__(self, *args, panels=None, **kwargs):
        super().__init__(*args, **kwargs)
        if panels is not None:
            self.fields["panel"].queryset = panels
            first = panels.first()
            if first is not None:
                self.fields["panel"].initial = first.pk
        self.fields["due_on"].initial = timezone.localdate()


class CollectionForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened"),
        choices=Collection.Outcome.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial=Collection.Outcome.COLLECTED,
    )
    specimen_type = forms.ChoiceField(
        label=_("Specimen type"), choices=[("", "—"), *SpecimenType.choices], required=False
    )
    is_observed = forms.BooleanField(label=_("Observed collection"), required=False)
    temperature_in_range = forms.TypedChoiceField(
        label=_("Temperature in range (urine)"),
        choices=[("", "—"), ("yes", _("Yes, 32 to 38 °C")), ("no", _("No, out of range"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
        required=False,
    )
    validity = forms.ChoiceField(
        label=_("Specimen validity"),
        choices=[("", "—"), *Validity.choices],
        required=False,
        initial=Validity.NORMAL,
    )
    is_sent_to_lab = forms.BooleanField(label=_("Sent to the laboratory"), required=False)
    accession_number = forms.CharField(
        label=_("Accession number (send-out)"), max_length=40, required=False
    )

    def __init__(self, *args, panel=None, **kwargs):
        super().__init__(*args, **kwargs)
        if panel is not None:
            self.fields["specimen_type"].initial = panel.specimen_type


RESULT_CHOICES = [("", "—"), *TestResult.Outcome.choices]


class ResultsForm(BootstrapFormMixin, forms.Form):
    """One outcome (and optional value) per analyte of the panel."""

    method = forms.ChoiceField(
        label=_("Method"), choices=TestResult.Method.choices, initial=TestResult.Method.SCREEN
    )

    def __init__(self, *args, analytes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.analytes = list(analytes)
        for analyte in self.analytes:
            self.fields[f"outcome_{analyte.code}"] = forms.ChoiceField(
                label=analyte.name, choices=RESULT_CHOICES, required=False
            )
            self.fields[f"value_{analyte.code}"] = forms.CharField(
                label=_("%(name)s value") % {"name": analyte.name},
                required=False,
                max_length=20,
            )
        self.style_fields()

    def rows(self):
        for analyte in self.analytes:
            yield analyte, self[f"outcome_{analyte.code}"], self[f"value_{analyte.code}"]

    def clean(self):
        cleaned = super().clean()
        entries = []
        for analyte in self.analytes:
            outcome = cleaned.get(f"outcome_{analyte.code}")
            raw = (cleaned.get(f"value_{analyte.code}") or "").strip()
            value = None
            if raw:
                try:
                    value = Decimal(raw)
                except InvalidOperation:
                    self.add_error(f"value_{analyte.code}", _("Enter a number, e.g. 12.5."))
                    continue
            if outcome:
                entries.append({"code": analyte.code, "outcome": outcome, "value": value})
            elif value is not None:
                self.add_error(
                    f"outcome_{analyte.code}", _("Choose the result for the value entered.")
                )
        if not entries and not self.errors:
            raise forms.ValidationError(_("Enter the result of at least one analyte."))
        cleaned["entries"] = entries
        return cleaned


class MedicationForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Medication"), max_length=120)
    analyte_codes = forms.CharField(
        label=_("Analytes it makes a test show"),
        max_length=100,
        help_text=_("Codes as on the panel, separated by commas, e.g. BUP or MTD, BZO."),
    )
    started_on = forms.DateField(label=_("Started on"), widget=DateInput())
    ended_on = forms.DateField(label=_("Stopped on"), widget=DateInput(), required=False)
    prescriber = forms.CharField(label=_("Prescriber"), max_length=120, required=False)

    def clean_analyte_codes(self):
        return [code.strip() for code in self.cleaned_data["analyte_codes"].split(",")]


class MedicationStopForm(BootstrapFormMixin, forms.Form):
    ended_on = forms.DateField(label=_("Stopped on"), widget=DateInput())
    expected_version = forms.IntegerField(widget=forms.HiddenInput)


class PolicyForm(BootstrapFormMixin, forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = TestingPolicy
        fields = [
            "follow_up",
            "random_tests_per_week",
            "max_days_untested",
            "draw_weekdays",
            "review_window_hours",
            "admission_panel",
        ]
        widgets = {
            "follow_up": forms.RadioSelect(
                choices=FollowUpPolicy.choices, attrs={"class": "form-check-input"}
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = self.instance.version
        self.fields["admission_panel"].queryset = Panel.objects.filter(
            program_id=self.instance.program_id, is_active=True
        ).order_by("name")
        self.fields["admission_panel"].empty_label = _("No automatic test at admission")


class PanelForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(label=_("Panel name"), max_length=80)
    specimen_type = forms.ChoiceField(label=_("Specimen type"), choices=SpecimenType.choices)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    analytes = forms.CharField(
        label=_("Analytes"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One a line: code; name; screen cutoff; confirmation cutoff; unit "
            "(e.g. FEN; Fentanyl; 1; 0.5; ng/mL). Cutoffs may be left empty."
        ),
    )

    def clean_analytes(self):
        rows = []
        for number, line in enumerate(self.cleaned_data["analytes"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split(";")]
            parts += [""] * (5 - len(parts))
            if len(parts) > 5 or not parts[0] or not parts[1]:
                raise forms.ValidationError(
                    _("Line %(n)s: give at least a code and a name, separated by ';'.")
                    % {"n": number}
                )
            cutoffs = []
            for text in parts[2:4]:
                try:
                    cutoffs.append(Decimal(text) if text else None)
                except InvalidOperation:
                    raise forms.ValidationError(
                        _("Line %(n)s: the cutoff %(v)s is not a number.")
                        % {"n": number, "v": text}
                    ) from None
            rows.append((parts[0], parts[1], cutoffs[0], cutoffs[1], parts[4] or "ng/mL"))
        if not rows:
            raise forms.ValidationError(_("A panel tests at least one analyte."))
        return rows

    @staticmethod
    def analytes_text(panel: Panel) -> str:
        def number(value):
            return "" if value is None else f"{value.normalize():f}"

        return "\n".join(
            f"{a.code}; {a.name}; {number(a.screen_cutoff)}; {number(a.confirmation_cutoff)}; "
            f"{a.unit}"
            for a in panel.analytes.all()
        )


class UploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(label=_("HL7 file (ORU^R01)"))

    MAX_BYTES = 2_000_000

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        data = upload.read()
        for encoding in ("utf-8-sig", "latin-1"):
            try:
                return upload.name, data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("The file is not text."))  # pragma: no cover


class DismissForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Why dismiss it"), max_length=200)


class AttachForm(BootstrapFormMixin, forms.Form):
    collection = forms.ModelChoiceField(
        label=_("Specimen"), queryset=Collection.objects.none(), to_field_name="public_id"
    )

    def __init__(self, *args, collections=None, **kwargs):
        super().__init__(*args, **kwargs)
        if collections is not None:
            self.fields["collection"].queryset = collections
            self.fields["collection"].label_from_instance = lambda c: (
                f"{c.participant.mrn} · {timezone.localtime(c.collected_at):%Y-%m-%d %H:%M}"
                f"{' · ' + c.accession_number if c.accession_number else ''}"
            )
