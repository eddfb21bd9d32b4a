from .audit import request_context


class AuditContextMiddleware:
    """Makes the client address available to audit writes made while serving the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)
