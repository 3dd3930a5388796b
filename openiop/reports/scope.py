"""Which episodes a report covers: programs, dates, site, track, and whose caseload.

A scope is built by ``access.report_scope()`` from what the user may see; selectors take it as
it is and never widen it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.db.models import F, Q, QuerySet

from openiop.participants.models import CareTeamMember, Episode
from openiop.reports.dbfunctions import AnyOf


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
        can start from the records' own dates. A track or a caseload narrows it to the episode
        ids found once per scope (``narrowed_to``), passed as one array on PostgreSQL."""
        condition = Q(
            **{f"{prefix}program_id__in": self.program_ids, f"{prefix}admitted_on__isnull": False}
        )
        if self.site_id is not None:
            condition &= Q(**{f"{prefix}program__site_id": self.site_id})
        if self.narrowed_to is not None:
            condition &= Q(AnyOf(F(f"{prefix}id"), self.narrowed_to))
        return condition

    @cached_property
    def narrowed_to(self) -> tuple[int, ...] | None:
        """For a track or a clinician's caseload, the ids of the scope's episodes in it (one
        query, kept for the scope's lifetime: a request); None when neither is set. The track:
        episodes enrolled in one of its groups or preferring it. The caseload: episodes whose
        primary clinician the person is or whose care team they are on. Tested in every query
        as correlated EXISTS, these ran a subquery per record (53 s for a two-year track
        dashboard); as subqueries, they cost each query a hash of every enrollment."""
        from openiop.scheduling.models import GroupEnrollment, ParticipantPreferences

        if self.track_id is None and self.clinician_id is None:
            return None
        episodes = Episode.objects.filter(program_id__in=self.program_ids)
        if self.track_id is not None:
            enrolled = GroupEnrollment.objects.filter(offering__track_id=self.track_id)
            prefers = ParticipantPreferences.objects.filter(preferred_track_id=self.track_id)
            episodes = episodes.filter(
                Q(pk__in=enrolled.values("episode_id")) | Q(pk__in=prefers.values("episode_id"))
            )
        if self.clinician_id is not None:
            on_team = CareTeamMember.objects.filter(user_id=self.clinician_id)
            episodes = episodes.filter(
                Q(primary_clinician_id=self.clinician_id) | Q(pk__in=on_team.values("episode_id"))
            )
        return tuple(episodes.order_by("pk").values_list("pk", flat=True))

    def in_care_during(self, start: date, end: date, prefix: str = "") -> Q:
        """Episodes admitted on or before ``end`` and not discharged before ``start``."""
        return Q(**{f"{prefix}admitted_on__lte": end}) & (
            Q(**{f"{prefix}discharged_on__isnull": True})
            | Q(**{f"{prefix}discharged_on__gte": start})
        )
