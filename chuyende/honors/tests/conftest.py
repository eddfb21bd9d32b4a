import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in their English msgids in these tests (screens default to
    Vietnamese; the language cookie chooses English, as a user would)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
