"""Reports hold no data of their own: this model only carries the reporting permissions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Report(models.Model):
    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("view_program_reports", _("Can see program reports and de-identified exports")),
            ("export_identified", _("Can list and export reports that name participants")),
            ("view_own_caseload_report", _("Can see reports on their own caseload")),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
