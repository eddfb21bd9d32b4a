"""The HTTP half of the production smoke test: what officers do, through nginx over TLS.

Run by deploy/smoke/run.sh once the application is up behind nginx (stdlib only):

    python check.py --https-port N --http-port N --cafile cert.pem --plan-file plan.txt
                    [--province-user tinh] [--upper-user captren] [--password demo]

The TLS certificate is verified (the throwaway one made for the run, as the CA). Each check
prints its time; any failure stops the run with a non-zero exit and what was seen.
"""

import argparse
import base64
import hashlib
import hmac
import http.client
import io
import re
import ssl
import struct
import sys
import time
import uuid
import zipfile
from contextlib import contextmanager
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Headers the application sets on its pages; each must be there exactly once (nginx adding a
# second copy to the application's own would be a conflict).
APP_HEADERS = (
    "Strict-Transport-Security",
    "X-Content-Type-Options",
    "X-Frame-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
)
OPTIONAL_ONCE = ("Content-Security-Policy", "Permissions-Policy")
STATIC_HEADERS = ("Strict-Transport-Security", "X-Content-Type-Options", "X-Frame-Options")


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # [(name, value)], as received
        self.body = body

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def header(self, name):
        values = self.all(name)
        return values[0] if values else None

    @property
    def text(self):
        return self.body.decode("utf-8", errors="replace")

    @property
    def location(self):
        value = self.header("Location") or ""
        parts = urlsplit(value)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def describe(self):
        head = " ".join(
            f"{k}: {v}" for k, v in self.headers if k.lower() in ("location", "content-type")
        )
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", self.text))[:300]
        return f"HTTP {self.status} {head} | {text}"


class Browser:
    """One person's session: cookies, CSRF token, same-origin headers like a browser sends."""

    def __init__(self, host, port, context, name):
        self.host, self.port, self.context, self.name = host, port, context, name
        self.origin = f"https://{host}:{port}"
        self.cookies = {}
        self.cookie_flags = {}  # name -> the raw Set-Cookie attributes last seen
        self.requests = 0

    def request(self, method, path, *, body=None, content_type=None, headers=None):
        conn = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=120)
        sent = {"User-Agent": "chuyende-smoke/1", "Accept-Language": "vi", "Accept": "*/*"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
        if content_type:
            sent["Content-Type"] = content_type
        sent.update(headers or {})
        try:
            conn.request(method, path, body=body, headers=sent)
            raw = conn.getresponse()
            response = Response(raw.status, raw.getheaders(), raw.read())
        finally:
            conn.close()
        self.requests += 1
        for value in response.all("Set-Cookie"):
            jar = SimpleCookie()
            jar.load(value)
            for key, morsel in jar.items():
                self.cookie_flags[key] = value.lower()
                if morsel["max-age"] == "0" or (morsel.value == "" and morsel["expires"]):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value
        return response

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, fields, files=None):
        if files:
            body, content_type = multipart(fields, files)
        else:
            body = urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        return self.request("POST", path, body=body, content_type=content_type)


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields:
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(str(value).encode() + b"\r\n")
    for name, filename, data, ctype in files:
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {ctype}\r\n\r\n'.encode()
        )
        out.write(data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


class Forms(HTMLParser):
    """The forms of a page and what a browser would submit from each, unchanged."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._textarea = None
        self._select = None
        self._option = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if not a.get("name") or kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append(
                (a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else ""))
            )
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
        elif tag == "select" and a.get("name"):
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._select["options"].append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data
        if self._option is not None:
            self._option["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea" and self._textarea is not None:
            name, value = self._textarea
            if value.startswith("\r\n"):
                value = value[2:]
            elif value.startswith("\n"):
                value = value[1:]
            self._form["fields"].append((name, value))
            self._textarea = None
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o for o in options if o["selected"]]
            if not chosen and options and not self._select["multiple"]:
                chosen = options[:1]
            for option in chosen:
                value = option["value"] if option["value"] is not None else option["text"].strip()
                self._form["fields"].append((self._select["name"], value))
            self._select = None

    def find(self, *, action=None, form_id=None, has_field=None):
        for form in self.forms:
            attrs = form["attrs"]
            if action is not None and attrs.get("action") != action:
                continue
            if form_id is not None and attrs.get("id") != form_id:
                continue
            if has_field is not None and not any(n == has_field for n, _v in form["fields"]):
                continue
            return form
        return None


def fill(form, **changes):
    """The form's fields with some values replaced (or added)."""
    fields = [(n, v) for n, v in form["fields"] if n not in changes]
    return fields + list(changes.items())


def totp(secret, at=None):
    """RFC 6238 code (SHA-1, 30 s, 6 digits), as an authenticator app computes it."""
    text = re.sub(r"\s+", "", secret).upper()
    key = base64.b32decode(text + "=" * (-len(text) % 8))
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


class Run:
    def __init__(self):
        self.timings = []
        self.notes = []

    @contextmanager
    def check(self, name):
        started = time.perf_counter()
        try:
            yield
        except CheckFailed as error:
            print(f"FAIL {time.perf_counter() - started:6.2f} s  {name}: {error}", flush=True)
            raise
        took = time.perf_counter() - started
        self.timings.append((name, took))
        print(f"ok   {took:6.2f} s  {name}", flush=True)

    def note(self, text):
        self.notes.append(text)
        print(f"     {text}", flush=True)


def once(response, name, where):
    values = response.all(name)
    expect(len(values) == 1, f"{where}: {name} sent {len(values)} times {values}")
    return values[0]


def log_in(run, browser, username, password):
    page = browser.get("/accounts/login/")
    expect(page.status == 200, f"login page: {page.describe()}")
    expect("csrftoken" in browser.cookies, "no csrftoken cookie on the login page")
    form = Forms(page.text).find(has_field="csrfmiddlewaretoken")
    expect(form is not None, "no login form")
    answer = browser.post(
        "/accounts/login/", fill(form, username=username, password=password, next="")
    )
    expect(answer.status == 302, f"login as {username}: {answer.describe()}")
    if answer.location.startswith("/accounts/login/code/"):
        raise CheckFailed(f"{username} already has an authenticator app; use a fresh database")
    flags = browser.cookie_flags.get("sessionid", "")
    expect("secure" in flags and "httponly" in flags, f"session cookie flags: {flags!r}")
    home = browser.get("/")
    if home.status == 302 and home.location.startswith("/accounts/security/two-factor/"):
        enrol_two_factor(run, browser, username, home.location)
        home = browser.get("/")
    expect(home.status == 200, f"home page after login as {username}: {home.describe()}")


def enrol_two_factor(run, browser, username, path):
    """The role requires two-factor sign-in (TWO_FACTOR_REQUIRED, on with HTTPS): set up an
    authenticator app from the key the page shows, as a person would type it in."""
    page = browser.get(path)
    expect(page.status == 200, f"two-factor page: {page.describe()}")
    found = re.search(r'id="totp-secret"[^>]*>([^<]+)<', page.text)
    expect(found, "no authenticator key on the two-factor page")
    form = Forms(page.text).find(has_field="csrfmiddlewaretoken", form_id="totp-enrol-form")
    expect(form is not None, "no two-factor form")
    answer = browser.post(path, fill(form, code=totp(found.group(1))))
    expect(
        answer.status == 200 and 'id="recovery-codes"' in answer.text,
        f"two-factor confirmation: {answer.describe()}",
    )
    run.note(f"{username}: two-factor sign-in required by the role, set up with a TOTP code")


def plan_ids(browser):
    page = browser.get("/plans/")
    expect(page.status == 200, f"plan list: {page.describe()}")
    return set(re.findall(r'href="/plans/(\d+)/"', page.text)), page


def main(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="localhost")
    p.add_argument("--https-port", type=int, required=True)
    p.add_argument("--http-port", type=int, required=True)
    p.add_argument("--cafile", required=True)
    p.add_argument("--plan-file", required=True)
    p.add_argument("--province-user", default="tinh")
    p.add_argument("--upper-user", default="captren")
    p.add_argument("--password", default="demo")
    p.add_argument("--body-limit-mb", type=int, default=52)
    p.add_argument("--exports", type=int, default=3)
    p.add_argument(
        "--application-down",
        action="store_true",
        help="only check nginx's own page while gunicorn is stopped",
    )
    a = p.parse_args(argv)

    context = ssl.create_default_context(cafile=a.cafile)  # verified: host name and chain
    run = Run()
    started = time.perf_counter()
    province = Browser(a.host, a.https_port, context, a.province_user)
    upper = Browser(a.host, a.https_port, context, a.upper_user)
    try:
        if a.application_down:
            application_down(run, province)
        else:
            flow(run, a, context, province, upper)
    except CheckFailed:
        return 1
    total = time.perf_counter() - started
    requests = province.requests + upper.requests
    checks = f"{len(run.timings)} check" + ("s" if len(run.timings) != 1 else "")
    print(f"smoke http: {checks} passed, {requests} requests, {total:.1f} s")
    return 0


def application_down(run, browser):
    with run.check("application stopped: nginx's 503 page, Retry-After, headers"):
        r = browser.get("/accounts/login/")
        expect(r.status == 503 and "Hệ thống tạm dừng" in r.text, r.describe())
        expect(r.header("Retry-After") == "60", f"Retry-After {r.header('Retry-After')!r}")
        once(r, "Strict-Transport-Security", "503 page")
        once(r, "X-Frame-Options", "503 page")
        rid = once(r, "X-Request-ID", "503 page")
        expect(rid in r.text, "the request id is not on the page")


def flow(run, a, context, province, upper):
    with run.check("http:// redirects to https:// (nginx)"):
        conn = http.client.HTTPConnection(a.host, a.http_port, timeout=30)
        conn.request("GET", "/accounts/login/?next=/plans/")
        r = conn.getresponse()
        r.read()
        conn.close()
        expect(r.status == 301, f"HTTP {r.status}")
        want = f"https://{a.host}:{a.https_port}/accounts/login/?next=/plans/"
        expect(r.getheader("Location") == want, f"Location {r.getheader('Location')!r}")

    with run.check("login page over TLS: security headers, each once"):
        page = province.get("/accounts/login/")
        expect(page.status == 200, page.describe())
        for name in APP_HEADERS:
            once(page, name, "login page")
        hsts = page.header("Strict-Transport-Security")
        age = int(re.search(r"max-age=(\d+)", hsts).group(1))
        expect(age >= 31536000, f"HSTS max-age {age}")
        expect(page.header("X-Frame-Options").upper() == "DENY", "X-Frame-Options")
        expect(page.header("X-Content-Type-Options") == "nosniff", "X-Content-Type-Options")
        present = [n for n in OPTIONAL_ONCE if page.all(n)]
        for name in present:
            once(page, name, "login page")
        absent = [n for n in OPTIONAL_ONCE if n not in present]
        run.note(
            "application headers: "
            + ", ".join(APP_HEADERS + tuple(present))
            + (f"; not sent by this version: {', '.join(absent)}" if absent else "")
        )
        expect(page.header("Server") == "nginx", f"Server header {page.header('Server')!r}")
        expect(re.fullmatch(r"[0-9a-f]{32}", page.header("X-Request-ID") or ""), "X-Request-ID")
        expect(page.header("Server-Timing"), "the page did not come from the application")
        expect("secure" in province.cookie_flags.get("csrftoken", ""), "csrftoken not Secure")

    with run.check("static files served by nginx: precompressed, cached a year, headers"):
        assets = re.findall(r'(?:href|src)="(/static/[^"]+\.(?:css|js))"', page.text)
        expect(assets, "no static asset linked from the login page")
        for path in assets[:3]:
            r = province.get(path, headers={"Accept-Encoding": "gzip"})
            expect(r.status == 200, f"{path}: {r.describe()}")
            expect(r.header("Server-Timing") is None, f"{path} was served by Django, not nginx")
            expect(r.header("Content-Encoding") == "gzip", f"{path}: not gzip")
            cache = once(r, "Cache-Control", path)
            expect("max-age=31536000" in cache and "immutable" in cache, f"{path}: {cache!r}")
            for name in STATIC_HEADERS:
                once(r, name, path)
        hashed = re.match(r"(.+)\.[0-9a-f]{12}(\.\w+)$", assets[0])
        expect(hashed, f"{assets[0]}: no content hash in the name (collectstatic manifest)")
        plain = province.get(hashed.group(1) + hashed.group(2))
        expect(plain.status == 200, f"unhashed {hashed.group(1)}: {plain.describe()}")
        cache = once(plain, "Cache-Control", "unhashed name")
        expect("max-age=3600" in cache and "immutable" not in cache, f"unhashed name: {cache!r}")

    with run.check(f"log in as {a.province_user} (province officer) through the form, CSRF"):
        log_in(run, province, a.province_user, a.password)

    with run.check("pages are gzipped by nginx"):
        before, listing = plan_ids(province)
        r = province.get("/plans/", headers={"Accept-Encoding": "gzip"})
        expect(r.status == 200 and r.header("Content-Encoding") == "gzip", r.describe())
        expect("Accept-Encoding" in (r.header("Vary") or ""), f"Vary {r.header('Vary')!r}")

    plan_bytes = open(a.plan_file, "rb").read()
    plan_name = a.plan_file.rsplit("/", 1)[-1]
    with run.check("import the seed plan (upload, review, save)"):
        page = province.get("/plans/import/")
        expect(page.status == 200, page.describe())
        form = Forms(page.text).find(has_field="csrfmiddlewaretoken")
        review = province.post(
            "/plans/import/", form["fields"], files=[("file", plan_name, plan_bytes, "text/plain")]
        )
        expect(review.status == 200, f"upload: {review.describe()}")
        save = Forms(review.text).find(action="/plans/import/save/")
        expect(save is not None, f"no review form after the upload: {review.describe()}")
        fields = dict(save["fields"])
        expect(int(fields.get("task-TOTAL_FORMS", 0)) > 0, "no task read from the plan")
        answer = province.post("/plans/import/save/", save["fields"])
        if answer.status == 200:  # the demo holds the same plan: the page asks to confirm
            again = Forms(answer.text).find(action="/plans/import/save/")
            expect(again is not None and "confirm_duplicate" in answer.text, answer.describe())
            answer = province.post("/plans/import/save/", fill(again, confirm_duplicate="1"))
            run.note("the duplicate warning was shown and confirmed (the demo has this plan)")
        expect(answer.status == 302, f"save: {answer.describe()}")
        found = re.fullmatch(r"/plans/(\d+)/", answer.location)
        expect(found and found.group(1) not in before, f"saved to {answer.location}")
        plan_id = found.group(1)
        detail = province.get(answer.location)
        expect(detail.status == 200, detail.describe())
        expect(fields.get("number") and fields["number"] in detail.text, "plan number not shown")
        run.note(
            f"plan {fields['number']} saved as /plans/{plan_id}/ with "
            f"{fields['task-TOTAL_FORMS']} tasks"
        )

    with run.check("uploads only through the scoped view, never from /media/"):
        original = province.get(f"/plans/{plan_id}/original/")
        expect(original.status == 200 and original.body == plan_bytes, original.describe())
        disposition = original.header("Content-Disposition") or ""
        expect(disposition.startswith("attachment"), f"Content-Disposition {disposition!r}")
        stored = re.search(r'filename="?([^";]+)', disposition).group(1)
        year = time.strftime("%Y")
        for path in (f"/media/plans/{year}/{stored}", "/media/", "/media/plans/"):
            r = province.get(path)
            expect(r.status == 404 and plan_bytes not in r.body, f"{path}: HTTP {r.status}")

    with run.check(f"{a.exports} member exports run by the task workers, downloaded"):
        jobs = []
        for n in range(a.exports):
            listing = province.get("/plans/")
            token = Forms(listing.text).find(has_field="csrfmiddlewaretoken")
            fmt = "csv" if n == a.exports - 1 else "xlsx"
            r = province.post("/exports/new/", fill(token, kind="members", format=fmt))
            found = re.fullmatch(r"/exports/(\d+)/", r.location) if r.status == 302 else None
            expect(found, f"export start: {r.describe()}")
            jobs.append((found.group(1), fmt, time.perf_counter()))
        for job, fmt, began in jobs:
            deadline = time.monotonic() + 180
            while True:
                r = province.get(f"/exports/{job}/file/")
                if r.status == 200 or time.monotonic() > deadline:
                    break
                time.sleep(0.3)
            expect(r.status == 200, f"export {job} not ready in 180 s: HTTP {r.status}")
            if fmt == "xlsx":
                expect(r.header("Content-Type") == XLSX, r.header("Content-Type"))
                names = zipfile.ZipFile(io.BytesIO(r.body)).namelist()
                expect("xl/workbook.xml" in names, f"export {job}: not an xlsx")
            else:
                rows = r.body.decode("utf-8-sig").splitlines()
                expect(len(rows) > 1, f"export {job}: {len(rows)} csv lines")
            run.note(
                f"export {job} ({fmt}, {len(r.body):,} bytes) ready after "
                f"{time.perf_counter() - began:.1f} s"
            )

    with run.check(f"log in as {a.upper_user} (upper-level officer)"):
        log_in(run, upper, a.upper_user, a.password)

    marker = f"Kiểm thử triển khai {uuid.uuid4().hex[:8]}"
    with run.check("open a report, write it, submit it to the province"):
        listing = upper.get("/reports/")
        expect(listing.status == 200, listing.describe())
        start = Forms(listing.text).find(action="/reports/open/")
        if start is not None:
            r = upper.post("/reports/open/", start["fields"])
            expect(r.status == 302, f"open: {r.describe()}")
            path = r.location
        else:  # every report was opened already: the first one still a draft
            path = None
            for candidate in dict.fromkeys(re.findall(r'href="(/reports/\d+/)"', listing.text)):
                if 'id="submit-form"' in upper.get(candidate).text:
                    path = candidate
                    break
            expect(path, "no report left to write for this officer")
        report_id = re.fullmatch(r"/reports/(\d+)/", path).group(1)
        page = upper.get(path)
        form = Forms(page.text).find(form_id="report-form")
        expect(form is not None, f"no report form: {page.describe()}")
        saved = upper.post(path, fill(form, results=marker, leadership="Đã triển khai đầy đủ."))
        expect(saved.status == 302, f"save: {saved.describe()}")
        page = upper.get(path)
        expect(marker in page.text, "the saved narrative is not shown")
        submit = Forms(page.text).find(form_id="submit-form")
        expect(submit is not None, "no submit button")
        done = upper.post(f"/reports/{report_id}/submit/", submit["fields"])
        expect(done.status == 302, f"submit: {done.describe()}")
        page = upper.get(path)
        status = re.search(r'id="report-status" data-status="(\w+)"', page.text)
        expect(status and status.group(1) == "submitted", f"status {status and status.group(1)}")
        run.note(f"report {report_id} submitted")

    with run.check("download the report as .docx"):
        r = upper.get(f"/reports/{report_id}/docx/")
        expect(r.status == 200 and r.header("Content-Type") == DOCX, r.describe())
        archive = zipfile.ZipFile(io.BytesIO(r.body))
        expect(archive.testzip() is None, "corrupt .docx")
        expect("word/document.xml" in archive.namelist(), "no word/document.xml")
        words = re.sub(r"<[^>]+>", "", archive.read("word/document.xml").decode("utf-8"))
        expect(marker in words, "the report's text is not in the .docx")
        run.note(f".docx {len(r.body):,} bytes, {len(archive.namelist())} parts")

    with run.check(f"a body over {a.body_limit_mb} MB is refused by nginx (413, headers)"):
        conn = http.client.HTTPSConnection(a.host, a.https_port, context=context, timeout=30)
        conn.putrequest("POST", "/plans/import/")
        conn.putheader("Content-Type", "multipart/form-data; boundary=x")
        conn.putheader("Content-Length", str((a.body_limit_mb + 1) * 1024 * 1024))
        conn.endheaders()
        raw = conn.getresponse()
        r = Response(raw.status, raw.getheaders(), raw.read())
        conn.close()
        expect(r.status == 413 and "Tệp quá lớn" in r.text, r.describe())
        once(r, "Strict-Transport-Security", "413 page")

    with run.check("health check: PostgreSQL behind it"):
        r = province.get("/healthz")
        expect(r.status == 200 and '"postgresql"' in r.text, r.describe())

    with run.check("log out"):
        page = upper.get("/reports/")
        token = Forms(page.text).find(action="/accounts/logout/")
        expect(token is not None, "no logout form")
        r = upper.post("/accounts/logout/", token["fields"])
        expect(r.status == 302, r.describe())
        r = upper.get("/reports/")
        expect(r.status == 302 and r.location.startswith("/accounts/login/"), r.describe())


if __name__ == "__main__":
    sys.exit(main())
