"""The role x permission table (AZ-2): one documented place, read by migrations and tests.

Roles are Django Groups named by their code. Coarse permissions live here; which participants
a role reaches is decided in ``participants/access.py`` (care team, or the whole program for
roles holding ``participants.view_program_participants``). docs/access-matrix.md renders this
table for people.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROGRAM_DIRECTOR = "program_director", _("Program director")
    CLINICIAN = "clinician", _("Clinician (licensed therapist)")
    COUNSELOR = "counselor", _("Counselor")
    PRESCRIBER = "prescriber", _("Prescriber")
    NURSE_TECHNICIAN = "nurse_technician", _("Nurse / technician")
    FRONT_DESK = "front_desk", _("Front desk")
    BILLING = "billing", _("Billing")
    COMPLIANCE_AUDITOR = "compliance_auditor", _("Compliance auditor")


_SEE_CHART = ["participants.view_participant", "participants.view_episode"]
_CLINICAL = [*_SEE_CHART, "participants.view_clinical_record"]
_REGISTER = ["participants.add_participant", "participants.change_participant"]
_REFER = ["participants.add_episode"]
_ADMIT = ["participants.admit_episode", "participants.change_episode"]
_MEASURES = [
    "assessments.view_administration",
    "assessments.add_administration",
    "assessments.view_clinicalalert",
    "assessments.change_clinicalalert",
    "assessments.view_dimensionalassessment",
]
_ASSESS = ["assessments.add_dimensionalassessment"]
_SEE_PLAN = ["plans.view_treatmentplan"]
_WRITE_PLAN = [*_SEE_PLAN, "plans.add_planversion", "plans.sign_treatmentplan"]
_NOTES = [
    "notes.view_progressnote",
    "notes.add_progressnote",
    "notes.view_groupnote",
    "notes.add_groupnote",
]
# Scheduling: see the week views and record attendance; outreach tasks after missed sessions;
# participants' availability; the program's tracks, groups, rooms, staff hours and schedules.
_SCHEDULE_ATTEND = ["scheduling.view_session", "scheduling.add_attendancerecord"]
_SCHEDULE_OUTREACH = ["scheduling.change_outreachtask"]
_SCHEDULE_AVAILABILITY = ["scheduling.manage_participant_availability"]
_SCHEDULE_BUILD = ["scheduling.manage_schedule_setup", "scheduling.build_weekschedule"]
# Drug testing: see results; order tests; record collection and point-of-care results; run the
# random draw; import laboratory results and work the reconciliation queue; panels and policy.
_DRUGTEST_SEE = ["drugtests.see_results"]
_DRUGTEST_ORDER = [*_DRUGTEST_SEE, "drugtests.order_tests"]
_DRUGTEST_COLLECT = [*_DRUGTEST_SEE, "drugtests.record_collection"]
_DRUGTEST_RANDOM = ["drugtests.run_random_draw"]
_DRUGTEST_LAB = [*_DRUGTEST_SEE, "drugtests.import_lab_results"]
_DRUGTEST_SETUP = ["drugtests.manage_testing_setup"]
# Step-down and discharge: phase and level-of-care decisions; discharge and its summary;
# aftercare plans; post-discharge follow-ups; alumni groups and events; the program's settings.
_DISCHARGE_DECIDE = ["discharge.record_level_change"]
_DISCHARGE_DISCHARGE = ["discharge.discharge_episode"]
_DISCHARGE_AFTERCARE = ["discharge.manage_aftercare"]
_DISCHARGE_FOLLOWUP = ["discharge.record_followup"]
_DISCHARGE_ALUMNI = ["discharge.manage_alumni"]
_DISCHARGE_SETUP = ["discharge.manage_discharge_settings"]
# Portal and between-session work: invite a participant to the portal; record and revoke
# 42 CFR Part 2 consents (family access); see check-ins, shared journal entries and alerts;
# the program's portal settings (crisis numbers, check-in thresholds, triggers, resources).
_PORTAL_INVITE = ["participants.invite_to_portal"]
_CONSENT = ["participants.manage_consent"]
_RECOVERY_SEE = ["recovery.see_checkins"]
_RECOVERY_SETUP = ["recovery.manage_recovery_settings"]
# Reports: the program dashboard, clinician report and de-identified exports; lists and exports
# that name participants; clinicians' reports on their own caseload.
_REPORTS = ["reports.view_program_reports"]
_REPORTS_IDENTIFIED = ["reports.export_identified"]
_REPORTS_OWN = ["reports.view_own_caseload_report"]
# The program's report settings (meaningful-change thresholds of the outcome measures).
_REPORTS_SETUP = ["reports.change_reportsettings"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.PROGRAM_DIRECTOR: [
        *_CLINICAL,
        *_REGISTER,
        *_REFER,
        *_ADMIT,
        "participants.view_program_participants",
        "participants.manage_care_team",
        "participants.view_change_history",
        *_MEASURES,
        *_ASSESS,
        "assessments.add_instrumentenablement",
        "assessments.change_levelofcaretable",
        *_WRITE_PLAN,
        "plans.change_planpolicy",
        *_NOTES,
        "notes.change_notetemplate",
        *_SCHEDULE_ATTEND,
        *_SCHEDULE_OUTREACH,
        *_SCHEDULE_AVAILABILITY,
        *_SCHEDULE_BUILD,
        *_DRUGTEST_ORDER,
        *_DRUGTEST_COLLECT,
        *_DRUGTEST_RANDOM,
        *_DRUGTEST_LAB,
        *_DRUGTEST_SETUP,
        *_DISCHARGE_DECIDE,
        *_DISCHARGE_DISCHARGE,
        *_DISCHARGE_AFTERCARE,
        *_DISCHARGE_FOLLOWUP,
        *_DISCHARGE_ALUMNI,
        *_DISCHARGE_SETUP,
        *_PORTAL_INVITE,
        *_CONSENT,
        *_RECOVERY_SEE,
        *_RECOVERY_SETUP,
        *_REPORTS,
        *_REPORTS_IDENTIFIED,
        *_REPORTS_SETUP,
    ],
    Role.CLINICIAN: [
        *_CLINICAL,
        *_REGISTER,
        *_REFER,
        *_ADMIT,
        *_MEASURES,
        *_ASSESS,
        *_WRITE_PLAN,
        *_NOTES,
        *_SCHEDULE_ATTEND,
        *_SCHEDULE_OUTREACH,
        *_DRUGTEST_ORDER,
        *_DRUGTEST_COLLECT,
        *_DISCHARGE_DECIDE,
        *_DISCHARGE_DISCHARGE,
        *_DISCHARGE_AFTERCARE,
        *_DISCHARGE_FOLLOWUP,
        *_DISCHARGE_ALUMNI,
        *_PORTAL_INVITE,
        *_CONSENT,
        *_RECOVERY_SEE,
        *_REPORTS_OWN,
    ],
    Role.COUNSELOR: [
        *_CLINICAL,
        "participants.change_participant",
        *_MEASURES,
        *_ASSESS,
        *_WRITE_PLAN,
        *_NOTES,
        *_SCHEDULE_ATTEND,
        *_SCHEDULE_OUTREACH,
        *_DRUGTEST_ORDER,
        *_DRUGTEST_COLLECT,
        *_DISCHARGE_AFTERCARE,
        *_DISCHARGE_FOLLOWUP,
        *_DISCHARGE_ALUMNI,
        *_PORTAL_INVITE,
        *_CONSENT,
        *_RECOVERY_SEE,
        *_REPORTS_OWN,
    ],
    Role.PRESCRIBER: [
        *_CLINICAL,
        *_MEASURES,
        *_SEE_PLAN,
        *_NOTES,
        *_SCHEDULE_ATTEND,
        *_DRUGTEST_ORDER,
        *_DRUGTEST_COLLECT,
        *_RECOVERY_SEE,
        *_REPORTS_OWN,
    ],
    Role.NURSE_TECHNICIAN: [
        *_CLINICAL,
        # The collection desk tests whoever is due, so the whole program is in scope.
        "participants.view_program_participants",
        *_MEASURES,
        *_SEE_PLAN,
        *_NOTES,
        *_SCHEDULE_ATTEND,
        *_DRUGTEST_COLLECT,
        *_DRUGTEST_RANDOM,
        *_DRUGTEST_LAB,
        *_RECOVERY_SEE,
    ],
    Role.FRONT_DESK: [
        *_SEE_CHART,
        *_REGISTER,
        *_REFER,
        "participants.view_program_participants",
        *_SCHEDULE_ATTEND,
        *_SCHEDULE_AVAILABILITY,
        *_DISCHARGE_ALUMNI,
        *_PORTAL_INVITE,
        *_CONSENT,
    ],
    Role.BILLING: [],
    Role.COMPLIANCE_AUDITOR: ["audit.view_auditevent", *_REPORTS],
}


def sync_role_permissions(apps) -> None:
    """Create the role groups and give each exactly the permissions in ROLE_PERMISSIONS.

    Called from migrations (with the historical ``apps``). Permissions whose app has not been
    migrated yet are skipped; that app's own migration calls this again.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, codes in ROLE_PERMISSIONS.items():
        group, _created = group_model.objects.get_or_create(name=str(role))
        wanted = []
        for code in codes:
            app_label, codename = code.split(".")
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)


def ensure_permissions(apps) -> None:
    """Create model permissions now (Django normally does it after all migrations)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        original = getattr(app_config, "models_module", None)
        app_config.models_module = original or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = original


def sync_roles_after_migrate(sender, apps=None, **kwargs) -> None:
    """post_migrate: keep the role groups equal to the table after every migrate or flush.

    The 0002_roles migration creates them; a database flush (as test runners do between
    transactional tests) removes them, and Django re-emits post_migrate afterwards.
    """
    if apps is None:
        from django.apps import apps
    ensure_permissions(apps)
    sync_role_permissions(apps)
