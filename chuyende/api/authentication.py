"""Who calls the API: a personal access token (Authorization: Bearer <token>), acting as its
owner with the owner's scope; or the signed-in session of the docs page (writes need the CSRF
token, as every form of the site does)."""

from rest_framework import authentication, exceptions

from chuyende.core.audit import client_ip

from . import services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(code="token_invalid")
        try:
            raw = parts[1].decode("ascii")
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed(code="token_invalid") from error
        try:
            token = services.token_authenticate(raw, address=client_ip(request))
        except services.TokenRejected as rejected:
            raise exceptions.AuthenticationFailed(code=rejected.code) from rejected
        return token.owner, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The signed-in user of the docs page ("Try it out"); CSRF is enforced on writes."""
