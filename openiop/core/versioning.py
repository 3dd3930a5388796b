"""Optimistic locking (REL-1): an edit names the version it started from."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from openiop.core.models import VersionedModel


def version_claim(instance: VersionedModel, *, expected_version: int) -> None:
    """Lock the row, refuse if someone saved since ``expected_version``, bump the version.

    Call inside the service's transaction, before saving ``instance``.
    """
    current = (
        type(instance)
        .objects.select_for_update()
        .filter(pk=instance.pk)
        .values_list("version", flat=True)
        .get()
    )
    if current != expected_version:
        raise ValidationError(
            _(
                "Someone else changed this record while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            ),
            code="conflict",
        )
    instance.version = current + 1
