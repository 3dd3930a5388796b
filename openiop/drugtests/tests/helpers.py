"""Build drug-test history through the services, as the collection desk would."""

import datetime

from django.utils import timezone

from openiop.drugtests import services


def collected(episode, panel, actor, *, accession="", sent=False, validity="normal", at=None):
    order = services.test_order(
        episode=episode,
        actor=actor,
        panel=panel,
        reason="scheduled",
        due_on=timezone.localdate(),
    )
    return services.collection_record(
        order=order,
        actor=actor,
        outcome="collected",
        collected_at=at,
        specimen_type=panel.specimen_type,
        temperature_in_range=True,
        validity=validity,
        accession_number=accession,
        is_sent_to_lab=sent,
    )


def screen(collection, actor, **outcomes):
    return services.results_record(
        collection=collection,
        actor=actor,
        method="screen",
        results=[{"code": code, "outcome": outcome} for code, outcome in outcomes.items()],
    )


def buprenorphine(episode, actor, *, started=None):
    return services.medication_add(
        episode=episode,
        actor=actor,
        name="Buprenorphine/naloxone 8/2 mg",
        analyte_codes=["BUP"],
        started_on=started or timezone.localdate() - datetime.timedelta(days=30),
        prescriber="Dr. Example",
    )


def nurse_on_team(program, episode, **fields):
    """A nurse/technician on the episode's care team (the role may import lab results)."""
    from openiop.accounts.roles import Role
    from openiop.accounts.tests.factories import UserFactory
    from openiop.participants.models import CareTeamRole
    from openiop.participants.tests.factories import CareTeamMemberFactory

    user = UserFactory(roles=[Role.NURSE_TECHNICIAN], programs=[program], **fields)
    CareTeamMemberFactory(episode=episode, user=user, role=CareTeamRole.NURSE)
    return user
