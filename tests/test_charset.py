"""Bytes to text: Cyrillic code pages with missing or wrong declarations, and BOMs."""

import codecs

import pytest

from newsarchive.extract import decode_html, extract

TEXT = "Жители Усть-Каменогорска получат новые школы и больницы, сообщили в акимате области."


def page(charset_meta: str = "") -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<html><head>{meta}<title>Новости</title></head><body><p>{TEXT}</p></body></html>"


def test_windows_1251_without_any_declaration():
    assert TEXT in decode_html(page().encode("windows-1251"))


def test_windows_1251_declared_in_meta_only():
    assert TEXT in decode_html(page("windows-1251").encode("windows-1251"))


def test_koi8_r_without_declaration():
    assert TEXT in decode_html(page().encode("koi8-r"))


def test_koi8_r_declared_as_windows_1251():
    assert TEXT in decode_html(page("windows-1251").encode("koi8-r"))


def test_windows_1251_declared_as_utf8_in_meta_and_header():
    data = page("utf-8").encode("windows-1251")
    assert TEXT in decode_html(data, http_encoding="utf-8")


def test_utf8_declared_as_windows_1251():
    data = page("windows-1251").encode("utf-8")
    assert TEXT in decode_html(data, http_encoding="windows-1251")


@pytest.mark.parametrize(
    "bom, encoding",
    [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
)
def test_byte_order_marks(bom, encoding):
    text = decode_html(bom + page().encode(encoding))
    assert TEXT in text and not text.startswith("\ufeff")


def test_http_header_koi8_r():
    assert TEXT in decode_html(page().encode("koi8-r"), http_encoding="koi8-r")


def test_extract_reads_windows_1251_page_with_no_charset_header():
    html = (
        "<html><head><title>Новая школа</title></head><body><h1>Новая школа</h1>"
        f"<div class='text'><p>{TEXT}</p><p>{TEXT}</p></div></body></html>"
    ).encode("windows-1251")
    article = extract(html, "https://example.kz/news/1.html")
    assert article["title"] == "Новая школа"
    assert TEXT in article["body"]


@pytest.mark.parametrize("damage", [b"\xff", b"\xd0"])  # a stray byte; half of a cut two-byte letter
def test_utf8_page_with_one_broken_byte_stays_utf8(damage):
    data = page("utf-8").encode("utf-8")
    broken = data.replace(b"</p>", damage + b"</p>", 1)
    decoded = decode_html(broken, "utf-8")
    assert TEXT in decoded and decoded.count("\ufffd") == 1
