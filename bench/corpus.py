"""Generated Russian news text for the benchmarks: deterministic, shaped like real pages.

A vocabulary of inflected Russian words (news lemmas with their case/number/verb forms, function
words, and a long tail of rarer made-up lemmas, as names and new words are to the dictionary)
drawn with Zipf frequencies; sentences with capitals and punctuation; 1–5 tags an article from
a Zipf-distributed tag list; 20 sites; three years of dates. Body length and the share of
function words are set from real pages (FUNCTION_SHARE, PARAGRAPH_WORDS, PARAGRAPHS).
`Generator().article(number)` is the same article on every run and every machine.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import numpy as np

SEED = 20261126

# --- vocabulary ---

PARADIGMS = {
    "ия": ["ия", "ии", "ию", "ией", "ий", "иям", "иями", "иях"],
    "а": ["а", "ы", "е", "у", "ой", "ам", "ами", "ах", ""],
    "м": ["", "а", "у", "ом", "е", "ы", "ов", "ам", "ами", "ах"],
    "о": ["о", "а", "у", "ом", "е", "ам", "ами", "ах"],
    "ь": ["ь", "и", "ью", "ей", "ям", "ями", "ях"],
    "adj": ["ый", "ая", "ое", "ые", "ого", "ой", "ому", "ым", "ых", "ую", "ыми"],
    "adj2": ["ий", "ая", "ое", "ие", "ого", "ой", "ому", "им", "их", "ую", "ими"],
    "v1": ["ать", "ает", "ают", "ал", "ала", "али", "ало", "аем"],
    "v2": ["ить", "ит", "ят", "ил", "ила", "или", "ило", "им"],
}
LEMMAS = """
пенс:ия компан:ия стат:ия полиц:ия комисс:ия территор:ия информац:ия ситуац:ия организац:ия
программ:а выплат:а систем:а работ:а страна:м област:ь власт:ь помощ:ь школ:а больниц:а дорог:а
семь:ия цен:а вод:а земл:ия неделя:м служб:а сфер:а реформ:а проверк:а авар:ия
город:м район:м акимат:м закон:м проект:м вопрос:м рынок:м бюджет:м суд:м жител:м
министр:м депутат:м президент:м рост:м процент:м год:м тенге:м объект:м центр:м
случа:м пожар:м водител:м студент:м врач:м учител:м бизнес:м кредит:м налог:м
ремонт:м транспорт:м автобус:м аэропорт:м сотрудник:м специалист:м
решени:о строительств:о министерств:о правительств:о предприяти:о здани:о
населени:о образовани:о здравоохранени:о заседани:о соглашени:о
нов:adj государствен:adj област:adj городск:adj2 социальн:adj экономическ:adj2 национальн:adj
сельск:adj2 нефтян:adj международн:adj дорожн:adj медицинск:adj2 летн:adj2 зимн:adj2
сообщ:v1 получ:v2 заяв:v2 рассказ:v1 отмеч:v1 провер:v2 повыш:v1 снижа:v1 выпуска:v1 реш:v2
объяв:v2 установ:v2 постро:v2 задерж:v1 открыва:v1 обсужд:v1 утверд:v2 выдел:v2
""".split()
FUNCTION_WORDS = ("в и на с по что не о за из к для от как это по также а но до при после более "
                  "уже его их который которые этом году года тысяч млн млрд так же всех").split()
PLACES = ("Усть-Каменогорск Семей Алматы Астана Шымкент Караганда Павлодар Актобе Атырау Риддер "
          "Зыряновск Алтай Кокшетау Костанай Тараз Уральск Петропавловск Туркестан Кызылорда Актау").split()
SITES = ["kt.kz", "caravan.kz", "matritca.kz", "tengrinews.kz", "zakon.kz", "nur.kz", "kazinform.kz",
         "ustinka.kz", "yk-news.kz", "vesti.kz", "time.kz", "sputnik.kz", "inform.kz", "vecher.kz",
         "rudnyi.kz", "kursiv.media", "ekonomist.kz", "khabar.kz", "el.kz", "24.kz"]
TAG_WORDS = ("Пенсия Экономика Происшествия ДТП Пожар Образование Здравоохранение Погода Спорт Культура "
             "Налоги Бюджет Строительство Транспорт Акимат Суд Полиция Выборы Коронавирус Паводок ЖКХ "
             "Тарифы Инфляция Тенге Нефть Экология Дороги Школа Выплаты Соцподдержка").split()
#: Story regions are given (the gazetteer in normalise_article is not what is measured here).
REGIONS = ["national"] * 6 + ["ВКО", "Абайская область", "Алматы", "Астана", "Карагандинская область"]
SYLLABLES = [c + v for c in "бвгдзклмнпрстфхцчшщ" for v in "аеиоуя"]

ZIPF_S = 1.07
#: Share of the generated vocabulary's rarer lemmas taken from the dictionary (the rest made up).
DICTIONARY_SHARE = 0.8
#: Share of function words among generated words, and words per body paragraph and paragraphs
#: per body: set so that the text's profile (text_profile) matches the Russian eval pages'
#: (../shared/eval/ru: 2,978 characters and 419 words a body, 29% of them STOP_WORDS); the seed
#: article is 3,456 characters long.
FUNCTION_SHARE = 0.30
PARAGRAPH_WORDS = (50, 100)
PARAGRAPHS = (3, 9)


def zipf_weights(n: int, s: float = ZIPF_S) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** s
    return np.cumsum(weights / weights.sum())


def dictionary_lemmas(rng: random.Random, count: int) -> list[list[str]]:
    """`count` lemmas of pymorphy3's Russian dictionary, drawn at random, each with its forms."""
    import pymorphy3

    dictionary = pymorphy3.MorphAnalyzer(lang="ru").dictionary
    lemmas = sorted((word, paradigm) for word, (paradigm, form) in dictionary.words.iteritems()
                    if form == 0 and word.isalpha())
    out = []
    for word, paradigm in rng.sample(lemmas, count):
        info = dictionary.build_paradigm_info(paradigm)
        prefix, _, suffix = info[0]
        stem_part = word[len(prefix):len(word) - len(suffix)]
        out.append(list(dict.fromkeys(p + stem_part + s for p, _, s in info)))
    return out


