"""One failure vocabulary for the whole crawl: what the site did, what we refused, what we left
for the next run.

Every failure of a crawl has one reason below. The crawl logs it once with its URL
(newsarchive.crawl.failures.FailureLog), counts it per site (`site_runs.errors`, `refused`,
`deferred` and `reasons`, a JSON object {reason: count}), keeps the URL in `failures`, and the
exit code of `newsarchive crawl` follows the kinds:

* SITE — the page failed: the site answered an HTTP error on a page it listed, no answer in time,
  no connection, a broken response, a page that cannot be read at all (or, `store_error`, the
  archive could not take it: a full disk). Exit code 1. Tried again on the next run.
* REFUSED — newsarchive refused what the site sent: a limit (newsarchive.defaults), robots.txt,
  a redirect off the site, to another scheme, in a loop or too long. Exit code 1. A refused page
  is not downloaded again for RETRY_REJECTED_AFTER_DAYS; of a sitemap, feed or article past a
  limit, what fits is kept.
* DEFERRED — the site asked us to come back later (429, 503, a long Retry-After): the next run
  will. Exit code 0.

Validation's reasons (no_title, body_too_short, …, newsarchive.store.validate) and an import's
(invalid_json, not_utf8, line_too_long, store_error: newsarchive.store.importer) are kept in
`failures` too; they say why an article was not stored.
"""

from __future__ import annotations

SITE, REFUSED, DEFERRED = "site", "refused", "deferred"
KINDS = (SITE, REFUSED, DEFERRED)

#: reason → (kind, what the user is told).
REASONS: dict[str, tuple[str, str]] = {
    # What the site did.
    "http_error": (SITE, "the site answered an article page it listed with an HTTP error"),
    "timeout": (SITE, "the site did not answer in time (DOWNLOAD_TIMEOUT)"),
    "unreachable": (SITE, "the site could not be reached (no such host, connection refused)"),
    "broken_response": (SITE, "the response broke off before its end, or was no HTTP"),
    "extraction_error": (SITE, "the page could not be read as a page"),
    "store_error": (SITE, "the archive could not store the page (a full disk, a damaged file)"),
    # What we refused.
    "too_large": (REFUSED, "the response or page was larger than the limit"),
    "too_many_entries": (REFUSED, "a sitemap, feed or page listed more entries than the limit: the first were read"),
    "too_deep": (REFUSED, "sitemap indexes nested deeper than the limit"),
    "robots_forbidden": (REFUSED, "robots.txt forbids the page"),
    "offsite_redirect": (REFUSED, "a redirect to another site"),
    "bad_redirect": (REFUSED, "a redirect to something that is no http(s) address (file:, data:, …)"),
    "redirect_loop": (REFUSED, "redirects that come back to an address already visited"),
    "too_many_redirects": (REFUSED, "more redirects than the limit"),
    "title_too_long": (REFUSED, "the title was cut to the limit"),
    "lead_too_long": (REFUSED, "the lead was cut to the limit"),
    "body_too_long": (REFUSED, "the text was cut to the limit"),
    "field_too_long": (REFUSED, "an author, section or credit was cut to the limit"),
    "too_many_tags": (REFUSED, "tags past the limit were left out"),
    "tag_too_long": (REFUSED, "a tag longer than the limit was left out"),
    "too_many_images": (REFUSED, "images past the limit were left out"),
    # What we left for the next run.
    "rate_limited": (DEFERRED, "HTTP 429: the site asked us to slow down"),
    "unavailable": (DEFERRED, "HTTP 503: the site is busy or down for maintenance"),
}

#: Reasons whose page is tried again on the next run rather than after RETRY_REJECTED_AFTER_DAYS.
RETRY_NEXT_RUN = tuple(reason for reason, (kind, _) in REASONS.items() if kind in (SITE, DEFERRED)
                       and reason not in ("extraction_error", "store_error"))


def kind_of(reason: str) -> str:
    """The kind (SITE, REFUSED, DEFERRED) of a crawl failure reason."""
    try:
        return REASONS[reason][0]
    except KeyError:
        raise ValueError(f"unknown failure reason {reason!r}") from None

