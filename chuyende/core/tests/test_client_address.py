"""One decision of the client's address (chuyende.core.audit.client_address) for the audit log,
the rate limits and everything else that records an address: X-Forwarded-For is believed only
behind BEHIND_PROXY, and then only the hop our outermost proxy wrote (PROXY_COUNT from the
right); what the client wrote to its left never reaches an audit row or a limit's key."""

import pytest
from django.test import Client
from django.urls import reverse

from chuyende.core import audit, ratelimit
from chuyende.core.models import AuditEvent

SPOOFED = "6.6.6.6"


@pytest.mark.parametrize(
    "proxy, count, meta, expected",
    [
        # no proxy: REMOTE_ADDR, whatever X-Forwarded-For says
        (False, 0, {"REMOTE_ADDR": "203.0.113.9"}, "203.0.113.9"),
        (False, 1, {"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": SPOOFED}, "203.0.113.9"),
        # behind one proxy: the right-most hop (nginx's $remote_addr), never the client's text
        (
            True,
            1,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"},
            "198.51.100.7",
        ),
        (
            True,
            1,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"{SPOOFED}, 198.51.100.7"},
            "198.51.100.7",
        ),
        (
            True,
            1,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"{SPOOFED},1.2.3.4, 198.51.100.7"},
            "198.51.100.7",
        ),
        # PROXY_COUNT=0 behind a proxy means one
        (
            True,
            0,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": f"{SPOOFED}, 198.51.100.7"},
            "198.51.100.7",
        ),
        # two proxies: the hop the outer one wrote (second from the right)
        (
            True,
            2,
            {
                "REMOTE_ADDR": "10.0.0.3",
                "HTTP_X_FORWARDED_FOR": f"{SPOOFED}, 198.51.100.8, 10.0.0.2",
            },
            "198.51.100.8",
        ),
        # behind a proxy with no header: the proxy's own address
        (True, 1, {"REMOTE_ADDR": "10.0.0.2"}, "10.0.0.2"),
        # an IPv4-mapped IPv6 address is the IPv4 address
        (
            True,
            1,
            {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "::ffff:192.0.2.1"},
            "192.0.2.1",
        ),
    ],
)
def test_audit_and_rate_limits_take_the_same_address(rf, settings, proxy, count, meta, expected):
    settings.BEHIND_PROXY = proxy
    settings.PROXY_COUNT = count
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)
    assert audit.client_ip(request) == expected
    assert ratelimit.address(request) == expected


@pytest.mark.parametrize(
    "forwarded",
    [
        "<script>alert(1)</script>",
        "unknown",
        "198.51.100.7; DROP TABLE",
        "999.1.1.1",
    ],
)
def test_a_hop_that_is_no_address_is_never_stored(rf, settings, forwarded):
    """A broken proxy's text: the audit row records no address rather than that text."""
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="10.0.0.2")
    assert audit.client_ip(request) is None
    assert ratelimit.address(request) == forwarded[:64]  # counted, under its own key


def test_without_a_proxy_a_forged_header_changes_nothing(rf, settings):
    settings.BEHIND_PROXY = False
    honest = rf.get("/", REMOTE_ADDR="203.0.113.9")
    forged = rf.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert audit.client_ip(honest) == audit.client_ip(forged) == "203.0.113.9"
    assert ratelimit.address(honest) == ratelimit.address(forged)


@pytest.mark.django_db
@pytest.mark.parametrize("proxy", [False, True])
def test_a_forged_hop_never_reaches_the_audit_log(world, settings, proxy):
    """A reveal of personal data written to the audit log with a forged X-Forwarded-For: the
    row holds the address our proxy saw (or REMOTE_ADDR without a proxy)."""
    settings.BEHIND_PROXY = proxy
    settings.PROXY_COUNT = 1
    client = Client(REMOTE_ADDR="10.0.0.2")
    client.force_login(world.bob)
    response = client.post(
        reverse("org:member_reveal", args=[world.an.pk]),
        {"reason": "Làm hồ sơ bảo hiểm"},
        HTTP_X_FORWARDED_FOR=f"{SPOOFED}, 198.51.100.7",
    )
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="reveal")
    assert event.ip_address == ("198.51.100.7" if proxy else "10.0.0.2")


@pytest.mark.django_db
def test_log_in_failures_count_the_audited_address_not_the_forged_one(world, settings):
    """Rotating the forged hop does not escape the address lock behind a proxy."""
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.RATELIMITS = {"login.address": (3, 900, 900)}
    client = Client(REMOTE_ADDR="10.0.0.2")
    codes = []
    for n in range(4):
        response = client.post(
            reverse("login"),
            {"username": f"nobody{n}", "password": "wrong-password"},
            HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 198.51.100.7",
        )
        codes.append(response.status_code)
    assert codes == [200, 200, 429, 429]  # the third failure from 198.51.100.7 locks it
    # another client behind the same proxy is not locked out by the first one's failures
    other = client.post(
        reverse("login"),
        {"username": "nobody", "password": "wrong-password"},
        HTTP_X_FORWARDED_FOR="198.51.100.8",
    )
    assert other.status_code == 200
