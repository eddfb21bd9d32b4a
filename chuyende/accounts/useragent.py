"""A short, readable summary of a browser's User-Agent ("Chrome 126 · Android") for the list of
signed-in sessions. Only the common browsers and systems are named; the rest read "Unknown"."""

import re

from django.utils.translation import gettext as _

# Order matters: Edge, Opera, Samsung and Cốc Cốc also say "Chrome"; Chrome also says "Safari".
BROWSERS = [
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"(?:OPR|Opera)/(\d+)")),
    ("Cốc Cốc", re.compile(r"coc_coc_browser/(\d+)")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/(\d+)")),
    ("Zalo", re.compile(r"Zalo[/ ]?(\d*)", re.IGNORECASE)),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS|Chromium)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/")),
]
SYSTEMS = [
    ("iOS", re.compile(r"iPhone|iPad|iPod")),
    ("Android", re.compile(r"Android")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
]


def describe(user_agent: str) -> str:
    ua = user_agent or ""
    browser = next(
        (f"{name} {m.group(1)}".strip() for name, rx in BROWSERS if (m := rx.search(ua))), ""
    )
    system = next((name for name, rx in SYSTEMS if rx.search(ua)), "")
    parts = [p for p in (browser, system) if p]
    return " · ".join(parts) if parts else _("Unknown browser")
