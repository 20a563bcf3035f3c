"""Raw WordPress shortcodes that a theme leaks into the text are not the story's paragraphs."""

from datetime import datetime

from newsarchive.clock import LOCAL
from newsarchive.extract import extract

STORY = ["В Шымкенте открыли новый пешеходный мост через реку Кошкар-ата возле центрального парка.",
         "Мост длиной восемьдесят метров соединил два микрорайона, раньше жители ходили в обход через трассу."]


def body_of(paragraphs: list[str]) -> str:
    html = ("<html><head><meta charset='utf-8'><title>Мост</title></head><body><h1>Мост через Кошкар-ата</h1>"
            "<div class='entry-content'>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</div></body></html>")
    return extract(html.encode(), "https://otyrar.example/2026/11/most/",
                   fetched_at=datetime(2026, 12, 1, tzinfo=LOCAL))["body"]


def test_shortcode_paragraphs_are_dropped():
    leaked = [STORY[0], "[youtube]https://www.youtube.com/watch?v=abc123[/youtube]", "[divider]", STORY[1],
              '[gallery ids="12,13"]']
    assert body_of(leaked) == "\n\n".join(STORY)


def test_brackets_in_a_sentence_stay():
    text = [STORY[0], "Цена проезда [по данным акимата] не изменится, сообщили в отделе транспорта города.", STORY[1]]
    assert body_of(text) == "\n\n".join(text)
