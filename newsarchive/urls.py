"""Canonical URLs: one spelling per article, whatever link led to it."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

#: Query parameters that only track where a reader came from.
TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|yclid|ysclid|_openstat|from|ref|share|mc_cid|mc_eid|igshid|amp)$",
    re.IGNORECASE,
)
_NOT_ARTICLE = re.compile(
    r"/(tags?|category|categories|rubric|author|authors|journalists|page|search|archive_tags|login|"
    r"register|contacts?|about|advert\w*|rss|feed|sitemap)(/|$)|\.(jpe?g|png|gif|webp|pdf|css|js|xml|svg|mp4)$",
    re.IGNORECASE,
)
#: A path that is only a date: a day or month archive (/2026/11/24/, /2026/11/), a listing.
_DATE_ONLY = re.compile(r"^(?:/[a-z]{2})?/(?:19|20)\d\d/\d{1,2}(?:/\d{1,2})?/?$")
_ARTICLE_HINT = re.compile(r"\d{4,}|\.html?$|/\d{4}/\d{2}/|-[a-z0-9]+-[a-z0-9]+", re.IGNORECASE)
_UNSAFE = re.compile(r"[\x00-\x20\x7f-\xa0\s]")
_AMP_PATH = re.compile(r"(/amp)(?=/|$)|(\.amp)(?=\.html$|$)", re.IGNORECASE)


def canonicalize_url(url: str) -> str:
    """Normalise scheme, host case, www., default port, trailing slash, tracking
    parameters, fragments and AMP variants, so that two links to one page compare equal.

    Raises ValueError for a URL that cannot be parsed (a bad port, a broken IPv6 literal)."""
    parts = urlsplit(url.strip())
    scheme = "https" if parts.scheme.lower() in ("http", "https", "") else parts.scheme.lower()
    host = _site_host((parts.hostname or "").lower())
    port = parts.port  # ValueError for a port that is not a number in range
    netloc = host if port in (None, 80, 443) else f"{host}:{port}"
    path = parts.path if parts.path.startswith("/") else "/" + parts.path
    path = _UNSAFE.sub(lambda m: quote(m.group()), path)  # no address holds a space or a control character
    path = _AMP_PATH.sub("", path) or "/"
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1:
        path = path.rstrip("/")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(query)), ""))


def _site_host(host: str) -> str:
    """A host without its www. and its mobile edition's m. (as often as they are stacked)."""
    while True:
        if host.startswith("www."):
            host = host[4:]
        elif host.startswith("m.") and "." in host[2:]:  # the mobile edition, not a domain called m.kz
            host = host[2:]
        else:
            return host


def looks_like_article(url: str, host: str) -> bool:
    """A guess for unknown sites: same host, a deep or numbered path, not a tag/category/page."""
    parts = urlsplit(url)
    if (parts.hostname or "").removeprefix("www.") != host.removeprefix("www."):
        return False
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if _NOT_ARTICLE.search(parts.path) or path in ("", "/") or _DATE_ONLY.match(parts.path):
        return False
    segments = [s for s in parts.path.split("/") if s]
    if not segments or not _ARTICLE_HINT.search(path):
        return False
    return len(segments) >= 2 or len(segments[-1]) > 20
