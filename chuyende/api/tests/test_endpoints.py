"""What the endpoints answer: masking, keyset paging, filters, errors in the caller's language,
report figures through the reports services, contest results, limits."""

import json
from decimal import Decimal

import pytest
from django.utils import translation

from chuyende.core.models import AuditEvent
from chuyende.reports.models import Report, ReportValue
from conftest import make_member

from .conftest import ApiClient

pytestmark = pytest.mark.django_db


def _json(response):
    return json.loads(response.content)


# Members -----------------------------------------------------------------------------------------


def test_members_are_masked_exactly_as_on_the_screens(api, as_user):
    an = _json(as_user("bob").get(f"/api/v1/members/{api.an.pk}/"))
    assert an["personal_data"] == "masked"
    assert an["date_of_birth"] == "••/••/1985"
    assert an["phone"] == "091•••••78"
    assert an["id_number"] == "•••••••••234"
    body = as_user("bob").get("/api/v1/members/?page_size=100").content.decode()
    for secret in ("0912345678", "066085001234", "0987654321", "1985-03-02"):
        assert secret not in body


def test_the_callers_own_record_is_shown_in_full_as_on_the_screens(api, as_user):
    binh = _json(as_user("dave").get(f"/api/v1/members/{api.binh.pk}/"))
    assert binh["personal_data"] == "full"
    assert binh["phone"] == "0987654321" and binh["date_of_birth"] == "1985-03-02"


def test_no_endpoint_reveals_personal_data(api, as_user):
    """Even an editor who may reveal on the screens (an audited click) gets masked data: the
    API has no reveal."""
    carol = as_user("carol")
    body = carol.get(f"/api/v1/members/{api.an.pk}/").content.decode()
    assert "0912345678" not in body and "066085001234" not in body
    assert carol.post(f"/api/v1/members/{api.an.pk}/reveal/").status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_the_member_list_pages_by_keyset_forward_and_back(api, as_user):
    for i in range(5):
        make_member(api.a2, f"Võ Văn Tám {i}")
    bob = as_user("bob")
    first = _json(bob.get("/api/v1/members/?page_size=3"))
    assert first["count"] == 8 and first["previous"] is None and len(first["results"]) == 3
    second = _json(bob.get(first["next"].replace("http://testserver", "")))
    third = _json(bob.get(second["next"].replace("http://testserver", "")))
    assert third["next"] is None and len(third["results"]) == 2
    names = [m["full_name"] for page in (first, second, third) for m in page["results"]]
    assert len(set(names)) == 8
    back = _json(bob.get(third["previous"].replace("http://testserver", "")))
    assert back["results"] == second["results"]


def test_the_member_list_filters_like_the_screen(api, as_user):
    bob = as_user("bob")
    minority = _json(bob.get("/api/v1/members/?ethnicity=minority"))
    assert [m["full_name"] for m in minority["results"]] == ["H'Nga Byă"]
    assert minority["count"] == 1
    found = _json(bob.get("/api/v1/members/?q=nguyen van"))
    assert [m["full_name"] for m in found["results"]] == ["Nguyễn Văn An"]
    assert found["count"] is None  # a name search is not counted from the tallies
    in_unit = _json(bob.get(f"/api/v1/members/?unit={api.a2.pk}"))
    assert [m["full_name"] for m in in_unit["results"]] == ["H'Nga Byă"]


def test_a_bad_cursor_or_filter_is_a_clear_error(api, as_user):
    bob = as_user("bob")
    for url, field in (
        ("/api/v1/members/?after=abc", "after"),
        ("/api/v1/units/?after=x1", "after"),
        ("/api/v1/members/?gender=robot", "gender"),
        ("/api/v1/units/?page_size=1000", "page_size"),
        ("/api/v1/study-sessions/?date_from=31/02/2024", "date_from"),
    ):
        response = bob.get(url)
        assert response.status_code == 400, url
        error = _json(response)["error"]
        assert error["code"] == "invalid" and field in error["fields"], url


# Paging of the other lists ----------------------------------------------------------------------


def test_lists_page_by_keyset_newest_first(api, as_user):
    from .conftest import make_post

    for i in range(4):
        make_post(api.a1, f"Tin số {i}")
    bob = as_user("bob")
    first = _json(bob.get("/api/v1/outreach-posts/?page_size=2"))
    ids = [p["id"] for p in first["results"]]
    assert ids == sorted(ids, reverse=True)
    seen = list(ids)
    url = first["next"]
    while url:
        page = _json(bob.get(url.replace("http://testserver", "")))
        seen += [p["id"] for p in page["results"]]
        url = page["next"]
    assert seen == sorted(seen, reverse=True) and len(seen) == len(set(seen)) == 5


# Errors ------------------------------------------------------------------------------------------


