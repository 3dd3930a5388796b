from django.urls import path

from openiop.participants import views

app_name = "participants"
urlpatterns = [
    path("caseload/", views.caseload, name="caseload"),
    path("participants/search/", views.search, name="search"),
    path("participants/new/", views.register, name="register"),
    path("participants/<uuid:public_id>/", views.chart, name="chart"),
    path("participants/<uuid:public_id>/edit/", views.edit, name="edit"),
    path("participants/<uuid:public_id>/refer/", views.refer, name="refer"),
    path("participants/<uuid:public_id>/history/", views.history, name="history"),
    path("episodes/<uuid:public_id>/admit/", views.admit, name="admit"),
    path("episodes/<uuid:public_id>/status/", views.change_status, name="status"),
    path("episodes/<uuid:public_id>/close/", views.close_referral, name="close"),
    path("episodes/<uuid:public_id>/care-team/", views.care_team, name="care_team"),
]
