"""The reporting permissions, and each program's report settings.

``Report`` holds no data: it only carries the reporting permissions. ``ReportSettings`` holds a
program's meaningful-change thresholds; a program without a row, or a threshold left empty,
uses the published defaults in ``assessments/instruments/change.py`` (read them through
``reports.thresholds.meaningful_change``).
"""

from typing import ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from openiop.assessments import instruments
from openiop.core.models import TimeStampedModel, VersionedModel


class Report(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_program_reports", _("Can see program reports and de-identified exports")),
            ("export_identified", _("Can list and export reports that name participants")),
            ("view_own_caseload_report", _("Can see reports on their own caseload")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


def highest_total(code: str) -> int:
    """The highest total an instrument can score (from its definition)."""
    total_range = instruments.get(code).total_range
    if total_range is None:
        raise ValueError(f"instrument {code!r} has no total")
    return total_range[1]


@deconstructible
class PointsRange:
    """A threshold is a whole number of points from 1 to the instrument's highest total."""

    def __init__(self, highest: int):
        self.highest = highest

    def __call__(self, value: int) -> None:
        if not 1 <= value <= self.highest:
            raise ValidationError(
                _("Give a whole number of points from 1 to %(highest)s."),
                code="points_range",
                params={"highest": self.highest},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PointsRange) and other.highest == self.highest

    def __hash__(self) -> int:
        return hash(self.highest)


def _threshold(code: str, label: str) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        validators=[PointsRange(highest_total(code))],
    )


def _in_range(field: str, code: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__isnull": True})
        | models.Q(**{f"{field}__gte": 1, f"{field}__lte": highest_total(code)}),
        name=f"report_settings_{code}_range",
    )


class ReportSettings(TimeStampedModel, VersionedModel):
    """A program's report settings, created on the first save; programs without a row use the
    published defaults. A threshold left empty also means the published default, so a program
    that changed one threshold keeps following the published values for the others."""

    # instrument code -> the field holding its meaningful-change threshold
    THRESHOLD_FIELDS: ClassVar[dict[str, str]] = {
        "phq9": "phq9_meaningful_change",
        "gad7": "gad7_meaningful_change",
        "pcl5": "pcl5_meaningful_change",
    }

    program = models.OneToOneField(
        "programs.Program", on_delete=models.CASCADE, related_name="report_settings"
    )
    phq9_meaningful_change = _threshold("phq9", _("PHQ-9: meaningful change (points)"))
    gad7_meaningful_change = _threshold("gad7", _("GAD-7: meaningful change (points)"))
    pcl5_meaningful_change = _threshold("pcl5", _("PCL-5: meaningful change (points)"))

    class Meta:
        verbose_name = _("report settings")
        verbose_name_plural = _("report settings")
        constraints = [
            _in_range("phq9_meaningful_change", "phq9"),
            _in_range("gad7_meaningful_change", "gad7"),
            _in_range("pcl5_meaningful_change", "pcl5"),
        ]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} ({self.program_id})"

    def stored_thresholds(self) -> dict[str, int | None]:
        """The program's own thresholds by instrument code; None where it uses the default."""
        return {code: getattr(self, field) for code, field in self.THRESHOLD_FIELDS.items()}
