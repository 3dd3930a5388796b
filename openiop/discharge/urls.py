from django.urls import path

from openiop.discharge import views

app_name = "discharge"
P = "participants/<uuid:public_id>/"
urlpatterns = [
    path(f"{P}step-down/", views.chart, name="chart"),
    path(f"{P}step-down/phase/", views.phase_change, name="phase_change"),
    path(f"{P}step-down/level/", views.level_change, name="level_change"),
    path(f"{P}step-down/readiness/", views.readiness, name="readiness"),
    path(f"{P}discharge/", views.discharge, name="discharge"),
    path(f"{P}transfer-in/", views.transfer_in, name="transfer_in"),
    path(f"{P}aftercare/", views.aftercare, name="aftercare"),
    path(f"{P}aftercare/print/", views.aftercare_print, name="aftercare_print"),
    path("transfers-in/<uuid:public_id>/documents/", views.document_add, name="document_add"),
    path("discharges/<uuid:public_id>/", views.summary, name="summary"),
    path("discharges/<uuid:public_id>/save/", views.summary_save, name="summary_save"),
    path("discharges/<uuid:public_id>/sign/", views.sign, name="sign"),
    path("discharges/<uuid:public_id>/print/", views.summary_print, name="summary_print"),
    path("discharges/<uuid:public_id>/follow-up/<int:day>/", views.followup, name="followup"),
    path("discharge/review/", views.review, name="review"),
    path("discharge/follow-ups/", views.followups, name="followups"),
    path("alumni/", views.alumni, name="alumni"),
    path("alumni/<uuid:public_id>/", views.alumni_group, name="alumni_group"),
    path("alumni/<uuid:public_id>/members/", views.alumni_member_add, name="alumni_member_add"),
    path("alumni/<uuid:public_id>/events/", views.alumni_event_add, name="alumni_event_add"),
    path("alumni/members/<uuid:public_id>/portal/", views.alumni_opt_in, name="alumni_opt_in"),
    path(
        "alumni/events/<uuid:public_id>/attendance/",
        views.alumni_attendance,
        name="alumni_attendance",
    ),
    path("settings/discharge/", views.settings_view, name="settings"),
]
