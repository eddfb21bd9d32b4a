"""The API's language: Accept-Language chooses among the site's languages; Vietnamese otherwise
(the screens ignore Accept-Language on purpose, see chuyende.core.locale; a program says what
it wants)."""

from django.conf import settings
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header


def language_from(request) -> str:
    available = {code for code, _name in settings.LANGUAGES}
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    if len(header) <= 255:
        for code, _quality in parse_accept_lang_header(header):
            base = code.split("-")[0].lower()
            if base in available:
                return base
    return settings.LANGUAGE_CODE


def activate_from(request) -> str:
    language = language_from(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language
