from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """JSON bodies, refusing lone surrogates (\\ud800) anywhere, keys included: they cannot be
    stored (the REST framework's text fields refuse them, but not the keys of an object)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        try:
            _encode(data)
        except UnicodeEncodeError as error:
            raise ParseError(_("The request body is not valid JSON.")) from error
        return data


def _encode(value):
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, dict):
        for key, item in value.items():
            _encode(key)
            _encode(item)
    elif isinstance(value, list):
        for item in value:
            _encode(item)
