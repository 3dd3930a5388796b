"""The program's testing policy and panels."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from openiop.audit.models import AuditAction
from openiop.core.versioning import version_claim
from openiop.drugtests import rules
from openiop.drugtests.models import (
    Panel,
    PanelAnalyte,
    TestingPolicy,
)
from openiop.drugtests.services.common import audit


@transaction.atomic
def testing_policy_update(
    *,
    program,
    actor,
    expected_version: int | None,
    follow_up: str,
    random_tests_per_week: Decimal,
    max_days_untested: int,
    draw_weekdays: str,
    review_window_hours: int,
    admission_panel: Panel | None = None,
) -> TestingPolicy:
    policy = TestingPolicy.objects.filter(program=program).first()
    if policy is None:
        policy = TestingPolicy(program=program)
    else:
        policy = version_claim(policy, expected_version=expected_version or 0)
    days = [d.strip() for d in (draw_weekdays or "").split(",") if d.strip()]
    if not days or any(not d.isdigit() or int(d) > 6 for d in days):
        raise ValidationError(
            {"draw_weekdays": _("Give the draw days as numbers 0 (Monday) to 6, e.g. 0,1,2,3,4.")}
        )
    if random_tests_per_week is None or not 0 <= random_tests_per_week <= 7:
        raise ValidationError(
            {"random_tests_per_week": _("The random rate is between 0 and 7 tests a week.")}
        )
    if not max_days_untested or max_days_untested < 1:
        raise ValidationError({"max_days_untested": _("The longest gap is at least one day.")})
    if admission_panel is not None and (
        admission_panel.program_id != program.pk or not admission_panel.is_active
    ):
        raise ValidationError(
            {"admission_panel": _("Choose one of the program's panels in use, or none.")}
        )
    policy.admission_panel = admission_panel
    policy.follow_up = follow_up
    policy.random_tests_per_week = random_tests_per_week
    policy.max_days_untested = max_days_untested
    policy.draw_weekdays = ",".join(str(d) for d in sorted({int(d) for d in days}))
    policy.review_window_hours = review_window_hours
    policy.full_clean(exclude=["program"])
    policy.save()
    audit(actor, AuditAction.DRUG_TEST_SETUP_CHANGED, policy, what="policy")
    return policy


def _save_analytes(panel: Panel, analytes) -> None:
    seen = set()
    panel.analytes.all().delete()
    for position, (code, name, screen, confirmation, unit) in enumerate(analytes):
        code = code.strip().upper()
        if code in seen:
            raise ValidationError(
                {"analytes": _("The analyte %(code)s is listed twice.") % {"code": code}}
            )
        seen.add(code)
        analyte = PanelAnalyte(
            panel=panel,
            code=code,
            name=name.strip(),
            screen_cutoff=screen,
            confirmation_cutoff=confirmation,
            unit=(unit or "ng/mL").strip(),
            position=position,
        )
        analyte.full_clean(exclude=["panel"])
        analyte.save()


@transaction.atomic
def panel_save(
    *,
    program,
    actor,
    name: str,
    specimen_type: str,
    is_active: bool = True,
    analytes: list[tuple],
    panel: Panel | None = None,
) -> Panel:
    """Create or change a panel; ``analytes`` are (code, name, screen cutoff, confirmation
    cutoff, unit). Orders already made keep pointing at the panel."""
    if not analytes:
        raise ValidationError({"analytes": _("A panel tests at least one analyte.")})
    if panel is None:
        panel = Panel(program=program)
    elif panel.program_id != program.pk:
        raise ValidationError(_("This panel belongs to another program."))
    panel.name, panel.specimen_type, panel.is_active = name.strip(), specimen_type, is_active
    panel.full_clean(exclude=["program"], validate_unique=False)
    if Panel.objects.filter(program=program, name=panel.name).exclude(pk=panel.pk).exists():
        raise ValidationError({"name": _("The program already has a panel with this name.")})
    panel.save()
    _save_analytes(panel, analytes)
    audit(actor, AuditAction.DRUG_TEST_SETUP_CHANGED, panel, what="panel")
    return panel


@transaction.atomic
def panels_seed_defaults(*, program, actor) -> list[Panel]:
    """Give the program the default panels (rules.DEFAULT_PANELS) it does not have yet."""
    created = []
    for default in rules.DEFAULT_PANELS:
        if Panel.objects.filter(program=program, name=default.name).exists():
            continue
        created.append(
            panel_save(
                program=program,
                actor=actor,
                name=default.name,
                specimen_type=default.specimen_type,
                analytes=[
                    (a.code, a.name, a.screen_cutoff, a.confirmation_cutoff, a.unit)
                    for a in default.analytes
                ],
            )
        )
    return created
