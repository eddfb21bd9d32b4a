"""The privacy notice: its versions, kept in code with their text.

A new version of the notice is a new entry in VERSIONS (newest last) and its two templates,
`privacy/notice/<version>_vi.html` and `privacy/notice/<version>_en.html`; every member then
meets the notice again at their next request and consents to the new version once. Records
keep the version they were given for, so an earlier version's text stays in the code.
"""

import datetime

from django.utils import translation

# version id -> the date it took effect
VERSIONS = {
    "2026-01": datetime.date(2026, 1, 1),
}
CURRENT_VERSION = list(VERSIONS)[-1]


def template_for(version: str, language: str | None = None) -> str:
    """The template of a version in the active language (Vietnamese unless English)."""
    if version not in VERSIONS:
        raise KeyError(version)
    language = (language or translation.get_language() or "vi")[:2]
    return f"privacy/notice/{version}_{'en' if language == 'en' else 'vi'}.html"


def version_choices():
    return [(v, f"{v} ({d:%d/%m/%Y})") for v, d in reversed(VERSIONS.items())]


def retention_context() -> dict:
    """How long a departed member's record is kept, as the notice words it in each language."""
    from django.conf import settings

    days = int(settings.PRIVACY_RETENTION_DAYS)
    years = round(days / 365.25)
    if years and abs(years * 365.25 - days) < 2:
        vi, en = f"{years} năm", f"{years} year{'s' if years > 1 else ''}"
    else:
        vi, en = f"{days} ngày", f"{days} days"
    return {"retention_text_vi": vi, "retention_text_en": en, "retention_is_term": years == 5}
