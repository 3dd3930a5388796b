from django.urls import include, path

from openiop.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/", include("openiop.accounts.urls")),
    path("audit/", include("openiop.audit.urls")),
    path("", include("openiop.participants.urls")),
    path("", include("openiop.assessments.urls")),
    path("notes/", include("openiop.notes.urls")),
    path("", include("openiop.plans.urls")),
    path("", include("openiop.scheduling.urls")),
    path("", include("openiop.drugtests.urls")),
    path("", include("openiop.discharge.urls")),
    path("", include("openiop.recovery.urls")),
    path("portal/", include("openiop.portal.urls")),
    path("reports/", include("openiop.reports.urls")),
]
