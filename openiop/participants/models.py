"""Participants and their episodes of care (referral -> admission -> discharge)."""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from openiop.core.models import PublicIdModel, TimeStampedModel, VersionedModel


def validate_not_future(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future_date")


class SexAssignedAtBirth(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    INTERSEX = "intersex", _("Intersex")
    UNKNOWN = "unknown", _("Unknown")
    DECLINED = "declined", _("Chose not to answer")


class Participant(PublicIdModel, TimeStampedModel, VersionedModel):
    mrn = models.CharField(_("MRN"), max_length=12, unique=True, editable=False)
    legal_first_name = models.CharField(_("legal first name"), max_length=80)
    legal_last_name = models.CharField(_("legal last name"), max_length=80)
    preferred_name = models.CharField(_("preferred name"), max_length=80, blank=True)
    pronouns = models.CharField(
        _("pronouns"), max_length=40, blank=True, help_text=_("For example she/her, they/them.")
    )
    date_of_birth = models.DateField(_("date of birth"), validators=[validate_not_future])
    sex_assigned_at_birth = models.CharField(
        _("sex assigned at birth"), max_length=10, choices=SexAssignedAtBirth.choices
    )
    gender_identity = models.CharField(_("gender identity"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"), blank=True)
    primary_language = models.CharField(_("primary language"), max_length=40, default="English")
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=120, blank=True)
    emergency_contact_relationship = models.CharField(_("relationship"), max_length=60, blank=True)
    emergency_contact_phone = models.CharField(
        _("emergency contact phone"), max_length=30, blank=True
    )

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["legal_last_name", "legal_first_name"]
        permissions = [
            ("view_clinical_record", "Can see clinical content of participants in scope"),
            ("view_program_participants", "Sees every participant in their programs"),
            ("view_change_history", "Can see field-level change history"),
        ]
        indexes = [
            models.Index(
                fields=["legal_last_name", "legal_first_name", "date_of_birth"],
                name="participant_name_dob",
            )
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Preferred name first, with the legal last name."""
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    @property
    def legal_name(self) -> str:
        return f"{self.legal_first_name} {self.legal_last_name}"

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ReferralSource(models.TextChoices):
    INPATIENT_RESIDENTIAL = "inpatient_residential", _("Inpatient or residential treatment")
    DETOX = "detox", _("Withdrawal management (detox)")
    PHP = "php", _("Partial hospitalization (PHP)")
    CRIMINAL_JUSTICE = "criminal_justice", _("Court or criminal justice")
    SELF = "self", _("Self")
    FAMILY = "family", _("Family or friend")
    EMPLOYER = "employer", _("Employer or EAP")
    PHYSICIAN = "physician", _("Physician or health care provider")
    OTHER = "other", _("Other")


class EpisodeStatus(models.TextChoices):
    REFERRED = "referred", _("Referred")
    ASSESSING = "assessing", _("Assessing")
    WAIT_LISTED = "wait_listed", _("Wait-listed")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    DISCHARGED = "discharged", _("Discharged")


OPEN_STATUSES = (
    EpisodeStatus.REFERRED,
    EpisodeStatus.ASSESSING,
    EpisodeStatus.WAIT_LISTED,
    EpisodeStatus.ACTIVE,
    EpisodeStatus.ON_HOLD,
)

# Not yet admitted: an intake decision is still to be made.
PRE_ADMISSION = (EpisodeStatus.REFERRED, EpisodeStatus.ASSESSING, EpisodeStatus.WAIT_LISTED)

NEXT_STEP = {
    EpisodeStatus.REFERRED: _("Schedule assessment"),
    EpisodeStatus.ASSESSING: _("Complete assessment and admit"),
    EpisodeStatus.WAIT_LISTED: _("Offer a start date"),
    EpisodeStatus.ACTIVE: _("Continue treatment"),
    EpisodeStatus.ON_HOLD: _("Review hold"),
    EpisodeStatus.DISCHARGED: _("Aftercare follow-up"),
}


class ClosureReason(models.TextChoices):
    """Why an episode closed before admission (discharge reasons after admission arrive with
    the discharge workflow)."""

    REFERRED_ELSEWHERE = "referred_elsewhere", _("Referred to another provider or level of care")
    DECLINED = "declined", _("Person declined services")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible for this program")
    NO_CONTACT = "no_contact", _("Could not be reached")


class Episode(PublicIdModel, TimeStampedModel, VersionedModel):
    """One stay in one program, from referral to discharge."""

    participant = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="episodes")
    program = models.ForeignKey(
        "programs.Program", on_delete=models.PROTECT, related_name="episodes"
    )
    referral_source = models.CharField(
        _("referral source"), max_length=30, choices=ReferralSource.choices
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EpisodeStatus.choices, default=EpisodeStatus.REFERRED
    )
    referred_on = models.DateField(_("referral date"), validators=[validate_not_future])
    admitted_on = models.DateField(_("admission date"), null=True, blank=True)
    discharged_on = models.DateField(_("discharge date"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason closed before admission"),
        max_length=20,
        choices=ClosureReason.choices,
        blank=True,
    )
    closure_detail = models.CharField(
        _("where referred, or other detail"), max_length=200, blank=True
    )
    primary_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="primary_episodes",
        verbose_name=_("primary clinician"),
    )
    current_phase = models.ForeignKey(
        "programs.ProgramPhase",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="episodes",
        verbose_name=_("current phase"),
    )

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["-referred_on", "-id"]
        permissions = [
            ("admit_episode", "Can admit a referred participant"),
            ("manage_care_team", "Can change care teams"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "program"],
                condition=~Q(status="discharged"),
                name="episode_one_open_per_program",
                violation_error_message=_(
                    "This participant already has an open episode in this program."
                ),
            ),
            models.CheckConstraint(
                condition=Q(admitted_on__isnull=True) | Q(admitted_on__gte=F("referred_on")),
                name="episode_admitted_after_referral",
                violation_error_message=_("The admission date cannot be before the referral."),
            ),
            models.CheckConstraint(
                condition=Q(discharged_on__isnull=True) | Q(discharged_on__gte=F("referred_on")),
                name="episode_discharged_after_referral",
                violation_error_message=_("The discharge date cannot be before the referral."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["active", "on_hold"]) | Q(admitted_on__isnull=False),
                name="episode_active_has_admission",
                violation_error_message=_("An admitted episode needs an admission date."),
            ),
            models.CheckConstraint(
                condition=Q(closure_reason="") | Q(status="discharged", admitted_on__isnull=True),
                name="episode_closure_only_before_admission",
                violation_error_message=_(
                    "A closure reason belongs to a referral closed before admission."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="discharged") | Q(discharged_on__isnull=False),
                name="episode_discharged_has_date",
                violation_error_message=_("A discharged episode needs a discharge date."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def next_step(self) -> str:
        return NEXT_STEP[self.status]

    def days_in_program(self, today: date | None = None) -> int | None:
        """Days since admission (admission day counts as day 1); None before admission."""
        if self.admitted_on is None:
            return None
        end = self.discharged_on or today or timezone.localdate()
        return (end - self.admitted_on).days + 1

    def clean(self):
        super().clean()
        if self.admitted_on and self.admitted_on > timezone.localdate():
            raise ValidationError({"admitted_on": _("The admission date cannot be in the future.")})
        if self.admitted_on and self.referred_on and self.admitted_on < self.referred_on:
            raise ValidationError(
                {"admitted_on": _("The admission date cannot be before the referral date.")}
            )
        if self.current_phase_id and self.current_phase.program_id != self.program_id:
            raise ValidationError({"current_phase": _("This phase belongs to another program.")})


class CareTeamRole(models.TextChoices):
    PRIMARY_THERAPIST = "primary_therapist", _("Primary therapist")
    COUNSELOR = "counselor", _("Counselor")
    PRESCRIBER = "prescriber", _("Prescriber")
    NURSE = "nurse", _("Nurse")
    CASE_MANAGER = "case_manager", _("Case manager")
    OTHER = "other", _("Other")


class CareTeamMember(TimeStampedModel):
    episode = models.ForeignKey(Episode, on_delete=models.CASCADE, related_name="care_team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="care_team_memberships"
    )
    role = models.CharField(_("role on the team"), max_length=20, choices=CareTeamRole.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["episode", "user"], name="care_team_unique_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


# --------------------------------------------------------------------------------------------
# Portal accounts, invitations and 42 CFR Part 2 consents (issue 7: participant and family
# portal). A family member's access hangs on an active consent, checked on every request.


class ConsentCategory(models.TextChoices):
    """What a consent may let the program share with its recipient (42 CFR 2.31(a)(3))."""

    FAMILY_SESSIONS = (
        "family_sessions",
        _("Family sessions and workshops: when, where, how to join"),
    )
    ATTENDANCE_SUMMARY = "attendance_summary", _("Attendance summary (sessions attended or missed)")


class PartTwoConsent(PublicIdModel, TimeStampedModel, VersionedModel):
    """A participant's written consent to disclose to one named person (42 CFR 2.31).

    Active only while every required element is present, it is not revoked and today is on
    or before its expiry date (``participants.rules.consent_missing_elements``)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="part_two_consents"
    )
    program = models.ForeignKey(
        "programs.Program",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("program disclosing (the discloser)"),
    )
    recipient_name = models.CharField(_("recipient's full name"), max_length=120, blank=True)
    recipient_relationship = models.CharField(
        _("recipient's relationship to the participant"), max_length=60, blank=True
    )
    recipient_email = models.EmailField(_("recipient's e-mail"), blank=True)
    purpose = models.CharField(_("purpose of the disclosure"), max_length=300, blank=True)
    categories = models.JSONField(_("information that may be shared"), default=list, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    right_to_revoke_explained = models.BooleanField(
        _("the participant was told of their right to revoke this consent"), default=False
    )
    signature_name = models.CharField(
        _("signed by (participant's name as signed)"), max_length=120, blank=True
    )
    signed_on = models.DateField(_("date signed"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-signed_on", "-id"]
        permissions = [("manage_consent", "Can record and revoke 42 CFR Part 2 consents")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True, revoked_by__isnull=True)
                | Q(revoked_at__isnull=False, revoked_by__isnull=False),
                name="consent_revocation_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(expires_on__isnull=True)
                | Q(expires_on__gte=F("signed_on")),
                name="consent_expires_after_signature",
                violation_error_message=_("A consent cannot expire before it is signed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_name} ({self.purpose})"

    @property
    def missing_elements(self) -> list[str]:
        from openiop.participants.rules import consent_missing_elements

        return consent_missing_elements(self)

    def is_active_on(self, day: date) -> bool:
        from openiop.participants.rules import consent_is_active

        return consent_is_active(self, day)

    def covers(self, category: str, day: date) -> bool:
        return self.is_active_on(day) and category in self.categories

    @property
    def category_labels(self) -> list[str]:
        labels = dict(ConsentCategory.choices)
        return [str(labels.get(code, code)) for code in self.categories]


class PortalAccountKind(models.TextChoices):
    PARTICIPANT = "participant", _("Participant")
    FAMILY = "family", _("Family member or supporter")


class PortalAccount(PublicIdModel, TimeStampedModel):
    """Links a sign-in to the one participant it belongs to (their own, or as family)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="portal_account"
    )
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="portal_accounts"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PortalAccountKind.choices)
    consent = models.ForeignKey(
        PartTwoConsent,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portal_accounts",
    )

    class Meta:
        permissions = [("invite_to_portal", "Can invite participants and family to the portal")]
        constraints = [
            models.UniqueConstraint(
                fields=["participant"],
                condition=Q(kind="participant"),
                name="portal_one_account_per_participant",
            ),
            models.CheckConstraint(
                condition=Q(kind="participant", consent__isnull=True)
                | Q(kind="family", consent__isnull=False),
                name="portal_family_account_has_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_kind_display()})"


class PortalInvitation(PublicIdModel, TimeStampedModel):
    """A one-time sign-up link. Only a SHA-256 digest of its token is stored (AUTH-6)."""

    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="portal_invitations"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=PortalAccountKind.choices)
    consent = models.ForeignKey(
        PartTwoConsent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    email = models.EmailField(_("e-mail"))
    full_name = models.CharField(_("name"), max_length=150)
    token_digest = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="participant", consent__isnull=True)
                | Q(kind="family", consent__isnull=False),
                name="portal_invitation_family_has_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_kind_display()})"