def test_errors_are_json_in_vietnamese_by_default_and_english_on_request(api, as_user):
    bob = as_user("bob")
    with translation.override("vi"):
        expected_vi = translation.gettext("Not found, or not in your scope.")
    vi = bob.get(f"/api/v1/units/{api.b1.pk}/")
    en = bob.get(f"/api/v1/units/{api.b1.pk}/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert vi.status_code == en.status_code == 404
    assert vi["Content-Type"] == "application/json" and vi["Content-Language"] == "vi"
    assert en["Content-Language"] == "en"
    assert _json(vi)["error"] == {"code": "not_found", "message": expected_vi}
    assert _json(en)["error"] == {
        "code": "not_found",
        "message": "Not found, or not in your scope.",
    }
    fr = bob.get(f"/api/v1/units/{api.b1.pk}/", HTTP_ACCEPT_LANGUAGE="fr-FR")
    assert fr["Content-Language"] == "vi"


def test_field_errors_use_the_projects_own_messages(api, as_user):
    response = as_user("bob").get("/api/v1/units/?page_size=0", HTTP_ACCEPT_LANGUAGE="en")
    field = _json(response)["error"]["fields"]["page_size"][0]
    assert field == {
        "code": "min_value",
        "message": "Ensure this value is greater than or equal to 1.",
    }


def test_unknown_paths_and_methods_answer_json(api, as_user):
    bob = as_user("bob")
    missing = bob.get("/api/v1/no-such-thing/")
    assert missing.status_code == 404 and _json(missing)["error"]["code"] == "not_found"
    wrong = bob.delete(f"/api/v1/units/{api.a.pk}/")
    assert wrong.status_code == 405
    assert _json(wrong)["error"]["code"] == "method_not_allowed"
    assert "DELETE" in _json(wrong)["error"]["message"]
    html = bob.get("/api/v1/units/", HTTP_ACCEPT="text/html")
    assert html.status_code == 406 and _json(html)["error"]["code"] == "not_acceptable"
    broken = bob.post(
        f"/api/v1/reports/{api.report_a.pk}/figures/", "{oops", content_type="application/json"
    )
    assert broken.status_code == 400 and _json(broken)["error"]["code"] == "parse_error"
    form = bob.post(f"/api/v1/reports/{api.report_a.pk}/figures/", {"version": "1"})
    assert form.status_code == 415
    assert _json(form)["error"]["code"] == "unsupported_media_type"
    surrogate = bob.post(
        f"/api/v1/reports/{api.report_a.pk}/figures/",
        '{"version": 1, "figures": {"\\ud800": 1}}',
        content_type="application/json",
    )
    assert surrogate.status_code == 400


# Reports ---------------------------------------------------------------------------------------


def _figures(client, report, body):
    return client.post(
        f"/api/v1/reports/{report.pk}/figures/", body, content_type="application/json"
    )


def test_declared_figures_are_saved_through_the_reports_service(api, as_user):
    bob = as_user("bob")
    response = _figures(
        bob, api.report_a, {"version": 1, "figures": {"api.talks": 12.5}, "results": "Đã họp"}
    )
    assert response.status_code == 200, response.content
    report = _json(response)
    assert report["version"] == 2 and report["results"] == "Đã họp"
    talks = next(f for f in report["figures"] if f["code"] == "api.talks")
    assert talks == {**talks, "value": 12.5, "declared": True}
    value = ReportValue.objects.get(report=api.report_a, indicator=api.talks)
    assert value.value == Decimal("12.50") and value.declared
    event = AuditEvent.objects.get(object_type="reports.report", action="update")
    assert event.actor == api.bob and event.changes["declared"] == ["api.talks"]


def test_a_stale_version_is_a_conflict_and_writes_nothing(api, as_user):
    bob = as_user("bob")
    assert (
        _figures(bob, api.report_a, {"version": 1, "figures": {"api.talks": 3}}).status_code == 200
    )
    stale = _figures(bob, api.report_a, {"version": 1, "figures": {"api.talks": 99}})
    assert stale.status_code == 409 and _json(stale)["error"]["code"] == "conflict"
    assert ReportValue.objects.get(report=api.report_a, indicator=api.talks).value == 3


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"org.members": 5}, "figures"),  # counted from records: not typed
        ({"no.such": 5}, "figures"),
        ({"api.talks": -1}, "figures.api.talks"),
        ({"api.talks": 10**13}, "figures.api.talks"),
        ({"api.talks": 1.234}, "figures.api.talks"),
        ({"api.talks": "nhiều"}, "figures.api.talks"),
    ],
)
def test_bad_figures_are_refused_field_by_field(api, as_user, figures, field):
    response = _figures(as_user("bob"), api.report_a, {"version": 1, "figures": figures})
    assert response.status_code == 400
    assert field in _json(response)["error"]["fields"]
    assert not ReportValue.objects.filter(report=api.report_a, declared=True).exists()


def test_a_viewer_reads_but_cannot_write_figures(api, as_user):
    erin = as_user("erin")
    assert erin.get(f"/api/v1/reports/{api.report_a.pk}/").status_code == 200
    response = _figures(erin, api.report_a, {"version": 1, "figures": {"api.talks": 1}})
    assert response.status_code == 403 and _json(response)["error"]["code"] == "permission_denied"


