from django.urls import path

from openiop.assessments import views

app_name = "assessments"
urlpatterns = [
    path("intake/", views.intake, name="intake"),
    path("settings/level-of-care/", views.level_rules, name="level_rules"),
    path("participants/<uuid:public_id>/assessment/", views.dimensional, name="dimensional"),
    path(
        "participants/<uuid:public_id>/assessment/new/",
        views.dimensional_new,
        name="dimensional_new",
    ),
    path("measures/due/", views.due_list, name="due"),
    path("settings/instruments/", views.instrument_settings, name="instrument_settings"),
    path("settings/instruments/own/", views.own_instruments, name="own_instruments"),
    path("settings/measurement-schedule/", views.schedule_settings, name="schedule_settings"),
    path("participants/<uuid:public_id>/measures/", views.measures, name="measures"),
    path("participants/<uuid:public_id>/measures/new/<slug:code>/", views.record, name="record"),
    path("measures/<uuid:public_id>/correct/", views.correct, name="correct"),
    path("alerts/<uuid:public_id>/acknowledge/", views.acknowledge, name="acknowledge"),
]
