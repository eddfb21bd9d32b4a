"""The OpenAPI document's settings (drf-spectacular), plain data read by chuyende/settings.py:
no Django import here."""

from chuyende import __version__

DESCRIPTION = """
The data of the union tree that the caller's account may see, as on the screens.

**Access.** Create a personal access token on the page *API access tokens* (user menu) and send
it as `Authorization: Bearer <token>`. A token acts as its owner with exactly the owner's scope
(the units where they hold a role, and what is below them); revoked or expired tokens are
refused. Signed-in users of this page may also try requests with their session (writes need the
CSRF token, which this page sends).

**Personal data** of members is masked as on the screens; the API never reveals it in full
(except on the caller's own record).

**Paging.** Lists answer `{"next": url|null, "results": [...]}`, newest first; follow `next`
(keyset paging: a deep page costs what the first does). Members come in name order with
`previous` and `count` too.

**Errors** are JSON: `{"error": {"code": "...", "message": "...", "fields": {...}}}`: `code` is
stable, `message` is in Vietnamese unless `Accept-Language: en`.

**Limits.** Requests are limited per token and per address (429 with Retry-After).
"""

SPECTACULAR_SETTINGS = {
    "TITLE": "chuyende API",
    "DESCRIPTION": DESCRIPTION,
    "VERSION": __version__,  # info.version: the release (pyproject.toml); the API's is the /v1 path
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "chuyende.api.schema.integer_ids",
    ],
    # Choice sets that share a field name ("status", "kind", "source") get their own names.
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "chuyende.org.choices.UnitKind",
        "MemberStatusEnum": "chuyende.org.choices.MemberStatus",
        "PlanStatusEnum": "chuyende.plans.choices.PlanStatus",
        "AssignmentStatusEnum": "chuyende.plans.choices.AssignmentStatus",
        "SessionKindEnum": "chuyende.study.choices.SessionKind",
        "PostStatusEnum": "chuyende.outreach.choices.PostStatus",
        "PledgeStatusEnum": "chuyende.pledges.choices.PledgeStatus",
        "PledgeSourceEnum": "chuyende.pledges.choices.PledgeSource",
        "AttendanceSourceEnum": "chuyende.study.choices.AttendanceSource",
        "IndicatorSourceEnum": "chuyende.reports.choices.Source",
        "PeriodKindEnum": "chuyende.reports.choices.PeriodKind",
        "ReportStatusEnum": "chuyende.reports.choices.ReportStatus",
    },
}
