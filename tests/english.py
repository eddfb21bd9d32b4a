"""Fixtures for test modules that match messages by their English msgids: the screens default to
Vietnamese, and the language cookie chooses English, as a user would. An app's tests/conftest.py
imports them: `from tests.english import client, english  # noqa: F401`."""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
