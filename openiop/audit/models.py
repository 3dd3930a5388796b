"""The audit trail: one append-only row per access to, or change of, protected data.

Rows hold identifiers and codes, never clinical text or secrets (AUD-9).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openiop.core.models import AppendOnlyModel


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Signed in")
    LOGIN_FAILED = "login_failed", _("Sign-in failed")
    LOCKED_OUT = "locked_out", _("Locked out")
    LOGOUT = "logout", _("Signed out")
    SESSION_TIMEOUT = "session_timeout", _("Session timed out")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    ACCESS_DENIED = "access_denied", _("Access denied")
    USER_CREATED = "user_created", _("User created")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    MEMBERSHIP_ADDED = "membership_added", _("Added to a program")
    MEMBERSHIP_REMOVED = "membership_removed", _("Removed from a program")
    PARTICIPANT_VIEWED = "participant_viewed", _("Participant record viewed")
    PARTICIPANT_LISTED = "participant_listed", _("Participant shown in a list")
    PARTICIPANT_HISTORY_VIEWED = "participant_history_viewed", _("Change history viewed")
    PARTICIPANT_REGISTERED = "participant_registered", _("Participant registered")
    PARTICIPANT_UPDATED = "participant_updated", _("Participant details changed")
    EPISODE_REFERRED = "episode_referred", _("Referral recorded")
    EPISODE_ADMITTED = "episode_admitted", _("Admitted")
    EPISODE_STATUS_CHANGED = "episode_status_changed", _("Episode status changed")
    CARE_TEAM_CHANGED = "care_team_changed", _("Care team changed")
    MEASURE_RECORDED = "measure_recorded", _("Measure recorded")
    MEASURE_CORRECTED = "measure_corrected", _("Measure corrected")
    ALERT_RAISED = "alert_raised", _("Clinical alert raised")
    ALERT_ACKNOWLEDGED = "alert_acknowledged", _("Clinical alert acknowledged")
    DIMENSIONAL_ASSESSMENT_RECORDED = "dimensional_recorded", _("Dimensional assessment recorded")
    LEVEL_RULES_CHANGED = "level_rules_changed", _("Level-of-care rules changed")
    INSTRUMENT_ENABLED = "instrument_enabled", _("Licensed instrument enabled")
    INSTRUMENT_DISABLED = "instrument_disabled", _("Licensed instrument disabled")
    PLAN_DRAFT_STARTED = "plan_draft_started", _("Plan draft started")
    PLAN_DRAFT_SAVED = "plan_draft_saved", _("Plan draft changed")
    PLAN_SIGNED = "plan_signed", _("Plan signed")
    PLAN_COSIGNED = "plan_cosigned", _("Plan co-signed")
    PLAN_REVIEW_REQUESTED = "plan_review_requested", _("Plan review requested")
    PLAN_POLICY_CHANGED = "plan_policy_changed", _("Plan timeliness policy changed")
    AUDIT_VIEWED = "audit_viewed", _("Audit trail viewed")
    AUDIT_EXPORTED = "audit_exported", _("Audit trail exported")
    MEASUREMENT_SCHEDULE_CHANGED = "measurement_schedule_changed", _("Measurement schedule changed")
    INSTRUMENT_DEFINITION_ADDED = "instrument_definition_added", _("Program instrument added")
    NOTE_CREATED = "note_created", _("Note draft started")
    NOTE_SAVED = "note_saved", _("Note draft saved")
    NOTE_DISCARDED = "note_discarded", _("Note draft discarded")
    NOTE_SIGNED = "note_signed", _("Note signed")
    NOTE_COSIGNED = "note_cosigned", _("Note co-signed")
    NOTE_ADDENDUM_ADDED = "note_addendum_added", _("Note addendum added")
    GROUP_NOTE_CREATED = "group_note_created", _("Group note draft started")
    GROUP_NOTE_SAVED = "group_note_saved", _("Group note draft saved")
    GROUP_NOTE_DISCARDED = "group_note_discarded", _("Group note draft discarded")
    GROUP_NOTE_SIGNED = "group_note_signed", _("Group note signed")
    GROUP_NOTE_COSIGNED = "group_note_cosigned", _("Group note co-signed")
    GROUP_NOTE_ADDENDUM_ADDED = "group_note_addendum_added", _("Group note addendum added")
    NOTE_TEMPLATE_CHANGED = "note_template_changed", _("Note template changed")
    NOTE_POLICY_CHANGED = "note_policy_changed", _("Note timeliness policy changed")
    SCHEDULE_SAVED = "schedule_saved", _("Week schedule saved")
    SESSION_ADDED = "session_added", _("Session added")
    SESSION_PIN_CHANGED = "session_pin_changed", _("Session place pinned or unpinned")
    GROUP_ROSTER_CHANGED = "group_roster_changed", _("Group roster changed")
    ATTENDANCE_RECORDED = "attendance_recorded", _("Attendance recorded")
    ATTENDANCE_CORRECTED = "attendance_corrected", _("Attendance corrected")
    SCHEDULE_PREFERENCES_CHANGED = "schedule_preferences_changed", _("Scheduling needs changed")
    OUTREACH_TASK_CREATED = "outreach_task_created", _("Outreach task created")
    AVAILABILITY_CHANGED = "availability_changed", _("Scheduling availability changed")
    OUTREACH_TASK_DONE = "outreach_task_done", _("Outreach task done")
    CALENDAR_FEED_RESET = "calendar_feed_reset", _("Calendar feed address reset")
    CALENDAR_FEED_READ = "calendar_feed_read", _("Calendar feed read")
    # Scheduling setup (tracks, offerings, rooms, clinician hours, roster changes)
    TRACK_SAVED = "track_saved", _("Track created or changed")
    TRACK_DELETED = "track_deleted", _("Track deleted")
    GROUP_OFFERING_SAVED = "group_offering_saved", _("Recurring group created or changed")
    GROUP_OFFERING_DELETED = "group_offering_deleted", _("Recurring group deleted")
    ROOM_SAVED = "room_saved", _("Room created or changed")
    ROOM_DELETED = "room_deleted", _("Room deleted")
    CLINICIAN_HOURS_CHANGED = "clinician_hours_changed", _("Clinician scheduling hours changed")
    CLINICIAN_TIME_OFF_CHANGED = "clinician_time_off_changed", _("Clinician time off changed")
    # -- end scheduling setup
    # Drug testing
    DRUG_TEST_VIEWED = "drug_test_viewed", _("Drug test results viewed")
    DRUG_TEST_ORDERED = "drug_test_ordered", _("Drug test ordered")
    DRUG_TEST_ORDER_CANCELLED = "drug_test_order_cancelled", _("Drug test order cancelled")
    DRUG_TEST_COLLECTED = "drug_test_collected", _("Drug test collection recorded")
    DRUG_TEST_RESULT_RECORDED = "drug_test_result_recorded", _("Drug test result recorded")
    DRUG_TEST_FOLLOW_UP = "drug_test_follow_up", _("Drug test follow-up raised")
    DRUG_TEST_ALERT_ACKNOWLEDGED = "drug_test_alert_ack", _("Drug test follow-up acknowledged")
    DRUG_TEST_RANDOM_DRAW = "drug_test_random_draw", _("Random test draw run")
    DRUG_TEST_MEDICATION_CHANGED = "drug_test_medication", _("Prescribed medication recorded")
    DRUG_TEST_LAB_IMPORTED = "drug_test_lab_imported", _("Laboratory message imported")
    DRUG_TEST_LAB_RECONCILED = "drug_test_lab_reconciled", _("Laboratory message reconciled")
    DRUG_TEST_SETUP_CHANGED = "drug_test_setup_changed", _("Drug testing setup changed")
    # -- end drug testing
    # Step-down, discharge, aftercare, follow-ups, alumni
    PHASE_CHANGED = "phase_changed", _("Phase changed")
    LEVEL_OF_CARE_CHANGED = "level_of_care_changed", _("Level of care changed")
    EPISODE_TRANSFERRED = "episode_transferred", _("Transferred to another program")
    EPISODE_DISCHARGED = "episode_discharged", _("Discharged")
    DISCHARGE_SUMMARY_SAVED = "discharge_summary_saved", _("Discharge summary draft saved")
    DISCHARGE_SUMMARY_SIGNED = "discharge_summary_signed", _("Discharge summary signed")
    TRANSFER_IN_RECORDED = "transfer_in_recorded", _("Transfer in recorded")
    AFTERCARE_PLAN_SAVED = "aftercare_plan_saved", _("Aftercare plan saved")
    FOLLOWUP_RECORDED = "followup_recorded", _("Post-discharge follow-up recorded")
    ALUMNI_CHANGED = "alumni_changed", _("Alumni group, event or membership changed")
    DISCHARGE_SETTINGS_CHANGED = "discharge_settings_changed", _("Discharge settings changed")
    # -- end discharge
    # Portal, consents, check-ins, journal, relapse-prevention plan
    CONSENT_RECORDED = "consent_recorded", _("42 CFR Part 2 consent recorded")
    CONSENT_REVOKED = "consent_revoked", _("42 CFR Part 2 consent revoked")
    PORTAL_INVITED = "portal_invited", _("Invited to the portal")
    PORTAL_ACCOUNT_CREATED = "portal_account_created", _("Portal account created from invitation")
    PORTAL_VIEWED = "portal_viewed", _("Own record viewed in the portal")
    FAMILY_DISCLOSURE = "family_disclosure", _("Shown to family under a consent")
    CHECK_IN_RECORDED = "check_in_recorded", _("Daily check-in recorded")
    JOURNAL_SAVED = "journal_saved", _("Journal entry saved")
    RELAPSE_PLAN_SAVED = "relapse_plan_saved", _("Relapse-prevention plan saved")
    PORTAL_SETTINGS_CHANGED = "portal_settings_changed", _("Portal settings changed")
    PORTAL_TOTP_ENABLED = "portal_totp_enabled", _("Two-step sign-in turned on")
    PORTAL_TOTP_DISABLED = "portal_totp_disabled", _("Two-step sign-in turned off")
    PORTAL_TOTP_ACCEPTED = "portal_totp_accepted", _("Two-step sign-in code accepted")
    PORTAL_TOTP_REFUSED = "portal_totp_refused", _("Two-step sign-in code refused")
    # -- end portal
    # Reports
    REPORT_VIEWED = "report_viewed", _("Report viewed")
    REPORT_EXPORTED = "report_exported", _("Report exported")
    REPORT_SETTINGS_CHANGED = "report_settings_changed", _("Report settings changed")
    # -- end reports


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", _("Allowed")
    DENIED = "denied", _("Denied")


class DataCategory(models.TextChoices):
    NONE = "", _("None")
    SECURITY = "security", _("Security")
    DEMOGRAPHICS = "demographics", _("Demographics")
    ADMINISTRATIVE = "administrative", _("Episode and care team")
    SUD_RECORD = "sud_record", _("SUD treatment record (42 CFR Part 2)")
    AUDIT = "audit", _("Audit trail")


class AuditEvent(AppendOnlyModel):
    occurred_at = models.DateTimeField(_("time (UTC)"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_email = models.CharField(_("actor e-mail"), max_length=254, blank=True)
    # No `choices` in the schema: new actions are code, not migrations. audit_record() only
    # accepts AuditAction members, and the label comes from get_action_display().
    action = models.CharField(_("action"), max_length=40)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.ALLOWED
    )
    category = models.CharField(
        _("data category"), max_length=20, choices=DataCategory.choices, blank=True
    )
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("participant"),
    )
    target_type = models.CharField(_("object type"), max_length=60, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=256, blank=True)
    path = models.CharField(_("path"), max_length=512, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["participant", "occurred_at"], name="audit_participant_time"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
        ]
        verbose_name = _("audit event")

    def get_action_display(self) -> str:
        try:
            return str(AuditAction(self.action).label)
        except ValueError:
            return self.action

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.actor_email} {self.action}"
