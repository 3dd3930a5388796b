from django.urls import include, path

urlpatterns = [
    path("accounts/", include("openiop.accounts.urls")),
    path("audit/", include("openiop.audit.urls")),
    path("", include("openiop.participants.urls")),
]
