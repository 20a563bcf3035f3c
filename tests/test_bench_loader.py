"""The search benchmark's loader (bench/loader.py) writes what a search reads exactly as
`newsarchive import` writes it: the same articles, URLs, tags and word index rows; its reindex
builds the word index the product's rebuild builds; its stories decides the stories import decides."""

import json
import sys
from pathlib import Path

import pytest

from newsarchive.store.importer import import_articles
from newsarchive.store.schema import open_db
from newsarchive.store.wordindex import (
    ID_BITS,
    ID_MASK,
    INDEXER,
    PREFIX,
    quarters,
    rebuild,
    stored_indexer,
    table_name,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from corpus import Generator  # noqa: E402
from loader import load, reindex, stories  # noqa: E402

#: What the loader leaves out (stories, raw pages) or sets otherwise (when it was seen).
COMPARED = {
    "articles": "SELECT canonical_url, url, site, title, lead, body, published_at, published_utc, published_day, "
                "modified_at, author, section, tags, images, credited_source, credited_via, language, region, "
                "story_region, fetched_at, content_hash FROM articles ORDER BY canonical_url",
    "article_urls": "SELECT u.url, a.canonical_url, u.kind FROM article_urls u JOIN articles a ON a.id = u.article_id "
                    "ORDER BY u.url",
    "article_tags": "SELECT a.canonical_url, t.tag, t.tag_norm, t.published_utc FROM article_tags t "
                    "JOIN articles a ON a.id = t.article_id ORDER BY 1, 2",
    "word_terms": "SELECT term FROM word_terms ORDER BY term",
}


def _tables(db) -> dict:
    found = {name: db.execute(sql).fetchall() for name, sql in COMPARED.items()}
    ids = dict(db.execute("SELECT id, canonical_url FROM articles").fetchall())
    for quarter in quarters(db.conn):  # a row's key is its day and article id
        rows = db.execute(f"SELECT rowid, title, lead, body, tags FROM {table_name(quarter)}").fetchall()
        found[table_name(quarter)] = sorted((ids[key & ID_MASK], key >> ID_BITS, *rest) for key, *rest in rows)
        db.execute(f"CREATE VIRTUAL TABLE temp.tokens USING fts5vocab(main, {table_name(quarter)}, 'instance')")
        found[table_name(quarter) + " tokens"] = sorted(
            (term, ids[key & ID_MASK], key >> ID_BITS, column, offset)
            for term, key, column, offset in db.execute("SELECT term, doc, col, offset FROM temp.tokens"))
        db.execute("DROP TABLE temp.tokens")
    return found


@pytest.fixture(scope="module")
def generated():
    batch = Generator().batch(0, 40)
    batch[5]["tags"] = [batch[5]["tags"][0].upper(), batch[5]["tags"][0]]  # two spellings of one tag
    batch[7]["url"] = batch[7]["url"] + "?utm_source=feed"  # a fetched URL that is not the canonical one
    return batch


@pytest.mark.parametrize("processes", [1, 2])
def test_loader_writes_what_import_writes(tmp_path, generated, processes):
    imported = open_db(tmp_path / "imported.db")
    counts = import_articles(imported, [json.dumps(a, ensure_ascii=False) for a in generated])
    assert counts == {"new": len(generated)}
    loaded = open_db(tmp_path / "loaded.db")
    assert load(loaded, generated, processes=processes) == len(generated)
    expected, got = _tables(imported), _tables(loaded)
    assert len(expected["articles"]) == len(generated) and any(name.startswith(PREFIX) for name in expected)
    assert got == expected


def test_reindex_builds_what_rebuild_builds(tmp_path, generated):
    loaded = open_db(tmp_path / "loaded.db")
    load(loaded, generated, processes=1)
    rebuilt = _tables(loaded)
    assert sum(len(rows) for name, rows in rebuilt.items() if name.endswith(" tokens")) > 1000
    loaded.execute("UPDATE archive_meta SET value = 'another' WHERE name = 'indexer'")
    for quarter in quarters(loaded.conn):  # an index of another form, as an older newsarchive left it
        loaded.execute(f"INSERT INTO {table_name(quarter)} ({table_name(quarter)}) VALUES ('delete-all')")
    assert reindex(loaded, tmp_path / "loaded.db", processes=2) == len(generated)
    assert stored_indexer(loaded.conn) == INDEXER
    assert _tables(loaded) == rebuilt
    rebuild(loaded.conn)
    assert _tables(loaded) == rebuilt


STORY_TABLES = {
    "stories": "SELECT o.canonical_url, s.title, s.articles, s.sites, s.first_published, s.last_published, "
               "(SELECT group_concat(canonical_url, ' ') FROM (SELECT canonical_url FROM articles "
               "WHERE story_id = s.id ORDER BY canonical_url)) FROM stories s JOIN articles o ON o.id = s.origin_id "
               "ORDER BY 1",
    "story_profiles": "SELECT a.canonical_url, p.day, p.profile, p.posted FROM story_profiles p "
                      "JOIN articles a ON a.id = p.article_id ORDER BY 1",
    "story_postings": "SELECT p.token, p.day, a.canonical_url FROM story_postings p "
                      "JOIN articles a ON a.id = p.article_id ORDER BY 1, 2, 3",
    "story_links": "SELECT a.canonical_url, b.canonical_url, l.kind, l.score FROM story_links l "
                   "JOIN articles a ON a.id = l.article_id JOIN articles b ON b.id = l.other_id ORDER BY 1, 2",
    "story_df": "SELECT token, documents FROM story_df ORDER BY token",
    "story_documents": "SELECT value FROM archive_meta WHERE name = 'story_documents'",
    "story_pending": "SELECT count(*) FROM story_pending",
    "unassigned": "SELECT count(*) FROM articles WHERE story_id IS NULL",
}


def test_stories_decides_what_import_decides(tmp_path, generated):
    articles = [dict(a) for a in generated]
    for i, source in enumerate(articles[:6]):  # copies on other sites, credited, so that stories have several articles
        articles.append({**source, "url": f"https://ustinka.kz/news/{i}.html", "site": "ustinka.kz",
                         "body": source["body"] + f"\nПередает {source['site'].capitalize()}."})
    imported = open_db(tmp_path / "imported.db")
    import_articles(imported, [json.dumps(a, ensure_ascii=False) for a in articles])
    loaded = open_db(tmp_path / "loaded.db")
    load(loaded, articles, processes=1)
    assert stories(loaded, tmp_path / "loaded.db", processes=2) == len(articles)
    expected = {name: imported.execute(sql).fetchall() for name, sql in STORY_TABLES.items()}
    got = {name: loaded.execute(sql).fetchall() for name, sql in STORY_TABLES.items()}
    assert len(expected["story_links"]) >= 2 * 6 and max(row[2] for row in expected["stories"]) >= 2
    assert expected["unassigned"] == [(0,)] and expected["story_pending"] == [(0,)]
    assert got == expected
    assert stories(loaded, tmp_path / "loaded.db", processes=2) == 0  # every article has its story: nothing to do