def build_vocabulary(rng: random.Random, tail_lemmas: int = 40_000) -> tuple[list[list[str]], list[str]]:
    """Lemmas by frequency rank, each a list of its word forms; and the news lemmas' forms.

    Function words take the top ranks; the news lemmas are spread geometrically from rank
    40 to rank 20,000 among generated lemmas, so that the words people search for range
    from very common (in ~15% of articles) to rare (a few hundred articles per million).
    Of the other lemmas, DICTIONARY_SHARE are words of the Russian dictionary with all their
    forms, the rest made up (what names and new words are to the dictionary), in random order.
    """
    kinds = list(PARADIGMS)
    tail = dictionary_lemmas(rng, int(tail_lemmas * DICTIONARY_SHARE))
    seen = {forms[0] for forms in tail}
    while len(tail) < tail_lemmas:
        stem_part = "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        stem_part = stem_part[:-1] if rng.random() < 0.5 else stem_part
        if stem_part not in seen:
            seen.add(stem_part)
            tail.append([stem_part + ending for ending in PARADIGMS[rng.choice(kinds)]])
    rng.shuffle(tail)
    news = []
    for entry in LEMMAS:
        stem_part, paradigm = entry.split(":")
        news.append([stem_part + ending for ending in PARADIGMS[paradigm]])
    news.insert(len(news) // 3, list(PLACES))
    rng.shuffle(news)
    lemmas = [[w] for w in FUNCTION_WORDS] + tail
    low, high = 40, 20_000
    for i, forms in enumerate(news):
        rank = int(low * (high / low) ** (i / max(1, len(news) - 1)))
        lemmas.insert(rank, forms)
    return lemmas, [form for forms in news for form in forms if form not in PLACES]


def build_tags(rng: random.Random, count: int = 3_000) -> list[str]:
    tags = ["Пенсия 2026", "ВКО", "Абайская область"] + TAG_WORDS + PLACES
    while len(tags) < count:
        tags.append(f"{rng.choice(TAG_WORDS)} {rng.choice(PLACES + [str(y) for y in range(2015, 2027)])}"
                    if rng.random() < 0.5 else f"{rng.choice(TAG_WORDS)}-{len(tags)}")
    return list(dict.fromkeys(tags))


class Generator:
    """Deterministic article generator; `batch(start, n)` gives article dicts."""

    def __init__(self, seed: int = SEED):
        rng = random.Random(seed)
        self.lemmas, self.news_forms = build_vocabulary(rng)
        self.lemma_cdf = zipf_weights(len(self.lemmas))
        self.tags = build_tags(rng)
        self.tag_cdf = zipf_weights(len(self.tags), 0.9)
        self.site_cdf = zipf_weights(len(SITES), 0.8)
        # Three whole years (UTC): the newest year's table of the word index is full, the
        # worst case for a search (newsarchive.store.wordindex keeps a table per year).
        self.start = datetime(2023, 1, 1, tzinfo=timezone.utc)
        self.span_minutes = 3 * 365 * 24 * 60
        self._flatten()

    def _flatten(self) -> None:
        """One distribution over the content words' forms: a lemma's Zipf weight times its
        form's share, form k of n drawn as int(r² n) (the first forms, nominative, more
        frequent); and one (Zipf) over the function words."""
        lemma_p = np.diff(np.concatenate(([0.0], self.lemma_cdf)))
        forms, probabilities = [], []
        function_words = set(FUNCTION_WORDS)
        for p, lemma_forms in zip(lemma_p.tolist(), self.lemmas):
            if lemma_forms[0] in function_words:  # drawn on their own, FUNCTION_SHARE of the words
                continue
            n = len(lemma_forms)
            for k, form in enumerate(lemma_forms):
                forms.append(form)
                probabilities.append(p * (((k + 1) / n) ** 0.5 - (k / n) ** 0.5))
        self.forms = np.array(forms, dtype=object)
        self.form_cdf = np.cumsum(probabilities)
        self.form_cdf /= self.form_cdf[-1]
        self.function_words = np.array(list(dict.fromkeys(FUNCTION_WORDS)), dtype=object)
        self.function_cdf = zipf_weights(len(self.function_words))

    def words(self, rng: np.random.Generator, n: int) -> list[str]:
        content = self.forms[np.minimum(np.searchsorted(self.form_cdf, rng.random(n)), len(self.forms) - 1)]
        function = self.function_words[np.minimum(np.searchsorted(self.function_cdf, rng.random(n)),
                                                  len(self.function_words) - 1)]
        return np.where(rng.random(n) < FUNCTION_SHARE, function, content).tolist()

    def text(self, rng: np.random.Generator, n_words: int) -> str:
        tokens = self.words(rng, n_words)
        sentences, i = [], 0
        while i < len(tokens):
            length = int(rng.integers(7, 18))
            sentence = tokens[i:i + length]
            if len(sentence) > 5 and rng.random() < 0.5:
                sentence[len(sentence) // 2] += ","
            sentences.append(sentence[0].capitalize() + (" " + " ".join(sentence[1:]) if len(sentence) > 1 else "") + ".")
            i += length
        return " ".join(sentences)

    def article(self, rng: np.random.Generator, number: int) -> dict:
        site = SITES[int(np.searchsorted(self.site_cdf, rng.random()))]
        published = self.start + timedelta(minutes=int(rng.integers(0, self.span_minutes)))
        n_tags = int(rng.integers(1, 6))
        tag_picks = np.searchsorted(self.tag_cdf, rng.random(n_tags))
        tags = list(dict.fromkeys(self.tags[min(int(t), len(self.tags) - 1)] for t in tag_picks))
        paragraphs = [self.text(rng, int(rng.integers(*PARAGRAPH_WORDS))) for _ in range(int(rng.integers(*PARAGRAPHS)))]
        return {
            "url": f"https://{site}/news/{published:%Y/%m/%d}/{number}.html",
            "site": site,
            "title": self.text(rng, int(rng.integers(6, 12))).rstrip("."),
            "lead": self.text(rng, int(rng.integers(15, 30))),
            "body": "\n\n".join(paragraphs),
            "published_at": published.isoformat(),
            "tags": tags,
            "language": "ru",
            "story_region": REGIONS[int(rng.integers(0, len(REGIONS)))],
            "fetched_at": (published + timedelta(hours=1)).astimezone(timezone.utc).isoformat(),
        }

    def batch(self, start: int, n: int) -> list[dict]:
        rng = np.random.default_rng(SEED + start)
        return [self.article(rng, start + i) for i in range(n)]
