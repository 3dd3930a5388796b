"""People who sign in. Each person has their own account (AUTH-1); roles are Groups."""

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from openiop.core.models import PublicIdModel


class UserManager(BaseUserManager):
    use_in_migrations = True

    def normalize_email(self, email: str) -> str:
        return (email or "").strip().lower()

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)  # None gives an unusable password
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(PublicIdModel, AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    credentials = models.CharField(
        _("credentials"), max_length=60, blank=True, help_text=_("For example LCSW, LPC, CADC.")
    )
    requires_cosignature = models.BooleanField(
        _("notes need a supervisor's co-signature"), default=False
    )
    supervisor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supervisees",
        verbose_name=_("supervisor"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("site administrator"), default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("user")

    def __str__(self) -> str:
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name

    def clean(self):
        super().clean()
        self.email = User.objects.normalize_email(self.email)

    @property
    def roles(self) -> list[str]:
        return [group.name for group in self.groups.all()]
