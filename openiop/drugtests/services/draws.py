"""The random draw."""

import secrets
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction
from openiop.drugtests import rules
from openiop.drugtests.models import (
    Collection,
    RandomDraw,
    SpecimenType,
    TestOrder,
)
from openiop.drugtests.services.common import audit, policy_for
from openiop.participants.models import Episode, EpisodeStatus


def _last_tested(episodes) -> dict[int, date]:
    """Episode id -> the day of its last collected specimen (one query)."""
    rows = (
        Collection.objects.filter(episode__in=episodes, outcome=Collection.Outcome.COLLECTED)
        .values("episode_id")
        .annotate(last=Max("collected_at"))
        .values_list("episode_id", "last")
    )
    return {episode_id: timezone.localtime(last).date() for episode_id, last in rows}


def _draw_panel(program):
    """The panel random tests use: the program's urine panel in use, else any in use."""
    panel = program.panels.filter(is_active=True, specimen_type=SpecimenType.URINE).first()
    panel = panel or program.panels.filter(is_active=True).first()
    if panel is None:
        raise ValidationError(_("The program has no panel in use: set one up first."))
    return panel


def _candidates(episodes, on: date) -> list[rules.Candidate]:
    """Each active episode with its last test day (or admission) and whether it already has
    a test that day (two queries)."""
    last = _last_tested(episodes)
    today_orders = set(
        TestOrder.objects.filter(episode__in=episodes, due_on=on)
        .exclude(status=TestOrder.Status.CANCELLED)
        .values_list("episode_id", flat=True)
    )
    return [
        rules.Candidate(
            key=episode.pk,
            last_tested_on=last.get(episode.pk, episode.admitted_on),
            has_test_today=episode.pk in today_orders,
        )
        for episode in episodes
    ]


def _order_selected(draw: RandomDraw, selections, episodes, panel, actor) -> None:
    by_id = {episode.pk: episode for episode in episodes}
    for selection in selections:
        episode = by_id[selection.key]
        order = TestOrder.objects.create(
            participant=episode.participant,
            episode=episode,
            panel=panel,
            reason=TestOrder.Reason.RANDOM,
            due_on=draw.drawn_on,
            ordered_by=actor,
            random_draw=draw,
            is_gap_forced=selection.forced,
        )
        audit(
            actor,
            AuditAction.DRUG_TEST_ORDERED,
            order,
            episode.participant,
            reason="random",
            draw=str(draw.public_id),
            forced=selection.forced,
        )


@transaction.atomic
def random_draw_run(*, program, actor, on: date | None = None, rng=None) -> RandomDraw:
    """Today's random selection for ``program``: one draw a day (a second run is refused, so
    no one can redraw until someone is chosen). ``rng`` is for tests only; real draws use
    the operating system's cryptographically secure generator."""
    on = on or timezone.localdate()
    if RandomDraw.objects.filter(program=program, drawn_on=on).exists():
        raise ValidationError(_("Today's draw has already been run for this program."))
    policy, panel = policy_for(program), _draw_panel(program)
    episodes = list(
        Episode.objects.filter(program=program, status=EpisodeStatus.ACTIVE)
        .select_related("participant")
        .order_by("id")
    )
    probability = rules.selection_probability(
        float(policy.random_tests_per_week), len(policy.weekdays) or 7, policy.max_days_untested
    )
    selections = rules.draw(
        _candidates(episodes, on),
        on=on,
        next_draw_on=rules.next_draw_day(on, policy.weekdays),
        probability=probability,
        max_gap_days=policy.max_days_untested,
        rng=rng or secrets.SystemRandom(),
    )
    try:
        with transaction.atomic():
            draw = RandomDraw.objects.create(
                program=program,
                drawn_on=on,
                run_by=actor,
                run_at=timezone.now(),
                eligible_count=len(episodes),
                probability=Decimal(str(round(probability, 5))),
            )
    except IntegrityError:
        raise ValidationError(_("Today's draw has already been run for this program.")) from None
    _order_selected(draw, selections, episodes, panel, actor)
    audit(
        actor,
        AuditAction.DRUG_TEST_RANDOM_DRAW,
        draw,
        eligible=len(episodes),
        selected=len(selections),
        drawn_on=on.isoformat(),
    )
    return draw
