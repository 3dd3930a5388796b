"""The episode list: one row per episode, for lists and exports that name participants."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import DateField, F, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from openiop.discharge.models import DischargeReason
from openiop.participants.models import Episode
from openiop.reports.dbfunctions import DaysBetween
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition
from openiop.reports.selectors._scores import current_scores, first_and_latest
from openiop.reports.tables import Column, Table
from openiop.scheduling.models import AttendanceRecord
from openiop.scheduling.rules import ATTENDED_STATUSES

SCORED = ("phq9", "gad7")
PAGE_SIZE = 100


def listed_episodes(scope: ReportScope) -> QuerySet[Episode]:
    """The episodes the list shows, in its order (for paging: ``values_list("pk")``)."""
    return (
        scope.episodes()
        .filter(scope.in_care_during(scope.start, scope.end))
        .order_by("admitted_on", "pk")
    )


def episode_list(scope: ReportScope, episode_ids: Sequence[int] | None = None) -> Table:
    """Every admitted episode of the scope in care at some time in the range (admitted on or
    before its last day, not discharged before its first), oldest admission first. Length of
    stay: days from admission to discharge, or to the report's last day (or today) while in
    care. Hours attended: minutes of attended sessions in the whole episode, as hours. PHQ-9 and
    GAD-7: the first and the latest current scores of the episode. Name, record number, date
    of birth, contact details and the discharge details (free text) identify the participant
    and are left out of de-identified exports."""
    episodes = listed_episodes(scope)
    if episode_ids is not None:  # one page of the list
        episodes = episodes.filter(pk__in=list(episode_ids))
    chosen = episodes.values("pk")
    minutes = dict(
        AttendanceRecord.objects.filter(episode__in=chosen, status__in=sorted(ATTENDED_STATUSES))
        .order_by()
        .values("episode")
        .annotate(total=Sum("minutes"))
        .values_list("episode", "total")
    )
    scores = {
        (episode, code): (first, latest)
        for episode, code, first, latest in first_and_latest(
            current_scores(SCORED).filter(episode__in=chosen)
        ).values_list("episode_id", "instrument", "first_total", "latest_total")
    }
    as_of = Value(scope.as_of, output_field=DateField())
    episodes = episodes.annotate(
        stay=DaysBetween(Coalesce("discharged_on", as_of), F("admitted_on"))
    ).values_list(
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
        "pk",
    )
    reasons = dict(DischargeReason.choices)
    rows = []
    for row in episodes:
        (public_id, last, first, mrn, born, phone, email, program, admitted, discharged) = row[:10]
        reason, detail, stay, pk = row[10:14]
        measured = [score for code in SCORED for score in scores.get((pk, code), (None, None))]
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
                round(minutes.get(pk, 0) / 60, 1),
                *measured,
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
