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
    path("schedule/sessions/new/", views.session_add, name="session_add"),
    path("schedule/setup/", views.setup, name="setup"),
    path("schedule/setup/tracks/new/", views.track_add, name="track_add"),
    path("schedule/setup/tracks/<uuid:public_id>/", views.track_edit, name="track_edit"),
    path("schedule/setup/groups/new/", views.offering_add, name="offering_add"),
    path("schedule/setup/groups/<uuid:public_id>/", views.offering_edit, name="offering_edit"),
    path(
        "schedule/setup/groups/<uuid:public_id>/roster/",
        views.group_roster,
        name="group_roster",
    ),
    path("schedule/setup/rooms/new/", views.room_add, name="room_add"),
    path("schedule/setup/rooms/<uuid:public_id>/", views.room_edit, name="room_edit"),
    path("schedule/setup/staff/<uuid:public_id>/", views.staff_hours, name="staff_hours"),
]
