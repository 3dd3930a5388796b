"""Post-discharge follow-ups: who was reached, and how they are doing."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from openiop.discharge import rules as discharge_rules
from openiop.discharge.models import (
    DischargeSettings,
    FollowUpContact,
    Housing,
    Occupation,
    Reach,
    YesNoUnknown,
)
from openiop.participants.models import Episode
from openiop.reports.scope import ReportScope
from openiop.reports.selectors._common import definition
from openiop.reports.tables import Column, Table, percent


def _follow_up_days(scope: ReportScope) -> tuple[int, ...]:
    """The follow-up days the scope's programs use (their settings, else the default)."""
    texts = set(
        DischargeSettings.objects.filter(program_id__in=scope.program_ids).values_list(
            "followup_days", flat=True
        )
    )
    if len(texts) < len(scope.program_ids):
        texts.add(DischargeSettings._meta.get_field("followup_days").default)
    days: set[int] = set()
    for text in texts:
        days.update(discharge_rules.parse_days(text))
    return tuple(sorted(days))


def followup_reach(scope: ReportScope) -> Table:
    """For each follow-up (days after discharge, from the programs' settings): discharges of
    the scope's episodes whose follow-up fell due in the range (up to today). Attempted: at
    least one contact recorded for that follow-up; reached: at least one reached. Outcomes are
    shares of those reached: no alcohol or drug use since discharge, in treatment, in stable or
    recovery housing, working or in school, arrested. "Unknown / declined" counts in the
    denominator, so shares are conservative."""
    days = _follow_up_days(scope)
    if not days:
        return _followup_table(())
    # Every follow-up day in two queries: the discharges due, then their contacts by day.
    due_then = {
        day: Q(
            discharged_on__gte=scope.start - timedelta(days=day),
            discharged_on__lte=scope.as_of - timedelta(days=day),
        )
        for day in days
    }
    due = Episode.objects.filter(scope.on(""), discharge__isnull=False).aggregate(
        **{f"due{day}": Count("discharge", filter=due_then[day]) for day in days}
    )
    which = Q()
    for day in days:
        which |= Q(day=day) & Q(
            discharge__episode__discharged_on__gte=scope.start - timedelta(days=day),
            discharge__episode__discharged_on__lte=scope.as_of - timedelta(days=day),
        )
    reached = Q(result=Reach.REACHED)
    by_day = {
        row["day"]: row
        for row in FollowUpContact.objects.filter(scope.on("discharge__episode__"), which)
        .values("day")
        .annotate(
            attempted=Count("discharge", distinct=True),
            reached=Count("discharge", distinct=True, filter=reached),
            abstinent=Count(
                "discharge", distinct=True, filter=reached & Q(substance_use=YesNoUnknown.NO)
            ),
            in_treatment=Count(
                "discharge", distinct=True, filter=reached & Q(in_treatment=YesNoUnknown.YES)
            ),
            housed=Count(
                "discharge",
                distinct=True,
                filter=reached & Q(housing__in=[Housing.STABLE, Housing.RECOVERY]),
            ),
            occupied=Count(
                "discharge",
                distinct=True,
                filter=reached
                & Q(occupation__in=[Occupation.EMPLOYED, Occupation.SCHOOL, Occupation.BOTH]),
            ),
            arrested=Count(
                "discharge", distinct=True, filter=reached & Q(arrested=YesNoUnknown.YES)
            ),
        )
        .order_by()
    }
    rows = []
    for day in days:
        due_count = due[f"due{day}"]
        figures = by_day.get(day) or dict.fromkeys(
            ("attempted", "reached", "abstinent", "in_treatment", "housed", "occupied", "arrested"),
            0,
        )
        reached_count = figures["reached"]
        rows.append(
            (
                day,
                due_count,
                figures["attempted"],
                reached_count,
                percent(reached_count, due_count),
                percent(figures["abstinent"], reached_count),
                percent(figures["in_treatment"], reached_count),
                percent(figures["housed"], reached_count),
                percent(figures["occupied"], reached_count),
                percent(figures["arrested"], reached_count),
            )
        )
    return _followup_table(rows)


def _followup_table(rows) -> Table:
    return Table(
        key="followups",
        title=_("Follow-ups after discharge"),
        definition=definition(followup_reach),
        columns=(
            Column("day", _("Days after discharge"), "number"),
            Column("due", _("Due"), "number"),
            Column("attempted", _("Attempted"), "number"),
            Column("reached", _("Reached"), "number"),
            Column("reached_share", _("Reached (%)"), "percent"),
            Column("abstinent", _("No use since discharge (%)"), "percent"),
            Column("in_treatment", _("In treatment (%)"), "percent"),
            Column("housed", _("Stable or recovery housing (%)"), "percent"),
            Column("occupied", _("Working or in school (%)"), "percent"),
            Column("arrested", _("Arrested (%)"), "percent"),
        ),
        rows=tuple(rows),
    )
