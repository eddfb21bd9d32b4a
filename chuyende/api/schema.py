"""The OpenAPI 3 document: bearer tokens, the JSON error shape on every operation, the filters
of each list from its filter serializer."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

# Errors any operation may answer (the 2xx bodies are the operation's own).
ERROR_STATUSES = ("400", "401", "403", "404", "406", "429")
WRITE_ERROR_STATUSES = ("409", "415")


class ErrorFieldSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable machine code, e.g. required, max_length.")
    message = serializers.CharField(help_text="Human message in the language of Accept-Language.")


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(
        help_text=(
            "Stable machine code: invalid, not_authenticated, token_invalid, token_revoked, "
            "token_expired, token_owner_inactive, permission_denied, not_found, "
            "method_not_allowed, not_acceptable, unsupported_media_type, parse_error, "
            "conflict, throttled, server_error."
        )
    )
    message = serializers.CharField(help_text="In Vietnamese unless Accept-Language asks for en.")
    fields = serializers.DictField(
        child=ErrorFieldSerializer(many=True),
        required=False,
        help_text="Per field (dotted path for nested data): what is wrong with it.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class ApiSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        filters = getattr(self.view, "filter_serializer", None)
        if filters is not None and getattr(self.view, "action", None) == "list":
            parameters = [filters, *parameters]
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        statuses = ERROR_STATUSES
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            statuses += WRITE_ERROR_STATUSES
        for status in statuses:
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    ErrorSerializer, status, direction=direction
                )
        return responses


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "chuyende.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal access token created on the page “API access tokens” of the user "
                "menu. It acts as its owner, with exactly the owner's scope."
            ),
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "chuyende.api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": settings.SESSION_COOKIE_NAME}


def integer_ids(result, generator, request, public):
    """Path ids as integers (the routes take 1 to 18 digits), not pattern-matched strings."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["schema"] = {
                        "type": "integer",
                        "format": "int64",
                        "minimum": 1,
                        "maximum": 10**18 - 1,
                    }
    return result
