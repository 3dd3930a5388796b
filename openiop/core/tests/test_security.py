"""Configuration properties: production settings pass ``check --deploy`` (CFG-1), cookies are
Secure/HttpOnly/SameSite (SESS-7), a missing secret key fails loudly, signed-in pages are never
cached (CFG-4), and errors show a generic page (CFG-6).

The production checks run in a subprocess, because the test settings relax a few of them.
"""

import json
import os
import secrets
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from openiop.core.tests.test_policy import ROUTES

REPO = Path(settings.BASE_DIR)


def _production_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    # A clean environment, as on a server: nothing leaks in from the test process (its
    # OPENIOP_* test values, or DJANGO_ALLOW_ASYNC_UNSAFE set for browser tests).
    env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "TMPDIR") if key in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="openiop.settings",
        OPENIOP_SECRET_KEY=secrets.token_urlsafe(64),
        OPENIOP_ALLOWED_HOSTS="iop.example.org",
        OPENIOP_DATABASE_URL=f"sqlite:///{tmp_path / 'production.sqlite3'}",
        OPENIOP_VAR_DIR=str(tmp_path / "var"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(overrides)
    return {key: value for key, value in env.items() if value is not None}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )


def test_check_deploy_passes_with_production_settings(tmp_path):
    result = _run(
        ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"], _production_env(tmp_path)
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_notices_debug(tmp_path):
    """The check above can fail: with DEBUG on it does."""
    result = _run(
        ["-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(tmp_path, OPENIOP_DEBUG="1"),
    )

    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_settings_refuse_to_start_without_a_secret_key(tmp_path):
    env = _production_env(tmp_path)
    del env["OPENIOP_SECRET_KEY"]

    result = _run(["-c", "import openiop.settings"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: OPENIOP_SECRET_KEY is required" in result.stderr
    assert not (tmp_path / "var" / "dev-secret-key").exists()


def test_settings_refuse_to_start_without_allowed_hosts(tmp_path):
    env = _production_env(tmp_path)
    del env["OPENIOP_ALLOWED_HOSTS"]

    result = _run(["-c", "import openiop.settings"], env)

    assert result.returncode != 0
    assert "ImproperlyConfigured: OPENIOP_ALLOWED_HOSTS is required" in result.stderr


PRODUCTION_PROBE = textwrap.dedent(
    """
    import json, sys
    import django
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client, override_settings

    # The tables straight from the models (what is probed is the settings, not the
    # migrations, which the test database runs): seconds instead of a full migrate.
    from django.apps import apps
    settings.MIGRATION_MODULES = {config.label: None for config in apps.get_app_configs()}
    call_command("migrate", run_syncdb=True, verbosity=0)
    from openiop.accounts.models import User
    User.objects.create_user("probe@example.org", "probe passphrase for cookies", full_name="P")

    client = Client(HTTP_HOST="iop.example.org", raise_request_exception=False)
    out = {name: getattr(settings, name) for name in (
        "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT")}
    out["http_status"] = client.get("/accounts/login/").status_code
    login_page = client.get("/accounts/login/", secure=True)
    signed_in = client.post(
        "/accounts/login/?next=/accounts/password/",
        {"username": "probe@example.org", "password": "probe passphrase for cookies"},
        secure=True,
    )
    out["login_status"] = signed_in.status_code
    out["cookies"] = {
        name: morsel.output(header="").strip() for name, morsel in signed_in.cookies.items()
    }
    out["csrf_cookie"] = login_page.cookies[settings.CSRF_COOKIE_NAME].output(header="").strip()

    def boom(request):
        raise RuntimeError("forced-error-marker-7c1d")

    from django.urls import path
    import openiop.urls
    urlconf = type(sys)("forced_error_urls")
    urlconf.urlpatterns = [path("boom/", boom), *openiop.urls.urlpatterns]
    sys.modules["forced_error_urls"] = urlconf
    with override_settings(ROOT_URLCONF="forced_error_urls"):
        error = client.get("/boom/", secure=True)
    out["error_status"] = error.status_code
    out["error_body"] = error.content.decode()
    print("PROBE" + json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("production")
    result = _run(["-c", PRODUCTION_PROBE], _production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("PROBE"))
    return {"result": json.loads(line.removeprefix("PROBE")), "stderr": result.stderr}


def test_production_settings_are_secure(production):
    values = production["result"]
    assert values["DEBUG"] is False
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert values["CSRF_COOKIE_SAMESITE"] in {"Lax", "Strict"}
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["http_status"] == 301  # plain HTTP is sent to HTTPS


@pytest.mark.parametrize("cookie", ["session", "csrf"])
def test_production_cookies_are_secure_httponly_samesite(production, cookie):
    values = production["result"]
    assert values["login_status"] == 302
    if cookie == "session":
        header = values["cookies"][settings.SESSION_COOKIE_NAME]
    else:
        header = values["csrf_cookie"]
    attributes = {part.strip().split("=")[0].lower() for part in header.split(";")}
    assert {"secure", "httponly", "samesite"} <= attributes, header
    assert "samesite=lax" in header.lower().replace(" ", ""), header


def test_forced_error_shows_a_generic_page(production):
    values = production["result"]
    assert values["error_status"] == 500
    body = values["error_body"]
    assert "forced-error-marker-7c1d" not in body
    assert "Traceback" not in body
    assert "boom" not in body and ".py" not in body  # no view name, no file paths
    assert "forced-error-marker-7c1d" in production["stderr"]  # but the log has it, for us


def test_signed_in_pages_are_never_cached(client, director):
    client.force_login(director)

    checked = []
    for route in ROUTES:
        response = client.get(route.url)
        assert "no-store" in response.get("Cache-Control", ""), (route, response.status_code)
        checked.append((route.name, response.status_code))

    statuses = dict(checked)
    assert statuses["accounts:password_change"] == 200
    assert statuses["participants:caseload"] == 200
    assert all(status < 500 for status in statuses.values()), statuses


def test_password_change_page_is_not_cached(client, clinician):
    client.force_login(clinician)

    response = client.get(reverse("accounts:password_change"))

    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control
