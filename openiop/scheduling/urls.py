from django.urls import path

from openiop.scheduling import views

app_name = "scheduling"
urlpatterns = [
    path("sessions/<uuid:public_id>/attendance/", views.roster, name="roster"),
    path("participants/<uuid:public_id>/schedule/", views.schedule_tab, name="schedule"),
    path(
        "participants/<uuid:public_id>/schedule/calendar/",
        views.participant_feed_reset,
        name="participant_feed_reset",
    ),
    path(
        "participants/<uuid:public_id>/schedule/availability/",
        views.availability,
        name="availability",
    ),
    path("schedule/outreach/<uuid:public_id>/done/", views.outreach_done, name="outreach_done"),
    path("schedule/week/", views.program_week, name="program_week"),
    path("schedule/my-week/", views.clinician_week, name="clinician_week"),
    path("schedule/my-week/calendar/", views.my_feed_reset, name="my_feed_reset"),
    path("schedule/builder/", views.builder, name="builder"),
    path("schedule/capacity/", views.capacity, name="capacity"),
    path("sessions/<uuid:public_id>/pin/", views.pin, name="pin"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
]
