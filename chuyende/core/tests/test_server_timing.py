import re

import pytest


@pytest.mark.django_db
def test_every_response_says_how_long_the_server_took(client):
    response = client.get("/accounts/login/")
    assert re.fullmatch(r"app;dur=\d+\.\d", response.headers["Server-Timing"])
