from django.urls import path

from openiop.recovery import views

app_name = "recovery"
urlpatterns = [
    path("participants/<uuid:public_id>/check-ins/", views.check_ins, name="check_ins"),
    path(
        "participants/<uuid:public_id>/check-ins/relapse-plan/",
        views.relapse_plan,
        name="relapse_plan",
    ),
    path("check-in-alerts/<uuid:public_id>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("participants/<uuid:public_id>/portal/", views.portal_access, name="portal_access"),
    path("participants/<uuid:public_id>/portal/consents/", views.consent_add, name="consent_add"),
    path("participants/<uuid:public_id>/portal/invite/", views.invite, name="invite"),
    path("consents/<uuid:public_id>/revoke/", views.consent_revoke, name="consent_revoke"),
    path(
        "portal-accounts/<uuid:public_id>/two-step-off/",
        views.two_step_off,
        name="two_step_off",
    ),
    path("settings/portal/", views.portal_settings, name="settings"),
]
