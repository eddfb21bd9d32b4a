"""Security headers the project adds to its responses.

- Content-Security-Policy on every HTML page: scripts, styles, fonts and requests only from
  this site, no inline script or style attribute, no plugin, no <base> elsewhere, never framed,
  forms post only here. The templates keep to it: page scripts live in static/js and read what
  they need from data- attributes or `json_script` blocks (type="application/json", data the
  browser never runs), htmx runs with eval and its injected indicator styles turned off
  (<meta name="htmx-config"> in base.html).
- Permissions-Policy: the device features the application never uses are off for its pages
  and anything they might embed.

Django's SecurityMiddleware sends X-Content-Type-Options, Referrer-Policy and
Cross-Origin-Opener-Policy (the SECURE_* settings); XFrameOptionsMiddleware sends
X-Frame-Options. A view that sets its own Content-Security-Policy (the outreach screenshot and
the embeddable public page, both stricter) keeps it: this middleware never replaces it or adds a
second one.

django-csp would do the same with a dependency and settings of its own; the application needs
neither nonces nor per-view policies beyond the two views above, so a few lines do.
"""

from django.conf import settings

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    # data: for the small SVG images Bootstrap's stylesheet draws (select arrows, check marks)
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
)


def policy_header(policy: dict, *, framed: bool = False) -> str:
    """The header value of `policy`; `framed` drops frame-ancestors for a page meant to be
    embedded elsewhere (a view marked @xframe_options_exempt)."""
    return "; ".join(
        f"{name} {value}"
        for name, value in policy.items()
        if not (framed and name == "frame-ancestors")
    )


PAGE_POLICY = policy_header(CONTENT_SECURITY_POLICY)
FRAMED_PAGE_POLICY = policy_header(CONTENT_SECURITY_POLICY, framed=True)


class SecurityHeadersMiddleware:
    """Content-Security-Policy on HTML responses, Permissions-Policy on every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Content-Security-Policy" in response.headers:
            return response  # the view's own policy, stricter
        if not response.get("Content-Type", "").startswith("text/html"):
            return response
        if settings.DEBUG and response.status_code >= 400:
            return response  # Django's debug error pages are made of inline script and style
        framed = getattr(response, "xframe_options_exempt", False)
        response.headers["Content-Security-Policy"] = FRAMED_PAGE_POLICY if framed else PAGE_POLICY
        return response
