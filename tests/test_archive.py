"""Storage semantics: new, unchanged, updated (old version kept), exact duplicates, stories."""

import json

import pytest
from conftest import indexed_words, word_tables

from newsarchive.model import Article
from newsarchive.search import search
from newsarchive.store.archive import archive_article, is_known_url, store_article
from newsarchive.store.normalise import normalise_article
from newsarchive.store.schema import open_db
from newsarchive.store.stories import refresh

PARAGRAPHS = [
    "С 1 января 2026 года размер базовой пенсионной выплаты в Казахстане увеличится, сообщили в министерстве труда.",
    "По данным ведомства, прибавку получат более двух миллионов пенсионеров, в том числе в Восточно-Казахстанской области.",
    "Минимальная пенсия составит 65 000 тенге, а индексация солидарных пенсий пройдёт с учётом инфляции.",
    "Жителям Усть-Каменогорска напоминают, что обращаться в центр обслуживания населения для перерасчёта не нужно.",
]


def make(url, title="Пенсии вырастут с 1 января", body=None, **fields):
    return normalise_article(Article(url=url, title=title, body=body or "\n\n".join(PARAGRAPHS),
                                     published_at="2026-11-20T10:00:00+05:00", **fields))


@pytest.fixture
def db(tmp_path):
    database = open_db(tmp_path / "news.db")
    yield database
    database.close()


def test_first_store_is_new_and_writes_everything_that_hangs_on_it(db):
    result = store_article(db, make("https://matritca.kz/news/1-pensii.html", tags=["Пенсия 2026"], raw_html=b"<html/>"))
    assert result.status == "new"
    row = db["articles"].get(result.article_id)
    assert json.loads(row["tags"]) == ["Пенсия 2026"]
    assert row["published_utc"] == "2026-11-20T05:00:00+00:00"
    assert [r["tag_norm"] for r in db.query("select tag_norm from article_tags")] == ["пенсия 2026"]
    assert db["pages"].count == 1 and list(indexed_words(db.conn)) == [result.article_id]
    assert row["story_id"] is not None


def test_unchanged_refetch_adds_nothing(db):
    store_article(db, make("https://matritca.kz/news/1-pensii.html"))
    again = store_article(db, make("https://matritca.kz/news/1-pensii.html?utm_source=tg"))
    assert again.status == "unchanged"
    assert db["articles"].count == 1 and db["versions"].count == 0


def test_changed_article_is_updated_and_its_old_version_kept(db):
    first = store_article(db, make("https://matritca.kz/news/1-pensii.html"))
    changed = store_article(db, make("https://matritca.kz/news/1-pensii.html", title="Пенсии вырастут: уточнение"))
    assert changed.status == "updated" and changed.article_id == first.article_id
    assert db["articles"].get(first.article_id)["title"] == "Пенсии вырастут: уточнение"
    (version,) = db.query("select * from versions")
    assert version["title"] == "Пенсии вырастут с 1 января"


def test_same_text_under_another_url_is_a_duplicate_and_that_url_becomes_known(db):
    first = store_article(db, make("https://matritca.kz/news/1-pensii.html"))
    copy = store_article(db, make("https://matritca.kz/print/1.html"))
    assert copy.status == "duplicate" and copy.duplicate_of == first.article_id
    assert db["articles"].count == 1
    assert is_known_url(db, "https://matritca.kz/print/1.html")


def test_syndicated_copy_with_credit_line_joins_the_same_story(db):
    original = store_article(db, make("https://matritca.kz/news/1-pensii.html"))
    copy_body = "\n\n".join(PARAGRAPHS[:3] + [PARAGRAPHS[3] + " Об этом передает Matritca.kz."])
    copy = store_article(db, make("https://caravan.kz/news/pensii-vyrastut-123456", title="Казахстанцам повысят пенсии",
                                  body=copy_body))
    other = store_article(db, make("https://caravan.kz/news/drugoe-1", title="Снег в Риддере",
                                   body=" ".join(["В Риддере выпал первый снег, дороги расчищают круглые сутки."] * 8)))
    assert len({r["story_id"] for r in db.query("select story_id from articles")}) == 3, "each its own until decided"
    refresh(db)  # what a crawl or an import does at the end of its batch
    stories = {r["id"]: r["story_id"] for r in db.query("select id, story_id from articles")}
    assert copy.status == "new"
    assert stories[copy.article_id] == stories[original.article_id]
    assert stories[other.article_id] != stories[original.article_id]


