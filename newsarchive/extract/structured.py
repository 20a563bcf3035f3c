"""What a page states about itself: JSON-LD, microdata, OpenGraph and other <meta>, <time>, tag links."""

from __future__ import annotations

import json
import re
from urllib.parse import urljoin, urlsplit

from newsarchive.defaults import MAX_TAG_CHARS

from .tree import text_of

ARTICLE_TYPES = {
    "article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
    "backgroundnewsarticle", "reviewnewsarticle", "blogposting", "liveblogposting", "socialmediaposting",
    "report", "techarticle", "scholarlyarticle", "posting",
}

# <meta> names and properties, most trusted first.
META_PUBLISHED = (
    "article:published_time", "og:article:published_time", "article:published", "datepublished",
    "publishdate", "publish-date", "published_time", "pubdate", "date", "dc.date", "dc.date.issued",
    "dcterms.created", "sailthru.date", "parsely-pub-date", "mediator_published_time", "og:published_time",
    "article.published", "date_published", "citation_publication_date", "created",
)
META_MODIFIED = (
    "article:modified_time", "og:updated_time", "article:modified", "datemodified", "last-modified",
    "dcterms.modified", "modified", "lastmod",
)
META_AUTHOR = ("author", "article:author", "dc.creator", "sailthru.author", "parsely-author", "byl", "twitter:creator")
META_SECTION = ("article:section", "section", "parsely-section", "og:article:section")
META_TAGS = ("article:tag", "og:article:tag", "news_keywords", "parsely-tags")

_TAG_HREF = re.compile(r"/(?:tags?|archive_tags|tegi|teg|keyword|keywords|tema|temy|theme|topics?)(?:/|=|\?)", re.I)


#: Nesting of JSON-LD values read at most (a name in an author in a list…); deeper is no field.
MAX_VALUE_DEPTH = 8
#: JSON-LD scripts read per page at most, and items of one list.
MAX_SCRIPTS = 50
MAX_ITEMS = 200


def _jsonld_objects(tree) -> list[dict]:
    """The JSON-LD objects of a page; a script that cannot be read (broken, nested deeper than
    Python reads) is left out, the others are read."""
    objects: list[dict] = []
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')[:MAX_SCRIPTS]:
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw, strict=False)
        except RecursionError:
            continue
        except ValueError:
            try:
                data = json.loads(re.sub(r"[\x00-\x1f]", " ", raw.rstrip(";")), strict=False)
            except (ValueError, RecursionError):
                continue
        _collect(data, objects, 0)
    return objects


