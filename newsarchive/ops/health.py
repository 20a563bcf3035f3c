"""Site health: has a site stopped yielding articles, or changed its template?

Each site's latest site_runs row is compared with its own recent runs: a yield that
dropped to zero, or a field or selector that suddenly misses on many pages, is the sign
that a site changed its markup.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from newsarchive.defaults import SCHEME_CHANGE_MIN_LINKS

#: How many earlier runs a site's latest run is compared with.
RECENT_RUNS = 5
#: A selector or field missing on at least this share of pages is suspect…
MISS_SHARE = 0.5
#: …when its recent average was at least this much lower (or, for a core selector, there is no history).
MISS_RISE = 0.3
#: Selectors every article page must match; optional ones (tags, images, author…) miss on some pages.
CORE_SELECTORS = ("title", "body")
#: Article links taken by the generic check in one run (the entry's patterns matched none on their
#: page) from which a site is flagged as having changed its URL scheme.
SCHEME_CHANGE_LINKS = SCHEME_CHANGE_MIN_LINKS


@dataclass
class SiteHealth:
    site: str
    last_run: str | None = None
    pages: int = 0
    stored: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.warnings


def _runs(db, site: str) -> list[dict]:
    return list(db.query(
        "SELECT * FROM site_runs WHERE site = ? ORDER BY run_id DESC LIMIT ?", [site, RECENT_RUNS + 1]
    ))


def _share_warnings(kind: str, latest: dict[str, float], history: list[dict[str, float]],
                    *, without_history: tuple[str, ...] = ()) -> list[str]:
    warnings = []
    for name, share in sorted(latest.items()):
        if share < MISS_SHARE:
            continue
        earlier = [h.get(name, 0.0) for h in history]
        average = sum(earlier) / len(earlier) if earlier else None
        if (average is None and name in without_history) or (average is not None and share - average >= MISS_RISE):
            was = f" (was {average:.0%})" if average is not None else ""
            warnings.append(f"{kind} '{name}' missing on {share:.0%} of pages{was}: template changed?")
    return warnings


def site_health(db, site: str) -> SiteHealth:
    """The health of one site (by domain) from its latest run against its recent runs."""
    runs = _runs(db, site)
    if not runs:
        return SiteHealth(site)
    latest, earlier = runs[0], runs[1:]
    stored = latest["new"] + latest["updated"] + latest["unchanged"] + latest["duplicates"]
    health = SiteHealth(site, latest["ended_at"], latest["pages"], stored)
    if latest["pages"] and not stored:
        health.warnings.append(f"no article stored from {latest['pages']} article pages (all rejected)")
    unreached = latest["discovered"] - latest["skipped_known"] - latest["skipped_rejected"] - latest["pages"]
    if unreached > 0 and not latest["pages"]:
        health.warnings.append(f"{unreached} new article links found but no article page could be downloaded "
                               "(blocked, moved or down?)")
    generic = latest.get("generic_links") or 0
    if generic >= SCHEME_CHANGE_LINKS:
        health.warnings.append(
            f"URL scheme changed? {generic} article links on its listing pages or feeds matched none of the "
            f"entry's article patterns and were taken by the generic check; add their shape to "
            f"`article_patterns` in the site's entry ({_entry_file(site)})")
    if not latest["discovered"] and any(run["discovered"] for run in earlier):
        before = max(run["discovered"] for run in earlier)
        health.warnings.append(f"discovery found no article links (found {before} before)")
    if latest["pages"]:
        usable = [run for run in earlier if run["pages"]]
        health.warnings += _share_warnings(
            "selector", json.loads(latest["missed_selectors"]), [json.loads(r["missed_selectors"]) for r in usable],
            without_history=CORE_SELECTORS,  # a title or body selector that misses is wrong from day one
        )
        health.warnings += _share_warnings(
            "field", json.loads(latest["missing_fields"]), [json.loads(r["missing_fields"]) for r in usable]
        )
    return health


def _entry_file(domain: str) -> str:
    from newsarchive.sites import site_for_url

    site = site_for_url(f"https://{domain}/")
    return f"{site.name}.toml" if site else "its TOML file"


def health(db, sites: list[str] | None = None) -> list[SiteHealth]:
    """Health of the given sites (domains), or of every site that has crawl runs."""
    if not sites:
        sites = [row["site"] for row in db.query("SELECT DISTINCT site FROM site_runs ORDER BY site")]
    return [site_health(db, site) for site in sites]
