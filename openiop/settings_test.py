"""Settings for the test suite: the production settings with a fixed key and fast hashing.

``OPENIOP_DATABASE_URL`` chooses the database (SQLite by default, PostgreSQL in CI).
"""

import os

os.environ.setdefault("OPENIOP_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("OPENIOP_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("OPENIOP_SECURE_SSL_REDIRECT", "false")

from openiop.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
