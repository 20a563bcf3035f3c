"""The article: the one shape that flows from extraction to storage."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

#: Fields an extractor fills in; `extract` returns a dict with exactly these keys.
EXTRACTED_FIELDS = (
    "url",
    "canonical_url",
    "title",
    "lead",
    "body",
    "published_at",
    "modified_at",
    "author",
    "section",
    "tags",
    "images",
    "credited_source",
    "credited_via",
    "language",
)


@dataclass(repr=False)
class Article:
    """One news article as archived.

    Dates are ISO 8601 strings with an offset; `images` holds {"url", "caption"} dicts;
    `raw_html` is the page as fetched (bytes) and is stored compressed, apart from the article.
    """

    url: str
    title: str | None = None
    lead: str | None = None
    body: str | None = None
    published_at: str | None = None
    modified_at: str | None = None
    author: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    credited_source: str | None = None
    credited_via: str | None = None
    language: str | None = None
    canonical_url: str | None = None
    site: str | None = None
    region: str | None = None
    story_region: str | None = None
    fetched_at: str | None = None
    content_hash: str | None = None
    raw_html: bytes | None = field(default=None, repr=False)
    http_encoding: str | None = field(default=None, repr=False)

    def __repr__(self) -> str:  # log lines name the article, never print its text
        return f"<Article {self.url!r:.300} {self.title!r:.120}>"

    def to_dict(self, *, with_raw: bool = False) -> dict:
        data = asdict(self)
        if not with_raw:
            data.pop("raw_html")
            data.pop("http_encoding")
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Article":
        """Build from a dict such as `extract` prints; unknown keys are ignored.

        Raises TypeError naming the field when a value has the wrong type (a string where a list
        of tags belongs, a number for a URL): input from files is checked, never trusted.
        """
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for name, value in values.items():
            if value is None or name in ("raw_html",):
                continue
            if name == "tags":
                if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
                    raise TypeError(f"tags must be a list of strings, got {value!r:.80}")
            elif name == "images":
                if not isinstance(value, list) or not all(isinstance(i, dict) and isinstance(i.get("url"), str)
                                                          for i in value):
                    raise TypeError(f"images must be a list of {{url, caption}} objects, got {value!r:.80}")
            elif not isinstance(value, str):
                raise TypeError(f"{name} must be a string, got {value!r:.80}")
        if values.get("raw_html") is not None and not isinstance(values["raw_html"], bytes):
            raise TypeError("raw_html must be bytes")
        return cls(**values)
