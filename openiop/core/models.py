"""Abstract base models shared by every domain app."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(models.Model):
    """A model addressed in URLs by an unguessable UUID, never by its sequential id."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class VersionedModel(models.Model):
    """Optimistic locking (REL-1): a save names the version it edited; a stale one conflicts."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk changes: rows of an append-only model are written once, never changed."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model._meta.verbose_name}: rows cannot be changed.")

    def delete(self):
        raise PermissionError(f"{self.model._meta.verbose_name}: rows cannot be deleted.")


class AppendOnlyModel(models.Model):
    """Written once (audit rows, submitted measures). The database adds a trigger on top:
    see core/append_only.py."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name}: a saved row cannot change.")
        super().save(*args, **kwargs)

    def _do_update(self, *args, **kwargs):
        # Reached by save() on an instance built with an existing primary key.
        raise PermissionError(f"{self._meta.verbose_name}: a saved row cannot change.")

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name}: a saved row cannot be deleted.")
