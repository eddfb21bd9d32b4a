import time

from .audit import request_context


class AuditContextMiddleware:
    """Makes the client address available to audit writes made while serving the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_context(request):
            return self.get_response(request)


class ServerTimingMiddleware:
    """Adds `Server-Timing: app;dur=<ms>` to every response: the time Django spent serving it
    (read by the load benchmark and visible in the browser's developer tools)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        took = (time.perf_counter() - start) * 1000
        response.headers["Server-Timing"] = f"app;dur={took:.1f}"
        return response
