"""Demo drug testing: each program's default panels and supportive policy; for the active
participants of each program a few weeks of weekly tests (most negative); one
participant on buprenorphine whose positives are expected; one unexpected positive that
requested a plan review; a refusal; a send-out whose laboratory confirmation arrives as an
HL7 message, and one HL7 message that matches no one and waits in the reconciliation queue.
Today's random draw is run with a repeatable generator (real draws use the secure one).

Past orders are written as an import from another system would write them (the service
only orders for today or later); collections and results go through the services. A
program that already has orders is left alone, so a second run changes nothing.
"""

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from django.utils import timezone

from openiop.accounts.roles import Role
from openiop.drugtests import services
from openiop.drugtests.models import RandomDraw, TestOrder
from openiop.participants.models import Episode, EpisodeStatus

if TYPE_CHECKING:
    from openiop.core.management.commands.demo import DemoContext

WEEKS = 4
ACCESSION = "DEMO-ACC-{n:04d}"
LAB_MESSAGE = "\r".join(
    [
        r"MSH|^~\&|NORTHLAB|NORTHLAB TOXICOLOGY|OPENIOP|IOP|{stamp}||ORU^R01|{control}|P|2.5.1",
        r"PID|1||{mrn}^^^OPENIOP^MR||DEMO^PARTICIPANT",
        r"OBR|1|{accession}|NL{control}|TOXCONF^Urine drug confirmation|||{collected}",
        r"OBX|1|NM|BUP^Buprenorphine||52.0|ng/mL|<5|A|||F",
        r"NTE|1||Norbuprenorphine present \T\ consistent with prescribed use.",
        r"OBX|2|ST|FEN^Fentanyl||Negative||<0.5|N|||F",
        r"OBX|3|ST|COC^Benzoylecgonine||Negative||<100|N|||F",
    ]
)
UNMATCHED = LAB_MESSAGE.replace("{mrn}", "000000000")


def _at(day, hour=9, minute=30) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _past_order(episode, panel, actor, day, reason="scheduled", cause="") -> TestOrder:
    return TestOrder.objects.create(
        participant=episode.participant,
        episode=episode,
        panel=panel,
        reason=reason,
        cause=cause,
        due_on=day,
        ordered_by=actor,
    )


def _collect(order, actor, *, accession="", validity="normal"):
    return services.collection_record(
        order=order,
        actor=actor,
        outcome="collected",
        collected_at=_at(order.due_on),
        specimen_type=order.panel.specimen_type,
        is_observed=True,
        temperature_in_range=True,
        validity=validity,
        accession_number=accession,
        is_sent_to_lab=bool(accession),
    )


def _screen(collection, actor, positives=()):
    services.results_record(
        collection=collection,
        actor=actor,
        method="screen",
        results=[
            {"code": a.code, "outcome": "positive" if a.code in positives else "negative"}
            for a in collection.order.panel.analytes.all()
        ],
    )


def _history(context, program, population, director, nurse) -> int:
    panel = program.panels.filter(specimen_type="urine").first()
    episodes = list(
        Episode.objects.filter(program=program, status=EpisodeStatus.ACTIVE)
        .select_related("participant", "primary_clinician")
        .order_by("admitted_on", "id")
    )
    rng = context.random_for(f"drugtests:{population}")
    today = context.today
    tests = 0
    for index, episode in enumerate(episodes[:12]):
        on_buprenorphine = index == 0
        if on_buprenorphine:
            services.medication_add(
                episode=episode,
                actor=director,
                name="Buprenorphine/naloxone 8 mg/2 mg daily",
                analyte_codes=["BUP"],
                started_on=max(episode.admitted_on, today - timedelta(days=7 * WEEKS + 7)),
                prescriber="Dr. Helen Brandt (demo)",
            )
        for week in range(WEEKS, 0, -1):
            day = today - timedelta(days=7 * week - rng.randint(0, 2))
            if day < episode.admitted_on or day >= today:
                continue
            order = _past_order(episode, panel, director, day)
            tests += 1
            if index == 2 and week == 1:
                services.collection_record(order=order, actor=nurse, outcome="refused")
                continue
            if index == 3 and week == 2:
                services.collection_record(order=order, actor=nurse, outcome="no_show")
                continue
            collection = _collect(order, nurse)
            positives = {"BUP"} if on_buprenorphine else set()
            if index == 1 and week == 1:
                positives = {"COC"}  # unexpected: notifies and requests a plan review
            _screen(collection, nurse, positives)
    if episodes:  # a send-out this week, confirmed by the laboratory over HL7
        first = episodes[0]
        day = today - timedelta(days=1)
        if day >= first.admitted_on:
            order = _past_order(first, panel, director, day, "for_cause", "Confirm the cup")
            accession = f"{ACCESSION.format(n=1)}-{population.upper()}"
            collection = _collect(order, nurse, accession=accession)
            _screen(collection, nurse, {"BUP"})
            values = {
                "stamp": today.strftime("%Y%m%d") + "0700",
                "control": f"DEMO-{population.upper()}-1",
                "mrn": first.participant.mrn,
                "accession": accession,
                "collected": day.strftime("%Y%m%d") + "0930",
            }
            services.lab_import(
                raw=_fill(LAB_MESSAGE, values), actor=director, source="demo", program=program
            )
            values["control"] = f"DEMO-{population.upper()}-2"
            services.lab_import(
                raw=_fill(UNMATCHED, {**values, "accession": "UNKNOWN-77"}),
                actor=director,
                source="demo",
                program=program,
            )
    return tests


def _fill(template: str, values: dict) -> str:
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def load(context: "DemoContext") -> None:
    staff = context.data["staff"]
    director = staff[Role.PROGRAM_DIRECTOR][0]
    nurse = (staff.get(Role.NURSE_TECHNICIAN) or [director])[0]
    tests = 0
    for population, program in context.data["programs"].items():
        services.panels_seed_defaults(program=program, actor=director)
        if TestOrder.objects.filter(episode__program=program).exists():
            continue
        tests += _history(context, program, population, director, nurse)
        if not RandomDraw.objects.filter(program=program, drawn_on=context.today).exists():
            services.random_draw_run(
                program=program,
                actor=director,
                on=context.today,
                rng=context.random_for(f"drugtests-draw:{population}"),
            )
    context.log(f"Drug tests: default panels, {tests} past tests, today's random draw.")
