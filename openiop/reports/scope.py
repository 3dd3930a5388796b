"""Which episodes a report covers: programs, dates, site, track, and whose caseload.

A scope is built by ``access.report_scope()`` from what the user may see; selectors take it as
it is and never widen it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import Q, QuerySet

from openiop.participants.models import CareTeamMember, Episode


@dataclass(frozen=True)
class ReportScope:
    program_ids: tuple[int, ...]
    start: date
    end: date  # inclusive
    today: date
    site_id: int | None = None
    track_id: int | None = None
    clinician_id: int | None = None  # set: only episodes this person treats

    @property
    def as_of(self) -> date:
        """The last day figures can know about: the end of the range, or today if sooner."""
        return min(self.end, self.today)

    def episodes(self) -> QuerySet[Episode]:
        """Admitted episodes of the scope's programs (and site, track, clinician), any dates."""
        return Episode.objects.filter(self.on(""))

    def on(self, prefix: str) -> Q:
        """The scope as conditions on the episode at ``prefix`` (``"episode__"`` for records
        that belong to an episode): joined rather than an ``IN`` list, so that the database
        can start from the records' own dates.

        A track narrows it by uncorrelated subqueries, which the database hashes once per
        query (an OR of correlated EXISTS, as before, ran a subquery per record: 53 s for a
        two-year track dashboard). A caseload is small: its episode ids are found once per
        scope (``caseload``) and listed."""
        from openiop.scheduling.models import GroupEnrollment, ParticipantPreferences

        episode_id = f"{prefix}id__in" if prefix else "pk__in"
        condition = Q(
            **{f"{prefix}program_id__in": self.program_ids, f"{prefix}admitted_on__isnull": False}
        )
        if self.site_id is not None:
            condition &= Q(**{f"{prefix}program__site_id": self.site_id})
        if self.track_id is not None:
            enrolled = GroupEnrollment.objects.filter(offering__track_id=self.track_id)
            prefers = ParticipantPreferences.objects.filter(preferred_track_id=self.track_id)
            condition &= Q(**{episode_id: enrolled.values("episode_id")}) | Q(
                **{episode_id: prefers.values("episode_id")}
            )
        if self.clinician_id is not None:
            condition &= Q(**{episode_id: self.caseload})
        return condition

    @cached_property
    def caseload(self) -> tuple[int, ...]:
        """The ids of the clinician's episodes in the scope's programs: those they are the
        primary clinician of or on the care team of. One query, kept for the scope's lifetime
        (a request)."""
        on_team = CareTeamMember.objects.filter(user_id=self.clinician_id)
        episodes = Episode.objects.filter(program_id__in=self.program_ids).filter(
            Q(primary_clinician_id=self.clinician_id) | Q(pk__in=on_team.values("episode_id"))
        )
        return tuple(episodes.order_by("pk").values_list("pk", flat=True))

    def episode_ids(self) -> QuerySet:
        """The scope's episodes as a subquery, for ``episode_id__in=``."""
        return self.episodes().values("pk")

    def in_care_during(self, start: date, end: date, prefix: str = "") -> Q:
        """Episodes admitted on or before ``end`` and not discharged before ``start``."""
        return Q(**{f"{prefix}admitted_on__lte": end}) & (
            Q(**{f"{prefix}discharged_on__isnull": True})
            | Q(**{f"{prefix}discharged_on__gte": start})
        )
