"""The check-in QR code, drawn as inline SVG (no image file, nothing fetched)."""

import segno
from django.utils.safestring import mark_safe


def qr_svg(url: str, *, title: str = "") -> str:
    """An SVG QR code of `url`; segno writes the markup itself, the URL is ours."""
    code = segno.make(url, error="m")
    return mark_safe(code.svg_inline(scale=5, border=2, title=title or None, svgclass="qr-code"))
