from django.urls import path

from openiop.drugtests import views

app_name = "drugtests"
urlpatterns = [
    path("participants/<uuid:public_id>/drug-tests/", views.chart, name="chart"),
    path("participants/<uuid:public_id>/drug-tests/order/", views.order, name="order"),
    path(
        "participants/<uuid:public_id>/drug-tests/medications/",
        views.medications,
        name="medications",
    ),
    path(
        "participants/<uuid:public_id>/drug-tests/medications/add/",
        views.medication_add,
        name="medication_add",
    ),
    path("drug-tests/medications/<uuid:public_id>/stop/", views.medication_stop, name="stop"),
    path("drug-tests/orders/<uuid:public_id>/collect/", views.collect, name="collect"),
    path("drug-tests/orders/<uuid:public_id>/cancel/", views.cancel, name="cancel"),
    path("drug-tests/collections/<uuid:public_id>/results/", views.results, name="results"),
    path("drug-tests/follow-ups/<uuid:public_id>/acknowledge/", views.acknowledge, name="ack"),
    path("drug-tests/", views.worklist, name="worklist"),
    path("drug-tests/random/", views.random_draw, name="random"),
    path("drug-tests/lab/", views.lab, name="lab"),
    path("drug-tests/lab/<uuid:public_id>/", views.lab_message, name="lab_message"),
    path("settings/drug-tests/", views.setup, name="setup"),
    path("settings/drug-tests/panels/new/", views.panel, name="panel_new"),
    path("settings/drug-tests/panels/<uuid:public_id>/", views.panel, name="panel"),
]