def test_submit_follows_the_screens_status_rules(api, as_user):
    bob = as_user("bob")
    submitted = bob.post(f"/api/v1/reports/{api.report_a.pk}/submit/")
    assert submitted.status_code == 200 and _json(submitted)["status"] == "submitted"
    again = _figures(bob, api.report_a, {"version": 2, "figures": {"api.talks": 1}})
    assert again.status_code == 400 and _json(again)["error"]["code"] == "invalid"
    twice = bob.post(f"/api/v1/reports/{api.report_a.pk}/submit/")
    assert twice.status_code == 400


def test_a_locked_period_refuses_figures_as_the_screen_does(api, as_user):
    import datetime

    api.period.locks_on = datetime.date(2000, 1, 1)
    api.period.save()
    response = _figures(as_user("bob"), api.report_a, {"version": 1, "figures": {"api.talks": 1}})
    assert response.status_code == 400
    assert "locked" in _json(response)["error"]["message"] or _json(response)["error"]["message"]


def test_opening_a_report_creates_the_draft_once(api, as_user):
    api.report_a.delete()
    bob = as_user("bob")
    body = {"form": api.form.pk, "period": api.period.code, "unit": api.a.pk}
    created = bob.post("/api/v1/reports/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    again = bob.post("/api/v1/reports/", body, content_type="application/json")
    assert again.status_code == 200 and _json(again)["id"] == _json(created)["id"]
    assert Report.objects.filter(form=api.form, unit=api.a).count() == 1
    outside = bob.post(
        "/api/v1/reports/", {**body, "unit": api.b.pk}, content_type="application/json"
    )
    assert outside.status_code == 400 and "unit" in _json(outside)["error"]["fields"]
    no_period = bob.post(
        "/api/v1/reports/", {**body, "period": "1999S1"}, content_type="application/json"
    )
    assert no_period.status_code == 400 and "period" in _json(no_period)["error"]["fields"]


# Study, contests, pledges -----------------------------------------------------------------------


def test_a_study_session_with_its_attendance(api, as_user):
    bob = as_user("bob")
    session = _json(bob.get(f"/api/v1/study-sessions/{api.session_a.pk}/"))
    assert session["participants"] == 5 and session["figures"]["listed"] == 2
    present = _json(bob.get(f"/api/v1/study-sessions/{api.session_a.pk}/attendance/"))
    names = sorted(row["member"]["full_name"] for row in present["results"])
    assert names == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert "phone" not in json.dumps(present)


def test_round_results_rank_the_attempts_and_the_units(api, as_user):
    results = _json(as_user("bob").get(f"/api/v1/rounds/{api.round_a.pk}/results/?limit=10"))
    assert results["entries"] == 1 and results["entrants"] == 1
    assert results["ranking"][0]["full_name"] == "Lê Thị Hoa"
    assert "0912000001" not in json.dumps(results)
    assert {row["unit"]["id"] for row in results["units"]} == {api.a1.pk, api.a2.pk}


def test_pledges_are_the_callers_own_even_for_a_manager(api, as_user):
    alice = as_user("alice")  # manages the province: sees the pledges on the screens, not here
    assert _json(alice.get("/api/v1/pledges/"))["results"] == []
    assert alice.get(f"/api/v1/pledges/{api.pledge_an.pk}/").status_code == 404


# Limits ------------------------------------------------------------------------------------------


def test_requests_are_limited_per_token(api, as_user, settings):
    settings.RATELIMITS = {"api.token": (3, 60)}
    bob = as_user("bob")
    assert [bob.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    refused = bob.get("/api/v1/me/")
    assert refused.status_code == 429 and _json(refused)["error"]["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert as_user("carol").get("/api/v1/me/").status_code == 200  # another token


def test_requests_are_limited_per_address_even_with_bad_tokens(api, settings):
    settings.RATELIMITS = {"api.address": (3, 60)}
    guesser = ApiClient("cdt_guess", REMOTE_ADDR="203.0.113.5")
    assert [guesser.get("/api/v1/me/").status_code for _ in range(3)] == [401, 401, 401]
    assert guesser.get("/api/v1/me/").status_code == 429
    honest = ApiClient(api.tokens["bob"], REMOTE_ADDR="203.0.113.6")
    assert honest.get("/api/v1/me/").status_code == 200


def test_a_path_without_its_final_slash_is_redirected_keeping_the_method(api, as_user):
    bob = as_user("bob")
    response = bob.get("/api/v1/units?kind=upper")
    assert response.status_code == 308 and response["Location"] == "/api/v1/units/?kind=upper"
    write = bob.post(
        f"/api/v1/reports/{api.report_a.pk}/figures", {}, content_type="application/json"
    )
    assert write.status_code == 308
    assert bob.get("/api/v1/nothing-here").status_code == 404
