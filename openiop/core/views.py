"""The landing page after sign-in: each role's own starting point."""

from django.shortcuts import redirect, render

from openiop.core.policy import authenticated


@authenticated
def home(request):
    user = request.user
    if hasattr(user, "portal_account"):  # participants and family members: their portal
        return redirect("portal:home")
    if user.has_perm("participants.view_participant"):
        return redirect("participants:caseload")
    if user.has_perm("audit.view_auditevent"):
        return redirect("audit:events")
    return render(request, "core/home.html")
