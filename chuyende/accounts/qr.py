"""The enrolment QR code, drawn as inline SVG by segno (nothing sent to an outside service)."""

import segno
from django.utils.safestring import mark_safe


def qr_svg(url: str, *, title: str = "") -> str:
    code = segno.make(url, error="m")
    return mark_safe(code.svg_inline(scale=4, border=2, title=title or None, svgclass="qr-code"))
