"""Generate the fixture mirrors under tests/mirrors/<site>/ and their manifest.json.

    python tests/mirrors/build.py            # rewrite every mirror
    python tests/mirrors/build.py matritca   # rewrite one

Every page here is written for this project (no real page is copied): per-site templates in
`templates.py` follow what ../shared/SITES.md says of each site's markup (`templates_regions.py`:
../shared/SITES-regions.md, one outlet per region), and the stories in `stories.py` and
`stories_regions.py` are invented regional news. The generated files are committed; tests read them, and
read manifest.json as the ground truth (format documented in tests/mirrors/README.md).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent.parent))

import stories  # noqa: E402
import stories_regions  # noqa: E402,F401  (adds the regional outlets' stories to stories.ARTICLES)
import templates  # noqa: E402
import templates_regions  # noqa: E402

templates.SPECS.update(templates_regions.SPECS)

from newsarchive.ops.mirror import MIRRORS_DIR, query_file  # noqa: E402

#: Fields of each article in manifest.json, in this order.
ARTICLE_FIELDS = (
    "path", "url", "title", "lead", "body", "published_at", "modified_at", "author", "section", "tags",
    "images", "credited_source", "credited_via", "language", "region", "story_region",
    "encoding", "declared_charset", "found_in", "syndicated_from",
)


def write(root: Path, rel: str, content: str | bytes, encoding: str = "utf-8") -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content if isinstance(content, bytes) else content.encode(encoding)
    path.write_bytes(data)


def build_site(name: str) -> dict:
    spec = templates.SPECS[name]
    arts = [a for a in stories.ARTICLES if a["site"] == name]
    root = MIRRORS_DIR / name
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    site = templates.site_entry(name)
    pages = spec.build(site, arts)  # {(path, query): (content, encoding)} + found_in per article
    headers: dict[str, dict] = {}
    rels = {key: query_file(key[0], key[1], index=page.index) for key, page in pages.files.items()}
    dirs = {str(parent) for r in rels.values() for parent in Path(r).parents}
    for (path, query), page in pages.files.items():
        rel = rels[(path, query)]
        if rel in dirs:  # "/novosti" is a listing and "/novosti/x" an article: serve it as a directory
            rel = query_file(path + "/", query, index=page.index)
        write(root, rel, page.content, page.encoding)
        if page.headers:
            headers[path + (f"?{query}" if query else "")] = page.headers
    if headers:
        write(root, "_headers.json", json.dumps(headers, ensure_ascii=False, indent=2) + "\n")
    manifest = {
        "site": name,
        "domain": site.domain,
        "base_url": site.base_url,
        "region": site.region,
        "robots": "/robots.txt",
        "feeds": pages.feeds,
        "sitemaps": pages.sitemaps,
        "listings": pages.listings,
        "other_pages": pages.other,
        "articles": [],
    }
    for a in arts:
        exp = spec.expected(site, a)
        exp["found_in"] = pages.found_in.get(a["path"], [])
        manifest["articles"].append({k: exp.get(k) for k in ARTICLE_FIELDS})
    write(root, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
    return manifest


def main(argv: list[str]) -> None:
    names = argv or sorted(templates.SPECS)
    total = 0
    for name in names:
        m = build_site(name)
        total += len(m["articles"])
        print(f"{name:12} {len(m['articles'])} articles")
    print(f"total {total}")


if __name__ == "__main__":
    main(sys.argv[1:])
