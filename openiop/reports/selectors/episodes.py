"""The episode list: one row per episode, for lists and exports that name participants."""

from __future__ import annotations

from django.db.models import (
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from openiop.assessments.models import Administration
from openiop.discharge.models import DischargeReason
from openiop.reports.dbfunctions import DaysBetween
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition
from openiop.reports.tables import Column, Table
from openiop.scheduling.models import AttendanceRecord
from openiop.scheduling.rules import ATTENDED_STATUSES


def _score(code: str, *, latest: bool):
    corrected = Administration.objects.filter(supersedes=OuterRef("pk"))
    order = ("-administered_on", "-pk") if latest else ("administered_on", "pk")
    given = (
        Administration.objects.filter(episode=OuterRef("pk"), instrument=code, total__isnull=False)
        .exclude(Exists(corrected))
        .order_by(*order)
    )
    return Subquery(given.values("total")[:1], output_field=IntegerField())


def episode_list(scope: ReportScope) -> Table:
    """Every admitted episode of the scope in care at some time in the range (admitted on or
    before its last day, not discharged before its first), oldest admission first. Length of
    stay: days from admission to discharge, or to the report's last day (or today) while in
    care. Hours attended: minutes of attended sessions in the whole episode, as hours. PHQ-9 and
    GAD-7: the first and the latest current scores of the episode. Name, record number, date
    of birth, contact details and the discharge details (free text) identify the participant
    and are left out of de-identified exports."""
    minutes = (
        AttendanceRecord.objects.filter(
            episode=OuterRef("pk"), status__in=sorted(ATTENDED_STATUSES)
        )
        .values("episode")
        .annotate(total=Sum("minutes"))
        .values("total")
    )
    as_of = Value(scope.as_of, output_field=DateField())
    episodes = (
        scope.episodes()
        .filter(scope.in_care_during(scope.start, scope.end))
        .annotate(
            stay=DaysBetween(Coalesce("discharged_on", as_of), F("admitted_on")),
            minutes=Coalesce(Subquery(minutes, output_field=IntegerField()), 0),
            phq9_first=_score("phq9", latest=False),
            phq9_latest=_score("phq9", latest=True),
            gad7_first=_score("gad7", latest=False),
            gad7_latest=_score("gad7", latest=True),
        )
        .order_by("admitted_on", "pk")
        .values_list(
            "participant__public_id",
            "participant__legal_last_name",
            "participant__legal_first_name",
            "participant__mrn",
            "participant__date_of_birth",
            "participant__phone",
            "participant__email",
            "program__name",
            "admitted_on",
            "discharged_on",
            "discharge__reason",
            "discharge__reason_detail",
            "stay",
            "minutes",
            "phq9_first",
            "phq9_latest",
            "gad7_first",
            "gad7_latest",
        )
    )
    reasons = dict(DischargeReason.choices)
    rows = []
    for row in episodes:
        (public_id, last, first, mrn, born, phone, email, program, admitted, discharged) = row[:10]
        reason, detail, stay, minutes_attended = row[10:14]
        rows.append(
            (
                str(public_id),
                f"{last}, {first}",
                mrn,
                born,
                phone,
                email,
                program,
                admitted,
                discharged,
                str(reasons.get(reason, "")) if reason else "",
                detail or "",
                stay,
                round(minutes_attended / 60, 1),
                *row[14:],
            )
        )
    return Table(
        key="episodes",
        title=_("Episodes"),
        definition=definition(episode_list),
        columns=(
            Column("participant", _("Participant id"), identifying=True),
            Column("name", _("Name"), identifying=True),
            Column("mrn", _("MRN"), identifying=True),
            Column("date_of_birth", _("Date of birth"), "date", identifying=True),
            Column("phone", _("Phone"), identifying=True),
            Column("email", _("E-mail"), identifying=True),
            Column("program", _("Program")),
            Column("admitted_on", _("Admitted"), "date"),
            Column("discharged_on", _("Discharged"), "date"),
            Column("reason", _("Reason for discharge")),
            Column("reason_detail", _("Discharge details"), identifying=True),
            Column("stay", _("Length of stay (days)"), "number"),
            Column("hours", _("Hours attended"), "hours"),
            Column("phq9_first", _("PHQ-9 first"), "number"),
            Column("phq9_latest", _("PHQ-9 latest"), "number"),
            Column("gad7_first", _("GAD-7 first"), "number"),
            Column("gad7_latest", _("GAD-7 latest"), "number"),
        ),
        rows=tuple(rows),
    )
