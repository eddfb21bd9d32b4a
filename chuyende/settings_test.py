"""Test settings: the production settings with fast hashing and no collected static files."""

from .settings import *  # noqa: F403
from .settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SECURE_SSL_REDIRECT = False
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

import tempfile  # noqa: E402

MEDIA_ROOT = tempfile.mkdtemp(prefix="chuyende-test-media-")

# Figures are computed on each request in tests (records change within a test); the stored
# figures have their own tests, which turn this on.
FIGURES_STORED = False

# The privacy consent page would stand before every member's page in other modules' tests; the
# privacy tests turn it on.
PRIVACY_CONSENT_GATE = False

# Two-factor sign-in is not required in tests (HTTPS is on here); its tests turn it on.
TWO_FACTOR_REQUIRED = False
