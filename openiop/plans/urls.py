from django.urls import path

from openiop.plans import views

app_name = "plans"
urlpatterns = [
    path("participants/<uuid:public_id>/plan/", views.plan_tab, name="plan"),
    path("participants/<uuid:public_id>/plan/start/", views.start, name="start"),
    path(
        "participants/<uuid:public_id>/plan/request-review/",
        views.request_review,
        name="request_review",
    ),
    path("plans/due/", views.due, name="due"),
    path("settings/plans/", views.policy, name="policy"),
    path("plans/versions/<uuid:public_id>/", views.version_view, name="version"),
    path("plans/versions/<uuid:public_id>/print/", views.print_view, name="print"),
    path("plans/versions/<uuid:public_id>/edit/", views.edit, name="edit"),
    path("plans/versions/<uuid:public_id>/sign/", views.sign, name="sign"),
    path("plans/versions/<uuid:public_id>/cosign/", views.cosign, name="cosign"),
    path(
        "plans/versions/<uuid:public_id>/parts/<slug:kind>/add/",
        views.part_add,
        name="part_add",
    ),
    path(
        "plans/versions/<uuid:public_id>/parts/<slug:kind>/<uuid:part_id>/",
        views.part_save,
        name="part_save",
    ),
    path(
        "plans/versions/<uuid:public_id>/parts/<slug:kind>/<uuid:part_id>/delete/",
        views.part_delete,
        name="part_delete",
    ),
]
