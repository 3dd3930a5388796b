from django.urls import path

from openiop.portal import views

app_name = "portal"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("welcome/<str:token>/", views.accept, name="accept"),
    path("verify/", views.verify, name="verify"),
    path("two-step/", views.two_step_settings, name="two_step"),
    path("", views.home, name="home"),
    path("today/", views.today, name="today"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/calendar/", views.calendar_link, name="calendar_link"),
    path("check-in/", views.check_in, name="check_in"),
    path("questionnaires/", views.questionnaires, name="questionnaires"),
    path("questionnaires/<slug:code>/", views.questionnaire, name="questionnaire"),
    path("goals/", views.goals, name="goals"),
    path("journal/", views.journal, name="journal"),
    path("journal/<uuid:public_id>/", views.journal_entry, name="journal_entry"),
    path("plan/", views.relapse_plan, name="relapse_plan"),
    path("resources/", views.resources, name="resources"),
    path("alumni/", views.alumni, name="alumni"),
    path("family/", views.family, name="family"),
]
