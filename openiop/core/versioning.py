"""Optimistic locking (REL-1): an edit names the version it started from."""

from typing import TypeVar

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from openiop.core.models import VersionedModel

Model = TypeVar("Model", bound=VersionedModel)


def version_claim(instance: Model, *, expected_version: int) -> Model:
    """A fresh, row-locked copy of ``instance`` with its version bumped, for a service to change.

    Refuses with a ``conflict`` ValidationError if someone saved since ``expected_version``.
    The caller's own object is left untouched, so a failed change never leaves it half-edited.
    Call inside the service's transaction.
    """
    fresh = type(instance).objects.select_for_update().get(pk=instance.pk)
    if fresh.version != expected_version:
        raise ValidationError(
            _(
                "Someone else changed this record while you were editing it. "
                "Reload the page to see their changes, then make yours again."
            ),
            code="conflict",
        )
    fresh.version += 1
    return fresh
