from django.urls import path

from openiop.reports import views
from openiop.reports.views.settings import settings_view

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("print/", views.print_view, name="print"),
    path("clinicians/", views.clinicians, name="clinicians"),
    path("episodes/", views.episodes, name="episodes"),
    path("export/<slug:key>.csv", views.export, name="export"),
    path("settings/", settings_view, name="settings"),
]
