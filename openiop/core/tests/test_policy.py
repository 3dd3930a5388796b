"""AZ-1 / AUTH-2: every route declares its policy, and anonymous visitors reach only public ones.

The walker goes through every URL pattern (recursively through includes), fills path converters
with sample values and checks that the filled path resolves back to the same view.
"""

import re
import uuid
from dataclasses import dataclass
from types import ModuleType

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, path, resolve, reverse
from django.urls.resolvers import RoutePattern

from openiop.core.policy import POLICY_ATTRIBUTE, PUBLIC, authenticated, public

SAMPLE_VALUES = {"uuid": lambda: str(uuid.uuid4()), "int": lambda: "1", "path": lambda: "x/y"}
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")
# AUTH-2: the explicit list of routes open to anonymous visitors. Adding to it is a decision.
# The calendar feed is reached by its secret address only: calendar apps cannot sign in. A
# wrong token answers 404 (scheduling/tests/test_ical.py).
PUBLIC_ROUTES = [
    "accounts:login",
    "accounts:logout",
    "portal:accept",
    "portal:login",
    "portal:logout",
    "scheduling:feed",
]
SECRET_ADDRESS_ROUTES = {"scheduling:feed"}
STATIC_VIEWS = {"django.contrib.staticfiles.views.serve", "django.views.static.serve"}


@dataclass(frozen=True)
class Route:
    url: str
    name: str
    callback: object

    @property
    def policy(self):
        return view_policy(self.callback)


def _fill(route: str) -> str:
    def sample(match: re.Match) -> str:
        return SAMPLE_VALUES.get(match["converter"] or "str", lambda: "x")()

    return CONVERTER.sub(sample, route)


def walk_routes(urlconf=None) -> list[Route]:
    """Every view reachable from ``urlconf`` with a URL that resolves to it."""
    routes: list[Route] = []

    def walk(patterns, prefix: str, namespace: str) -> None:
        for entry in patterns:
            if not isinstance(entry.pattern, RoutePattern):
                raise AssertionError(
                    f"The route walker cannot fill the regex pattern {entry.pattern} under "
                    f"{prefix!r}: use path() or teach walk_routes() this pattern."
                )
            url = prefix + _fill(str(entry.pattern))
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry.url_patterns, url, inner)
            elif isinstance(entry, URLPattern):
                if entry.lookup_str in STATIC_VIEWS:
                    continue
                routes.append(
                    Route(url, f"{namespace}{entry.name or entry.lookup_str}", entry.callback)
                )

    walk(get_resolver(urlconf).url_patterns, "/", "")
    return routes


def view_policy(view):
    """The declared policy of a view function, its class (class-based views) or what it wraps."""
    seen = set()
    while view is not None and id(view) not in seen:
        seen.add(id(view))
        for candidate in (view, getattr(view, "view_class", None)):
            if candidate is not None and hasattr(candidate, POLICY_ATTRIBUTE):
                return getattr(candidate, POLICY_ATTRIBUTE)
        view = getattr(view, "__wrapped__", None)
    return None


def undeclared(routes: list[Route]) -> list[str]:
    return sorted(f"{route.name} ({route.url})" for route in routes if route.policy is None)


ROUTES = walk_routes()


def test_the_walker_finds_the_routes():
    names = {route.name for route in ROUTES}
    assert {"accounts:login", "accounts:logout", "accounts:password_change"} <= names
    assert {"participants:caseload", "participants:search", "participants:register"} <= names
    for route in ROUTES:
        assert resolve(route.url).func is route.callback, route


def test_every_view_declares_its_policy():
    assert undeclared(ROUTES) == []


def test_the_walker_reports_an_undeclared_view():
    def forgotten(request):
        return HttpResponse("secret")

    urlconf = ModuleType("forgetful_urls")
    urlconf.urlpatterns = [
        path("ok/", authenticated(lambda request: HttpResponse())),
        path("open/<uuid:public_id>/", public(lambda request, public_id: HttpResponse())),
        path("forgotten/<int:pk>/", forgotten, name="forgotten"),
    ]

    assert undeclared(walk_routes(urlconf)) == ["forgotten (/forgotten/1/)"]


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.name)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, route):
    login_url = resolve_url(settings.LOGIN_URL)

    response = client.get(route.url)

    if route.policy == PUBLIC:
        allowed = {404} if route.name in SECRET_ADDRESS_ROUTES else {200, 302, 405}
        assert response.status_code in allowed, response.status_code
        return
    assert response.status_code in {302, 404, 405}, (route, response.status_code)
    if response.status_code == 302:
        if route.url.startswith(reverse("portal:home")):  # the portal has its own sign-in
            login_url = reverse("portal:login")
        assert response.url.startswith(f"{login_url}?next="), response.url
    assert "_auth_user_id" not in client.session


def test_only_the_listed_routes_are_public():
    assert sorted(route.name for route in ROUTES if route.policy == PUBLIC) == PUBLIC_ROUTES
