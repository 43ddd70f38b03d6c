"""Test settings: the real settings, with only what speeds tests up overridden."""

import os
import tempfile

# Never read a .env (`make demo` writes one): `make test` must behave the same whether or
# not a demo ran on this machine. Set, not defaulted, so no outer setting can bring it back.
os.environ["ENV_FILE"] = ""
os.environ.setdefault("SECRET_KEY", "sinergi-tests-only")
os.environ.setdefault("DEBUG", "0")
# The test client speaks plain http, as the demo does: no redirect to https, no HSTS, http
# in emailed links. Set, not defaulted, like ENV_FILE.
os.environ["SECURE_COOKIES"] = "0"

from saas_platform.settings import *  # noqa: E402,F403

# Tasks enqueued by tests go to an in-process broker (tests that need them run a real
# worker thread on it), never to the development database's queue.
CELERY_BROKER_URL = "memory://"
# Uploads made by tests go to a throwaway folder, never to the project's media/.
MEDIA_ROOT = tempfile.mkdtemp(prefix="sinergi-test-media-")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Tests serve static files through the finders; nothing has been collected.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
