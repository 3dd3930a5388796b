from django.db.models import QuerySet

from openiop.programs.models import Program


def programs_for(user) -> QuerySet[Program]:
    """Active programs the user works in."""
    if not user.is_authenticated:
        return Program.objects.none()
    return Program.objects.filter(memberships__user=user, is_active=True).select_related("site")