def _collect(data, out: list[dict], depth: int) -> None:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data[:MAX_ITEMS]:
            _collect(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in data:
                _collect(data[key], out, depth + 1)


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type") or ()
    if isinstance(kind, str):
        kind = (kind,)
    return {str(k).lower() for k in kind}


def _first_text(value, depth: int = 0) -> str | None:
    """A string out of a JSON-LD value that may be a string, a list or an object with a name."""
    if depth > MAX_VALUE_DEPTH:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        return _first_text(value.get("name") or value.get("@value") or value.get("headline"), depth + 1)
    if isinstance(value, list):
        for item in value[:MAX_ITEMS]:
            text = _first_text(item, depth + 1)
            if text:
                return text
    return None


def _names(value, depth: int = 0) -> list[str]:
    if isinstance(value, list):
        return [n for item in value[:MAX_ITEMS] for n in _names(item, depth + 1)] if depth <= MAX_VALUE_DEPTH else []
    text = _first_text(value, depth)
    return [text] if text else []


def _image_urls(value, depth: int = 0) -> list[str]:
    if depth > MAX_VALUE_DEPTH:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _image_urls(value.get("url") or value.get("contentUrl") or [], depth + 1)
    if isinstance(value, list):
        return [u for item in value[:MAX_ITEMS] for u in _image_urls(item, depth + 1)]
    return []


def _split_keywords(value, depth: int = 0) -> list[str]:
    if isinstance(value, list) and depth <= MAX_VALUE_DEPTH:
        return [k for item in value[:MAX_ITEMS] for k in _split_keywords(item, depth + 1)]
    if isinstance(value, str):
        return [k.strip() for k in re.split(r"[,;]", value) if k.strip()]
    return []


def meta_map(tree) -> dict[str, list[str]]:
    """Every <meta> name/property/itemprop (lower-cased) with its contents, in page order."""
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = meta.get("content")
        if content is None or not content.strip():
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = meta.get(attr)
            if key:
                found.setdefault(key.strip().lower(), []).append(content.strip())
    return found


def _meta_first(meta: dict[str, list[str]], keys) -> list[str]:
    return [v for key in keys for v in meta.get(key, ())]


def _itemprops(tree) -> dict[str, list]:
    """Elements carrying microdata properties, by property name, in page order."""
    found: dict[str, list] = {}
    for el in tree.xpath("//*[@itemprop]"):
        for prop in el.get("itemprop").split():
            found.setdefault(prop, []).append(el)
    return found


def _microdata(itemprops: dict[str, list], prop: str) -> list[str]:
    values = []
    for el in itemprops.get(prop, ()):
        value = el.get("content") or el.get("datetime")
        if value is None and prop in ("author", "publisher"):
            names = el.xpath('.//*[@itemprop="name"]')
            el = names[0] if names else el
            value = el.get("content")
        if value is None:
            value = text_of(el)
        value = re.sub(r"\s+", " ", value or "").strip()
        if value:
            values.append(value)
    return values


_INLINE = frozenset("a span li b strong em i small font label".split())
_NOT_ARTICLE_TAGS = re.compile(
    r"trend|popular|most-?read|sidebar|side-bar|menu|\bnav|header|footer|cloud|widget|related|hot-?tags|top-?tags",
    re.I,
)


def _tag_group_ok(container) -> bool:
    for el in [container, *container.iterancestors()]:
        if el.tag in ("nav", "header", "footer", "aside"):
            return False
        names = (el.get("class") or "") + " " + (el.get("id") or "")
        if names.strip() and _NOT_ARTICLE_TAGS.search(names):
            return False
    return True


def tag_links(tree) -> list[str]:
    """The article's tags: texts of tag-page or rel=tag links, from the first block made of them.

    Blocks where tag links alternate with headlines (trending tags over stories), and tag clouds in
    menus, headers, footers and sidebars, are not the article's tags.
    """
    groups: dict = {}
    for a in tree.iter("a"):
        href = a.get("href") or ""
        rel = (a.get("rel") or "").lower()
        if not ("tag" in rel.split() or _TAG_HREF.search(href)):
            continue
        text = text_of(a).lstrip("#").strip()
        if not text or len(text) > MAX_TAG_CHARS:
            continue
        container = a.getparent()
        while container is not None and container.tag in _INLINE:
            container = container.getparent()
        if container is not None:
            groups.setdefault(container, []).append(text)
    for container, tags in groups.items():
        links = sum(1 for _ in container.iter("a"))
        if len(tags) >= 0.6 * links and _tag_group_ok(container):
            return tags
    return []


def _absolute(base_url: str | None, link, any_scheme: bool = False) -> str | None:
    """`link` made absolute against the page (http(s) only, unless `any_scheme`); None when no
    URL parser reads it."""
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        url = urljoin(base_url or "", link.strip())
        scheme = urlsplit(url).scheme
    except ValueError:
        return None
    return url if any_scheme or scheme in ("http", "https") else None


def structured(tree, base_url: str | None) -> dict:
    """Fields a page states about itself, each a list of candidates, best first."""
    meta = meta_map(tree)
    props = _itemprops(tree)
    objects = _jsonld_objects(tree)
    articles = [o for o in objects if _types(o) & ARTICLE_TYPES]
    pages = [o for o in objects if _types(o) & {"webpage", "itempage"}]
    ld = articles + pages

    def from_ld(*keys):
        return [t for o in ld for k in keys if (t := _first_text(o.get(k)))]

    out: dict[str, list] = {}
    out["title"] = from_ld("headline", "name") + _meta_first(meta, ("og:title", "twitter:title")) + _microdata(props, "headline")
    out["lead"] = (
        from_ld("description") + _meta_first(meta, ("og:description", "description", "twitter:description"))
    )
    out["published"] = from_ld("datePublished", "dateCreated") + _meta_first(meta, META_PUBLISHED)
    out["published"] += _microdata(props, "datePublished")
    out["modified"] = from_ld("dateModified") + _meta_first(meta, META_MODIFIED) + _microdata(props, "dateModified")
    authors = list(dict.fromkeys(n for n in _names((articles[0] if articles else {}).get("author")) if not n.startswith(("http", "@"))))
    authors = [", ".join(authors)] if authors else []
    out["author"] = authors + _meta_first(meta, META_AUTHOR) + _microdata(props, "author")
    out["section"] = from_ld("articleSection") + _meta_first(meta, META_SECTION)
    tags = _meta_first(meta, META_TAGS)
    tags = [t for v in tags for t in _split_keywords(v)]
    tags += [k for o in articles for k in _split_keywords(o.get("keywords"))]
    out["tags"] = tags
    out["keywords"] = [k for v in meta.get("keywords", ()) for k in _split_keywords(v)]
    images = [u for o in articles for u in _image_urls(o.get("image"))]
    images += _meta_first(meta, ("og:image", "og:image:url", "twitter:image"))
    out["images"] = [u for u in (_absolute(base_url, i, any_scheme=True) for i in images) if u]
    out["body"] = from_ld("articleBody") + _microdata(props, "articleBody")[:1]
    canonical = [link.get("href") for link in tree.xpath('//link[@rel="canonical"][@href]')]
    canonical += _meta_first(meta, ("og:url",)) + from_ld("url")
    out["canonical"] = [u for u in (_absolute(base_url, c) for c in canonical) if u]
    out["site_name"] = _meta_first(meta, ("og:site_name", "application-name"))
    return out
