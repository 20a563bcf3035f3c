"""The site list with each site's discovery methods and health, for `newsarchive sites`."""

from __future__ import annotations

from newsarchive.ops.health import site_health
from newsarchive.sites import load_sites
from newsarchive.store.schema import open_reader


def sites(db_path: str | None = None) -> list[dict]:
    """One row per site entry (kind: "full" or "light", see newsarchive.sites.KINDS); health comes
    from the archive at `db_path` when given (read only; newsarchive.store.schema.ArchiveError when
    it is no archive)."""
    db = open_reader(db_path) if db_path else None
    rows = []
    for site in load_sites().values():
        report = site_health(db, site.domain) if db else None
        if report is None or report.last_run is None:
            state = "never crawled"
        else:
            state = "ok" if report.ok else "FLAGGED: " + "; ".join(report.warnings)
        rows.append({
            "name": site.name,
            "domain": site.domain,
            "kind": site.kind,
            "region": site.region,
            "languages": list(site.languages),
            "discovery": ", ".join(site.discovery.methods) or "none",
            "health": state,
        })
    if db:
        db.close()
    return rows
