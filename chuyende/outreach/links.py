"""What a pasted link tells without opening it: the channel, a date, a title.

No network call is ever made: everything comes from the link's text (host, path, query).
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from chuyende.core.text import nfc

from .choices import Channel

MAX_LENGTH = 500

FACEBOOK_HOSTS = {
    "facebook.com",
    "m.facebook.com",
    "mbasic.facebook.com",
    "web.facebook.com",
    "touch.facebook.com",
    "business.facebook.com",
    "fb.com",
    "fb.watch",
    "fb.me",
}
ZALO_HOSTS = {"zalo.me", "chat.zalo.me", "oa.zalo.me", "id.zalo.me", "zaloapp.com"}
VIDEO_HOSTS = {
    "youtube.com",
    "m.youtube.com",
    "music.youtube.com",
    "youtu.be",
    "tiktok.com",
    "vm.tiktok.com",
    "vt.tiktok.com",
}
# Paths of facebook.com that are not the name of a page or a person.
FACEBOOK_RESERVED = {
    "groups",
    "events",
    "watch",
    "reel",
    "reels",
    "photo",
    "photo.php",
    "photos",
    "video.php",
    "videos",
    "story.php",
    "permalink.php",
    "profile.php",
    "share",
    "sharer",
    "sharer.php",
    "login",
    "hashtag",
    "search",
    "marketplace",
    "gaming",
    "notes",
    "media",
}
# A page's name when Facebook shows it without a vanity name ("Cong-Doan-Xyz-100064123456789"),
# or the name of a union body (pages of unions are named congdoan…, ldld…, liendoan…).
FACEBOOK_PAGE_NAME = re.compile(r"(-\d{6,}$)|^(congdoan|cong\.doan|ldld|liendoan|cdcs|cdv)", re.I)
# Query parameters that only track who clicked: dropped so that one post has one link.
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|zarsrc|__cft__\[0\]|__tn__|mibextid|_rdc|_rdr)$")
DATE_IN_PATH = [
    re.compile(r"(?<!\d)(20\d{2})/(\d{1,2})/(\d{1,2})(?!\d)"),
    re.compile(r"(?<!\d)(20\d{2})-(\d{2})-(\d{2})(?!\d)"),
    re.compile(r"(?<![\d])(20\d{2})(\d{2})(\d{2})(?!\d)"),
    re.compile(r"(?<!\d)(\d{1,2})-(\d{1,2})-(20\d{2})(?!\d)"),
]
SLUG_EXTENSION = re.compile(r"\.(html?|php|aspx?|jsp)$", re.IGNORECASE)
SLUG_ID = re.compile(r"-((post|p|d|a|n|i|id|c|tin)\d{3,}|\d{5,})$", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_]{2,}")


@dataclass(frozen=True)
class LinkSuggestion:
    link: str  # the link, normalised
    host: str  # without "www."
    channel: str | None = None
    published_on: datetime.date | None = None
    title: str = ""


def check_link(value: str) -> str:
    """The link, trimmed and normalised; ValidationError with a clear message when it is not a
    web address (no scheme, spaces, javascript:, other schemes, no host)."""
    text = (value or "").strip()
    if not text:
        raise ValidationError(_("Paste the link of the post."))
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("The link is longer than %(n)s characters.") % {"n": MAX_LENGTH}, code="too_long"
        )
    if any(ch.isspace() for ch in text):
        raise ValidationError(
            _("The link contains spaces. Copy it again from the address bar."), code="spaces"
        )
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):(?!\d)", text)
    if scheme is None:
        raise ValidationError(
            _("The link must start with http:// or https:// (copy it from the address bar)."),
            code="no_scheme",
        )
    if scheme.group(1).lower() not in ("http", "https"):
        raise ValidationError(
            _("Only web links are accepted: the link must start with http:// or https://."),
            code="scheme",
        )
    parts = urlsplit(text)
    if not parts.hostname:
        raise ValidationError(_("The link has no website address."), code="no_host")
    try:
        URLValidator(schemes=["http", "https"])(text)
    except ValidationError as error:
        raise ValidationError(_("This is not a valid web link."), code="invalid") from error
    return normalise(text)


def normalise(link: str) -> str:
    """Lower-case scheme and host, no fragment, no tracking parameters."""
    parts = urlsplit(link)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING.match(k)
    ]
    netloc = parts.netloc.lower() if "@" not in parts.netloc else parts.netloc
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, urlencode(query), ""))


def bare_host(host: str) -> str:
    host = (host or "").lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def clean_domain(value: str) -> str:
    """A domain typed by a manager ('https://www.ldldaklak.org.vn/' -> 'ldldaklak.org.vn')."""
    text = (value or "").strip().lower()
    if "://" in text:
        text = urlsplit(text).hostname or ""
    text = bare_host(text.split("/", 1)[0])
    if not re.fullmatch(r"(?=.{4,253}$)([a-z0-9-]{1,63}\.)+[a-z]{2,63}", text) or ".." in text:
        raise ValidationError(
            {"domain": _("Enter a domain such as ldldaklak.org.vn (no http://, no path).")}
        )
    return text


def _on(host: str, domains) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _channel(host: str, path: str, website_domains) -> str | None:
    if host in FACEBOOK_HOSTS or host.endswith(".facebook.com"):
        segments = [s for s in path.split("/") if s]
        if segments and segments[0].lower() in {"pages", "pg"}:
            return Channel.FANPAGE
        if (
            segments
            and segments[0].lower() not in FACEBOOK_RESERVED
            and FACEBOOK_PAGE_NAME.search(segments[0])
        ):
            return Channel.FANPAGE
        return Channel.FACEBOOK
    if host in ZALO_HOSTS or host.endswith(".zalo.me"):
        return Channel.ZALO
    if host in VIDEO_HOSTS or host.endswith(".tiktok.com"):
        return Channel.VIDEO
    if _on(host, website_domains):
        return Channel.WEBSITE
    return None


def _date(path: str) -> datetime.date | None:
    for index, pattern in enumerate(DATE_IN_PATH):
        for match in pattern.finditer(path):
            values = [int(g) for g in match.groups()]
            year, month, day = (values[2], values[1], values[0]) if index == 3 else values
            try:
                found = datetime.date(year, month, day)
            except ValueError:
                continue
            return found
    return None


def _title(host: str, path: str, channel: str | None) -> str:
    """A title from the last readable path segment ('ky-niem-95-nam-cong-doan.html')."""
    if channel in (Channel.FACEBOOK, Channel.FANPAGE, Channel.ZALO, Channel.VIDEO):
        return ""
    for segment in reversed([s for s in path.split("/") if s]):
        slug = SLUG_ID.sub("", SLUG_EXTENSION.sub("", nfc(unquote(segment))))
        for pattern in DATE_IN_PATH:
            slug = pattern.sub("", slug)
        words = [w for w in re.split(r"[-_+\s]+", slug) if w]
        if len(words) >= 3 and len(WORD.findall(slug)) >= 3:
            text = " ".join(words)[:255]
            return text[:1].upper() + text[1:]
    return ""


def suggest(value: str, *, website_domains=()) -> LinkSuggestion:
    """What the link tells (ValidationError when it is not a web link)."""
    link = check_link(value)
    parts = urlsplit(link)
    host = bare_host(parts.hostname or "")
    channel = _channel(host, parts.path, [bare_host(d) for d in website_domains])
    return LinkSuggestion(
        link=link,
        host=host,
        channel=channel,
        published_on=_date(unquote(parts.path)),
        title=_title(host, parts.path, channel),
    )
