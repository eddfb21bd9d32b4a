"""Input fields of the API with their messages as this project's own msgids, so that a bad
request is answered in Vietnamese (the REST framework's own catalogue has few Vietnamese
messages). Output-only fields need none of this."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import ProhibitSurrogateCharactersValidator

COMMON = {
    "required": _("This field is required."),
    "null": _("This field may not be null."),
}


class NoSurrogates(ProhibitSurrogateCharactersValidator):
    message = _("Surrogate characters are not allowed: U+{code_point:X}.")


class CharField(serializers.CharField):
    default_error_messages = {
        **COMMON,
        "invalid": _("Not a valid string."),
        "blank": _("This field may not be blank."),
        "max_length": _("Ensure this field has no more than {max_length} characters."),
        "min_length": _("Ensure this field has at least {min_length} characters."),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            NoSurrogates() if isinstance(v, ProhibitSurrogateCharactersValidator) else v
            for v in self.validators
        ]


class IntegerField(serializers.IntegerField):
    default_error_messages = {
        **COMMON,
        "invalid": _("A valid integer is required."),
        "max_value": _("Ensure this value is less than or equal to {max_value}."),
        "min_value": _("Ensure this value is greater than or equal to {min_value}."),
        "max_string_length": _("String value too large."),
    }


# Ids in paths and filters: positive and within a 64-bit integer (the databases' id columns).
MAX_ID = 2**63 - 1


class IdField(IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class DecimalField(serializers.DecimalField):
    default_error_messages = {
        **COMMON,
        "invalid": _("A valid number is required."),
        "max_value": _("Ensure this value is less than or equal to {max_value}."),
        "min_value": _("Ensure this value is greater than or equal to {min_value}."),
        "max_digits": _("Ensure that there are no more than {max_digits} digits in total."),
        "max_decimal_places": _(
            "Ensure that there are no more than {max_decimal_places} decimal places."
        ),
        "max_whole_digits": _(
            "Ensure that there are no more than {max_whole_digits} digits before the decimal point."
        ),
        "max_string_length": _("String value too large."),
    }


class DateField(serializers.DateField):
    default_error_messages = {
        **COMMON,
        "invalid": _("Date has wrong format. Use one of these formats instead: {format}."),
        "datetime": _("Expected a date but got a datetime."),
    }


class ChoiceField(serializers.ChoiceField):
    default_error_messages = {
        **COMMON,
        "invalid_choice": _("“{input}” is not a valid choice."),
    }


class BooleanField(serializers.BooleanField):
    default_error_messages = {**COMMON, "invalid": _("Must be a valid boolean.")}


class DictField(serializers.DictField):
    default_error_messages = {
        **COMMON,
        "not_a_dict": _("Expected an object of items but got type “{input_type}”."),
        "empty": _("This object may not be empty."),
    }


class Serializer(serializers.Serializer):
    default_error_messages = {
        **COMMON,
        "invalid": _("Invalid data. Expected an object, but got {datatype}."),
    }
