"""Properties of the functions every site and every user reaches first, over inputs no one chose:
URL canonicalisation, date parsing and query building never raise an error they do not promise,
and what they return stays in bounds."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsarchive import clock, defaults
from newsarchive.crawl import discovery
from newsarchive.extract.dates import parse_date
from newsarchive.safetext import clean, for_json, for_spreadsheet, for_terminal
from newsarchive.search import QueryError, search, tags, trend
from newsarchive.search.dates import parse_bound
from newsarchive.search.querylang import compile_fts, parse
from newsarchive.store.importer import import_articles
from newsarchive.store.schema import open_db
from newsarchive.urls import canonicalize_url

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text a site or a person may send: any character, and the pieces URLs, dates and queries are made of.
PIECES = st.sampled_from([
    "https://", "http://", "www.", "m.", "kt.kz", "/", "//", "?", "&", "=", "#", "%", "%zz", "%D0%BF", ":", "[", "]",
    "::1", "@", "amp", "/amp", ".amp.html", "utm_source=x", "99999", ":0", ":65536", "-", "+", "T", "Z", "+05:00",
    "+25:00", "-23:59", "9999", "0001", "2026", "12", "31", "13", "00:00", "24:60", "ноября", "вчера", "сегодня",
    " ", "\t", "\n", "\x00", "\x1b", "\u202e", "\ud800", "\"", "'", "(", ")", "*", "^", "NEAR", "OR", "AND", "NOT",
    "tag:", "site:", "region:", "lang:", "пенсия", "ёлка", "{", "}", "\\",
])
TEXT = st.one_of(st.text(max_size=80), st.lists(PIECES, max_size=14).map("".join),
                 st.lists(st.one_of(PIECES, st.text(max_size=4)), max_size=10).map("".join))
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


@FAST
@given(TEXT)
def test_canonical_urls_are_a_fixed_point_or_a_value_error(url):
    try:
        canonical = canonicalize_url(url)
    except ValueError:
        return
    assert isinstance(canonical, str) and "#" not in canonical
    if url.strip().lower().startswith(("http://", "https://")) and "://" in canonical:
        assert canonical.startswith("https://")
    assert len(canonical) <= 12 * len(url) + 16  # a character percent-encoded: 4 bytes, 12 characters
    assert canonicalize_url(canonical) == canonical, "canonical twice is canonical once"


@FAST
@given(TEXT, st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)))
def test_page_dates_are_none_or_a_time_a_news_page_can_have(text, fetched_at):
    value = parse_date(text, fetched_at)
    if value is None:
        return
    assert value.tzinfo is not None
    assert value.year >= defaults.EARLIEST_YEAR
    assert value <= fetched_at + timedelta(minutes=defaults.DATE_FUTURE_SLACK_MINUTES)
    assert value.astimezone(timezone.utc)  # placeable in UTC, so storable and sortable


@FAST
@given(TEXT)
def test_feed_and_sitemap_dates_are_none_or_placeable_in_utc(text):
    value = discovery._parse_date(text)
    if value is not None:
        assert value.tzinfo is not None and value.astimezone(timezone.utc)
    assert discovery.is_recent(value, 30, NOW) in (True, False)


@FAST
@given(TEXT)
def test_stored_times_and_search_bounds_never_raise_but_query_errors(text):
    assert clock.to_utc_iso(text) is None or clock.to_utc_iso(text).endswith("+00:00")
    for end in (False, True):
        try:
            bound = parse_bound(text, end=end)
        except QueryError as error:
            assert str(error)
            continue
        assert bound is None or datetime.fromisoformat(bound).tzinfo is not None


@FAST
@given(TEXT)
def test_queries_parse_to_quoted_fts_or_a_query_error(text):
    try:
        query = parse(text)
    except QueryError as error:
        assert str(error) and len(str(error)) < 400
        return
    fts = compile_fts(query)
    if fts is not None:
        # Every token is a quoted string (a prefix star after it) between operators, brackets and
        # FTS5's phrase joiner +.
        bare = re.sub(r'"(?:[^"]|"")*"\s*\*?', "", fts)
        assert set(re.sub(r"\b(?:AND|OR|NOT)\b", "", bare)) <= set(" ()+"), fts


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    db = open_db(tmp_path_factory.mktemp("properties") / "news.db")
    body = "Жители области обсудили перерасчёт пенсий и новые выплаты ветеранам в этом году."
    import_articles(db, [
        '{"url": "https://kt.kz/rus/a_%d.html", "title": "Пенсия %d", "body": "%s\\n\\n%s %d", '
        '"tags": ["Пенсия 2026", "ёлка"], "published_at": "2026-01-1%dT09:00:00+05:00"}' % (n, n, body, body, n, n)
        for n in range(1, 6)])
    yield db
    db.close()


@FAST
@given(TEXT, st.lists(TEXT, max_size=2), st.sampled_from(["auto", "relevance", "newest", "oldest"]),
       st.integers(min_value=-5, max_value=2 ** 70), st.integers(min_value=-5, max_value=2 ** 70))
def test_searches_answer_or_say_why_never_a_database_error(archive, text, tag_list, sort, limit, offset):
    try:
        rows = search(archive, text, tags=tag_list, sort=sort, limit=limit, offset=offset)
    except QueryError as error:
        assert str(error)
    else:
        assert len(rows) <= min(limit, defaults.MAX_SEARCH_LIMIT)
    for call in (lambda: tags(archive, like=text), lambda: trend(archive, text, by="month")):
        try:
            call()
        except QueryError as error:
            assert str(error)


@FAST
@given(st.text(max_size=200))
def test_safe_text_leaves_nothing_a_terminal_obeys(text):
    unsafe = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    assert not unsafe.search(clean(text) or "")
    assert not unsafe.search(for_terminal(text).replace("\n", "").replace("\t", ""))
    assert not str(for_spreadsheet(text)).startswith(("=", "+", "-", "@"))
    import json
    assert json.loads(for_json(json.dumps(text, ensure_ascii=False))) == text
