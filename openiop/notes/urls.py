from django.urls import path

from openiop.notes import group_views, views

app_name = "notes"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("cosign/", views.cosign_queue, name="cosign_queue"),
    path("settings/", views.note_settings, name="settings"),
    path("participants/<uuid:public_id>/", views.chart_tab, name="chart_tab"),
    path("participants/<uuid:public_id>/new/", views.note_new, name="new"),
    path("<uuid:public_id>/", views.note_detail, name="detail"),
    path("<uuid:public_id>/edit/", views.note_edit, name="edit"),
    path("<uuid:public_id>/autosave/", views.note_autosave, name="autosave"),
    path("<uuid:public_id>/discard/", views.note_discard, name="discard"),
    path("<uuid:public_id>/print/", views.note_print, name="print"),
    path("<uuid:public_id>/cosign/", views.note_cosign, name="cosign"),
    path("<uuid:public_id>/addendum/", views.note_addendum, name="addendum"),
    path("group/new/", group_views.group_new, name="group_new"),
    path(
        "group/from-session/<uuid:public_id>/",
        group_views.group_from_session,
        name="group_from_session",
    ),
    path("group/<uuid:public_id>/", group_views.group_detail, name="group_detail"),
    path("group/<uuid:public_id>/edit/", group_views.group_edit, name="group_edit"),
    path("group/<uuid:public_id>/autosave/", group_views.group_autosave, name="group_autosave"),
    path("group/<uuid:public_id>/discard/", group_views.group_discard, name="group_discard"),
    path("group/<uuid:public_id>/cosign/", group_views.group_cosign, name="group_cosign"),
    path("group/<uuid:public_id>/addendum/", group_views.group_addendum, name="group_addendum"),
    path("sections/<uuid:public_id>/", group_views.section, name="section"),
    path("sections/<uuid:public_id>/print/", group_views.section_print, name="section_print"),
]
