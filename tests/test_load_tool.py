"""The load benchmark's own logic (benchmarks/load.py): header and form parsing, the cookie
jar, the persona mix, the aggregation into metrics, and the HTTP client's login against a
small local server. Nothing here is timed."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from benchmarks import load
from benchmarks.load import Sample


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("app;dur=12.5", 12.5),
        ("app;dur=0", 0.0),
        ('db;dur=3, app;desc="Django";dur=7.25', 7.25),
        ("app ; dur = 8.5", 8.5),
        ("cache;dur=2", None),
        ("app", None),
        ("app;dur=abc", None),
        ("", None),
        (None, None),
    ],
)
def test_server_ms_reads_the_app_duration(header, expected):
    assert load.server_ms(header) == expected


def test_server_ms_reads_another_entry():
    assert load.server_ms("app;dur=40.0, cpu;dur=12.5", "cpu") == 12.5
    assert load.server_ms("app;dur=40.0", "cpu") is None


def test_csrf_token_of_a_django_form():
    html = (
        b'<form method="post"><input type="hidden" name="csrfmiddlewaretoken" '
        b'value="AbC123xyz">\n<input name="username"></form>'
    )
    assert load.csrf_token(html) == "AbC123xyz"
    other_order = b"<input value='tok-2' type='hidden' name='csrfmiddlewaretoken'>"
    assert load.csrf_token(other_order) == "tok-2"
    assert load.csrf_token(b'<input name="username" value="x">') is None


def test_cookie_jar_sets_replaces_and_deletes():
    jar = {}
    load.update_cookies(
        jar,
        [
            "csrftoken=first; expires=Thu, 01 Jan 2099 00:00:00 GMT; Max-Age=31449600; Path=/",
            "sessionid=s1; HttpOnly; Path=/; SameSite=Lax",
        ],
    )
    assert jar == {"csrftoken": "first", "sessionid": "s1"}
    load.update_cookies(jar, ["csrftoken=second; Path=/"])
    assert jar["csrftoken"] == "second"
    load.update_cookies(
        jar, ['sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/']
    )
    assert jar == {"csrftoken": "second"}


def test_persona_mix_of_twenty_users():
    mix = load.persona_mix(20)
    counts = {name: mix.count(name) for name in set(mix)}
    assert counts == {"coso": 6, "doanvien": 5, "captren": 4, "tinh": 2, "xem": 2, "admin": 1}
    assert load.persona_mix(3) == ["coso", "doanvien", "captren"]
    assert load.persona_mix(22)[20:] == ["coso", "doanvien"]


def _samples():
    rows = [Sample("tinh", "home", 200, float(ms), ms + 100.0, "", ms / 2) for ms in range(1, 21)]
    rows.append(Sample("tinh", "home", 500, 999.0, 1500.0, "500"))
    rows.append(Sample("tinh", "home", 0, None, 0.0, "ConnectionResetError"))
    rows += [Sample("coso", "home", 200, 40.0, 90.0), Sample("coso", "home", 200, 60.0, 110.0)]
    return rows


def test_summarize_leaves_errors_out_of_the_times():
    summary = load.summarize(_samples())
    tinh = summary[("tinh", "home")]
    assert tinh["count"] == 22
    assert tinh["errors"] == 2
    assert tinh["server_p50"] == 10.5
    assert tinh["server_p95"] == 19.0  # nearest rank of 20 samples, as benchmarks.common.p
    assert tinh["server_max"] == 20.0  # the 999 ms of the failed request is not counted
    assert tinh["client_p50"] == 110.5
    assert tinh["cpu_p50"] == 5.2  # median 5.25, round(5.25, 1) in binary floating point
    assert summary[("coso", "home")]["cpu_p50"] is None  # no cpu entry in the header
    assert tinh["statuses"] == [0, 500]
    assert summary[("coso", "home")]["server_p50"] == 50.0


def test_page_metrics_compare_the_load_p95_with_one_user_alone():
    under_load = load.summarize(_samples())
    alone = load.summarize([Sample("tinh", "home", 200, 5.0, 6.0)])
    order = [("tinh", "home"), ("coso", "home"), ("xem", "home")]
    metrics = load.page_metrics(under_load, alone, order, at_most=19)
    assert [m["metric"] for m in metrics] == ["tinh home", "coso home"]  # xem had no request
    tinh, coso = metrics
    assert tinh["value"] == 19.0 and tinh["met"] is True
    assert tinh["baseline"]["value"] == 5.0 and tinh["ratio"] == 3.8
    assert tinh["errors"] == 2 and tinh["requests"] == 22
    assert coso["value"] == 60.0 and coso["met"] is False
    assert coso["baseline"]["value"] is None and coso["ratio"] is None


def test_overall_metrics_throughput_and_p95():
    under_load = _samples()
    alone = [Sample("tinh", "home", 200, 4.0, 5.0), Sample("tinh", "home", 200, 6.0, 7.0)]
    every, rate = load.overall_metrics(under_load, 2.0, alone, 0.5, at_most=300)
    assert every["baseline"]["value"] == 5.0
    assert every["value"] == 40.0 and every["met"] is True  # 22 good: 1..20, 40, 60 ms
    assert rate["value"] == 11.0  # 22 good answers in 2 s
    assert rate["baseline"]["value"] == 4.0
    assert rate["errors"] == 2 and rate["requests"] == 24


def test_cpu_check_flags_other_work():
    idle = {"seconds": 10.0, "capacity": 20.0, "busy": 15.0, "run": 14.0, "other": 1.0}
    busy = {**idle, "busy": 19.5, "run": 9.0, "other": 10.5}
    spare = {**idle, "busy": 15.0, "run": 10.0, "other": 5.0}  # one user alone, spare CPU
    near = {**spare, "busy": 17.0, "other": 7.0}
    assert load.cpu_check("load", idle)["passed"] is True
    assert load.cpu_check("load", busy)["passed"] is False
    assert load.cpu_check("baseline", spare)["passed"] is True
    assert load.cpu_check("baseline", near)["passed"] is False
    assert load.cpu_check("load", None)["passed"] is False


@pytest.mark.django_db
def test_password_hashers_put_the_stored_algorithm_first(django_user_model):
    user = django_user_model.objects.create(username="tinh")
    user.set_password("demo")  # the test settings hash with MD5
    user.save()
    hashers = load.password_hashers(["tinh", "nobody"])
    assert hashers[0] == "django.contrib.auth.hashers.MD5PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in hashers
    assert len(hashers) == len(set(hashers))


class _App(BaseHTTPRequestHandler):
    """A login form with a CSRF cookie, a session on the right password, a page behind it."""

    def log_message(self, *args):
        pass

    def _answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        cookies = self.headers.get("Cookie", "")
        if self.path == "/accounts/login/":
            form = b'<form><input type="hidden" name="csrfmiddlewaretoken" value="formtok"></form>'
            self._answer(200, form, [("Set-Cookie", "csrftoken=cookietok; Path=/")])
        elif "sessionid=good" in cookies:
            self._answer(200, b"hello", [("Server-Timing", "app;dur=4.5, cpu;dur=1.5")])
        else:
            self._answer(302, headers=[("Location", "/accounts/login/?next=/")])

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode())
        good = (
            form.get("csrfmiddlewaretoken") == ["formtok"]
            and "csrftoken=cookietok" in self.headers.get("Cookie", "")
            and form.get("password") == ["demo"]
        )
        if good:
            self._answer(302, headers=[("Location", "/"), ("Set-Cookie", "sessionid=good")])
        else:
            self._answer(200, b"wrong")


@pytest.fixture
def app_port():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _App)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_browser_logs_in_through_the_form_and_reads_server_timing(app_port):
    browser = load.Browser(app_port)
    assert load.fetch(browser, "tinh", "home", "/").error == "302 /accounts/login/?next=/"
    assert browser.login("tinh", "demo", "/accounts/login/") == ""
    sample = load.fetch(browser, "tinh", "home", "/")
    assert sample.ok and sample.status == 200 and sample.server_ms == 4.5
    assert sample.cpu_ms == 1.5
    assert sample.client_ms > 0
    browser.close()


def test_browser_reports_a_refused_login(app_port):
    browser = load.Browser(app_port)
    assert browser.login("tinh", "wrong", "/accounts/login/") == "login POST answered 200"
    assert "sessionid" not in browser.cookies


def test_fetch_counts_a_dead_server_as_an_error():
    sample = load.fetch(load.Browser(load._free_port(), timeout=2), "xem", "home", "/")
    assert not sample.ok and sample.status == 0 and sample.error == "ConnectionRefusedError"


class _GatedApp(_App):
    """The same login, then the privacy notice before any page until the member agrees (a
    cookie stands for the consent record)."""

    consents: list = []

    def do_GET(self):
        cookies = self.headers.get("Cookie", "")
        if self.path.startswith(load.CONSENT_PATH) and "sessionid=good" in cookies:
            form = (
                b'<form method="post" action="/i18n/setlang/"><input type="hidden"'
                b' name="csrfmiddlewaretoken" value="formtok"></form>'
                b'<form method="post" id="consent-form"><input type="hidden"'
                b' name="csrfmiddlewaretoken" value="formtok">'
                b'<input type="hidden" name="next" value="/pledges/mine/">'
                b'<input type="checkbox" name="agree"></form>'
            )
            self._answer(200, form, [("Server-Timing", "app;dur=9.5, cpu;dur=3.0")])
        elif "sessionid=good" in cookies and "consented=1" not in cookies:
            target = f"{load.CONSENT_PATH}?next=%2Fpledges%2Fmine%2F"
            self._answer(302, headers=[("Location", target)])
        else:
            super().do_GET()

    def do_POST(self):
        if not self.path.startswith(load.CONSENT_PATH):
            return super().do_POST()
        length = int(self.headers["Content-Length"])
        form = parse_qs(self.rfile.read(length).decode())
        self.consents.append(form)
        if form.get("agree") == ["on"] and form.get("csrfmiddlewaretoken") == ["formtok"]:
            self._answer(
                302, headers=[("Location", form["next"][0]), ("Set-Cookie", "consented=1")]
            )
        else:
            self._answer(200, b"tick the box")


@pytest.fixture
def gated_port():
    _GatedApp.consents = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _GatedApp)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def test_a_member_agrees_to_the_privacy_notice_and_the_notice_counts_as_a_page(gated_port):
    browser = load.Browser(gated_port)
    assert browser.login("doanvien", "demo", "/accounts/login/") == ""
    notice, page = load.fetch_page(browser, "doanvien", "my pledge", "/pledges/mine/")
    assert (notice.page, notice.status, notice.server_ms, notice.cpu_ms) == (
        load.NOTICE_PAGE,
        200,
        9.5,
        3.0,
    )
    assert notice.ok and page.ok and page.page == "my pledge" and page.server_ms == 4.5
    # the form was sent as a member sends it: the box ticked, the page's token and next
    assert _GatedApp.consents == [
        {"csrfmiddlewaretoken": ["formtok"], "agree": ["on"], "next": ["/pledges/mine/"]}
    ]
    # once agreed, the pages come straight
    assert [s.page for s in load.fetch_page(browser, "doanvien", "home", "/")] == ["home"]
    assert len(_GatedApp.consents) == 1
    summary = load.summarize([notice, page])
    assert summary[("doanvien", load.NOTICE_PAGE)]["server_p50"] == 9.5
    browser.close()


def test_the_gate_is_told_from_other_redirects():
    assert load.is_consent_gate(302, "/privacy/consent/?next=%2F")
    assert load.is_consent_gate(302, "http://testserver/privacy/consent/")
    assert not load.is_consent_gate(302, "/accounts/login/?next=/privacy/consent/")
    assert not load.is_consent_gate(200, "/privacy/consent/")
    assert load.form_value(b'<input type="hidden" name="next" value="/x/">', "next") == "/x/"
    assert load.form_value(b'<input type="hidden" name="next">', "next") == ""
    assert load.form_value(b'<input name="other" value="1">', "next") is None


def test_a_refused_consent_is_an_error_of_the_page(gated_port):
    browser = load.Browser(gated_port)
    browser.login("doanvien", "demo", "/accounts/login/")
    original = load.csrf_token
    try:
        load.csrf_token = lambda html: "wrongtok"  # the POST is refused, the notice shown again
        notice, page = load.fetch_page(browser, "doanvien", "home", "/")
    finally:
        load.csrf_token = original
    assert not notice.ok and notice.error == "consent POST answered 200"
    assert not page.ok and page.error == "privacy notice: consent POST answered 200"


@pytest.mark.django_db
def test_a_persona_with_a_member_record_walks_the_privacy_notice_too(world):
    found = load.personas(["dave", "carol"])
    assert (load.NOTICE_PAGE, [load.CONSENT_PATH]) in found["dave"].pages  # Bình's account
    assert load.NOTICE_PAGE not in [page for page, _urls in found["carol"].pages]