def test_rejected_article_leaves_a_failure_and_no_row(db):
    result = archive_article(db, Article(url="https://matritca.kz/news/2-x.html", title="", body="текст"))
    assert (result.status, result.reason, result.article_id) == ("rejected", "no_title", None)
    assert db["articles"].count == 0
    (failure,) = db.query("select reason, url from failures")
    assert failure == {"reason": "no_title", "url": "https://matritca.kz/news/2-x.html"}


def test_failed_transaction_leaves_nothing_behind(db, monkeypatch):
    import newsarchive.store.archive as archive

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(archive, "assign_story", explode)
    with pytest.raises(RuntimeError):
        store_article(db, make("https://matritca.kz/news/1-pensii.html", tags=["МРП 2026"]))
    for table in ("articles", "article_tags", "article_urls", "pages", "word_terms"):
        assert db[table].count == 0, table
    assert indexed_words(db.conn) == {}


def test_a_canonical_link_to_a_section_does_not_merge_articles(db):
    from newsarchive.sites import get_site

    site = get_site("matritca")
    first = Article(url="https://matritca.kz/news/1-pensii.html", title="Пенсии", body="\n\n".join(PARAGRAPHS),
                    canonical_url="https://matritca.kz/news/")
    second = Article(url="https://matritca.kz/news/2-shkoly.html", title="Школы",
                     body="\n\n".join(reversed(PARAGRAPHS)) + " Другой текст.", canonical_url="https://matritca.kz/news/")
    results = [store_article(db, normalise_article(a, site)) for a in (first, second)]
    assert [r.status for r in results] == ["new", "new"]
    assert db["articles"].count == 2


def test_a_canonical_link_to_the_article_itself_is_kept(db):
    from newsarchive.sites import get_site

    article = normalise_article(Article(url="https://matritca.kz/news/1-pensii.html?from=rss", title="Пенсии",
                                        body="\n\n".join(PARAGRAPHS),
                                        canonical_url="https://www.matritca.kz/news/1-pensii.html"), get_site("matritca"))
    assert article.canonical_url == "https://matritca.kz/news/1-pensii.html"
    broken = normalise_article(Article(url="https://matritca.kz/news/3-x.html", title="x", body="y",
                                       canonical_url="https://matritca.kz:99999/news/3-x.html"), get_site("matritca"))
    assert broken.canonical_url == "https://matritca.kz/news/3-x.html"


def test_unchanged_text_with_a_corrected_byline_is_fixed_in_place_without_a_version(db):
    first = store_article(db, make("https://matritca.kz/news/1-pensii.html", author=None))
    again = store_article(db, make("https://matritca.kz/news/1-pensii.html", author="Ольга Ким",
                                   images=[{"url": "https://matritca.kz/uploads/1.jpg", "caption": "Фото"}]))
    assert again.status == "unchanged"
    row = db["articles"].get(first.article_id)
    assert row["author"] == "Ольга Ким" and json.loads(row["images"])[0]["caption"] == "Фото"
    assert db["versions"].count == 0


def test_bookkeeping_updates_do_not_touch_the_full_text_index(db):
    stored = store_article(db, make("https://matritca.kz/news/1-pensii.html"))

    def fts_writes():
        return sum(db.execute(f"SELECT count(*) FROM {t}_data").fetchone()[0] for t in word_tables(db.conn))

    before = fts_writes()
    for _ in range(20):
        store_article(db, make("https://matritca.kz/news/1-pensii.html"))  # re-seen: last_seen moves
    db.execute("UPDATE articles SET story_id = story_id WHERE id = ?", [stored.article_id])
    assert fts_writes() == before
    assert [r["id"] for r in search(db, "пенсионеров")] == [stored.article_id]


