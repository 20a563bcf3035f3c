"""Build the story evaluation set (dev.jsonl, test.jsonl and their labels) from its written source.

Usage: python bench/stories/build.py        (writes bench/stories/{dev,test}.jsonl, labels-{dev,test}.json)
       python bench/stories/build.py --check (builds in memory, checks, and fails when the files on disk differ)

Every text in the set is invented. The source files `src/<set>_*.py` are read in name order and run
with three helpers in scope:

    event(id, note, hard_negative_of=(), kind=None, mentions=())
        starts an event; the articles that follow belong to it until the next event().
        `kind` names the hard-negative kind the event takes part in (see NEGATIVE_KINDS),
        `mentions` the events a recap or round-up touches on without being part of them.
        Hard negatives are made symmetric: naming one side is enough.
    article(key, url=, at=, title=, body=, lead=None, tags=(), kind="rewrite"|"independent",
            credits=None, origin=False)
        an article written out in full. `at` is local time "YYYY-MM-DDTHH:MM" (the offset is
        added: +06:00 before 2024-03-01 except on western sites, +05:00 after) or a full ISO
        string. `credits` is the key of the article whose site it credits in its text, when
        that article is in the set. `origin=True` marks the event's origin.
    copy(key, of=, url=, at=, title=SAME, lead=SAME, tags=SAME, subs=(), drop=(), insert=(),
         lead_into_body=False, credits=None)
        a near-verbatim re-publication of article `of`: its paragraphs with `subs` (pairs of
        old, new; each old must occur exactly once), paragraphs `drop`ped (indices into `of`'s
        paragraphs) and `insert`ed ((index, text): before that paragraph of `of`; an index equal
        to the paragraph count appends).

Labels follow from the source: a copy and what it copies share a copy group (chains of
copies share one), everything else has none; `kind` is origin/copy/rewrite/independent, or
single for a lone article. The checks below keep the set honest: unique URLs, bodies of
600–3500 characters, distinct sites within an event, at most six articles per event, a
credited article's site named in the crediting text, and an origin that is either credited by
another article of its event or the earliest publication of it.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETS = ("dev", "test")
SAME = object()

#: Hard-negative kinds an event may take part in (the `kind` of event()).
NEGATIVE_KINDS = {
    "same-date-other-year": "same kind of event on the same calendar date in another year",
    "quake-same-magnitude": "earthquakes of the same magnitude near Almaty in different years",
    "utility-week": "different utility failures in one city within one week (and their recap)",
    "daily-template": "daily weather / exchange-rate items of one site on consecutive days",
    "same-topic": "same-topic near-misses (pensions, one highway, one city's fires, base rate)",
    "round-up": "generic round-ups and recaps that mention many events briefly",
}

#: Sites in the western time zone (UTC+5 before 2024-03-01, when the rest of the country was UTC+6).
WESTERN = {"lada.kz", "diapazon.kz", "avestnik.kz", "aktobetimes.kz", "azh.kz", "mgorod.kz", "kzvesti.kz"}

#: How a site is named when another site credits it (lower-cased substrings; any one must occur).
CREDIT_NAMES = {
    "tengrinews.kz": ["tengrinews"],
    "kt.kz": ["kazakhstan today", "kt.kz"],
    "matritca.kz": ["matritca"],
    "ustinka.kz": ["устинка", "ustinka"],
    "caravan.kz": ["caravan", "караван"],
    "lada.kz": ["lada.kz"],
    "zakon.kz": ["zakon.kz"],
    "nur.kz": ["nur.kz"],
    "inform.kz": ["казинформ", "kazinform", "inform.kz"],
    "24.kz": ["24.kz", "хабар 24"],
    "ru.sputnik.kz": ["sputnik"],
    "informburo.kz": ["informburo", "информбюро"],
    "365info.kz": ["365info"],
    "time.kz": ["time.kz", "«время»", "\"время\""],
    "pavlodarnews.kz": ["pavlodarnews", "звезда прииртышья"],
    "kstnews.kz": ["kstnews", "костанай ньюс"],
    "el.kz": ["el.kz"],
    "orda.kz": ["orda.kz", "орда"],
    "vlast.kz": ["vlast.kz", "власть"],
    "kaztag.kz": ["kaztag", "казтаг"],
    "arbat.media": ["arbat"],
    "diapazon.kz": ["диапазон", "diapazon"],
    "irstar.kz": ["irstar", "ирстар"],
    "lifepvl.kz": ["lifepvl"],
    "semey.city": ["semey.city", "новости семея"],
    "obvk.kz": ["obvk"],
    "ng.kz": ["наша газета", "ng.kz"],
    "otyrar.kz": ["otyrar", "отырар"],
    "vecher.kz": ["vecher.kz", "вечерний алматы"],
    "almatanews.kz": ["almatanews"],
    "ekaraganda.kz": ["ekaraganda"],
    "inkaraganda.kz": ["inkaraganda"],
    "avestnik.kz": ["актюбинский вестник", "avestnik"],
    "aktobetimes.kz": ["актобе таймс", "aktobetimes"],
    "azh.kz": ["azh.kz", "ак жайык", "ақ жайық"],
    "kzvesti.kz": ["кызылординские вести", "kzvesti"],
    "vechastana.kz": ["вечерняя астана", "vechastana"],
    "kapital.kz": ["kapital"],
    "inbusiness.kz": ["inbusiness"],
    "liter.kz": ["liter"],
    "khabar.kz": ["хабар", "khabar"],
    "mgorod.kz": ["мой город", "mgorod"],
}


class SetBuilder:
    def __init__(self, name: str):
        self.name = name
        self.events: dict[str, dict] = {}
        self.articles: dict[str, dict] = {}  # key -> article record (in source order)
        self.current: str | None = None

    # -- the helpers the source files call ------------------------------------------------------
    def event(self, eid, note, hard_negative_of=(), kind=None, mentions=()):
        if eid in self.events:
            raise ValueError(f"{self.name}: event {eid} defined twice")
        if kind is not None and kind not in NEGATIVE_KINDS:
            raise ValueError(f"{eid}: unknown hard-negative kind {kind!r}")
        self.events[eid] = {"note": note, "hard_negative_of": list(hard_negative_of), "kind": kind,
                            "mentions": list(mentions), "keys": []}
        self.current = eid

    def article(self, key, *, url, at, title, body, lead=None, tags=(), kind="rewrite", credits=None,
                origin=False):
        if kind not in ("rewrite", "independent"):
            raise ValueError(f"{key}: kind must be rewrite or independent, got {kind!r}")
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body.strip()) if p.strip()]
        paragraphs = [re.sub(r"\s*\n\s*", " ", p) for p in paragraphs]
        self._add(key, url=url, at=at, title=title.strip(), lead=lead.strip() if lead else None,
                  tags=list(tags), paragraphs=paragraphs, kind=kind, credits=credits, origin=origin, of=None)

    def copy(self, key, *, of, url, at, title=SAME, lead=SAME, tags=SAME, subs=(), drop=(), insert=(),
             lead_into_body=False, credits=None, origin=False):
        src = self.articles[of]
        paragraphs = list(src["paragraphs"])
        if lead_into_body and src["lead"]:
            paragraphs = [src["lead"]] + paragraphs
            drop = [i + 1 for i in drop]
            insert = [(i + 1, t) for i, t in insert]
        text = "\n\n".join(paragraphs)
        for old, new in subs:
            if text.count(old) != 1:
                raise ValueError(f"{key}: substitution target occurs {text.count(old)} times: {old!r}")
            text = text.replace(old, new)
        paragraphs = text.split("\n\n")
        inserts: dict[int, list[str]] = {}
        for index, extra in insert:
            inserts.setdefault(index, []).append(re.sub(r"\s*\n\s*", " ", extra.strip()))
        out = []
        for i, p in enumerate(paragraphs):
            out.extend(inserts.pop(i, []))
            if i not in drop:
                out.append(p)
        out.extend(inserts.pop(len(paragraphs), []))
        if inserts:
            raise ValueError(f"{key}: insert positions out of range: {sorted(inserts)}")
        self._add(key, url=url, at=at,
                  title=src["title"] if title is SAME else title.strip(),
                  lead=(None if lead_into_body else src["lead"]) if lead is SAME else lead,
                  tags=list(src["tags"]) if tags is SAME else list(tags),
                  paragraphs=out, kind="copy", credits=credits, origin=origin, of=of)

    # -- building ---------------------------------------------------------------------------------
    def _add(self, key, **record):
        if self.current is None:
            raise ValueError(f"{key}: article before any event()")
        if key in self.articles:
            raise ValueError(f"{self.name}: article key {key} used twice")
        record["key"] = key
        record["event"] = self.current
        record["site"] = site_of(record["url"])
        record["published_at"] = with_offset(record.pop("at"), record["site"])
        self.articles[key] = record
        self.events[self.current]["keys"].append(key)

    def finish(self) -> tuple[list[dict], dict]:
        problems = self.check()
        if problems:
            raise SystemExit(f"{self.name}: {len(problems)} problem(s):\n  " + "\n  ".join(problems))
        by_key = self.articles
        url = {k: a["url"] for k, a in by_key.items()}
        # copy groups: the root of a copy chain and every copy in it
        def root(k):
            while by_key[k]["of"] is not None:
                k = by_key[k]["of"]
            return k
        groups: dict[str, str] = {}
        per_event: dict[str, int] = {}
        for k, a in by_key.items():  # source order: a root comes before its copies
            if a["of"] is not None:
                r = root(k)
                if r not in groups:
                    per_event[a["event"]] = per_event.get(a["event"], 0) + 1
                    groups[r] = f"{a['event']}-c{per_event[a['event']]}"
                groups[k] = groups[r]
        negatives = {eid: set(e["hard_negative_of"]) for eid, e in self.events.items()}
        for eid, e in self.events.items():  # hard negatives are symmetric: one side may name both
            for other in e["hard_negative_of"]:
                negatives[other].add(eid)
        articles, labels = [], {"articles": {}, "events": {}}
        # file order carries no information: sorted by a hash of the URL, not by time or event
        ordered = sorted(by_key.values(), key=lambda a: hashlib.sha1(a["url"].encode()).hexdigest())
        for a in ordered:
            articles.append({"url": a["url"], "site": a["site"], "title": a["title"], "lead": a["lead"],
                             "body": "\n\n".join(a["paragraphs"]), "published_at": a["published_at"],
                             "tags": a["tags"], "language": "ru"})
        for eid, e in self.events.items():
            keys = e["keys"]
            origin = next(k for k in keys if by_key[k]["origin"]) if len(keys) > 1 else keys[0]
            for k in keys:
                a = by_key[k]
                kind = "single" if len(keys) == 1 else "origin" if k == origin else a["kind"]
                labels["articles"][a["url"]] = {"event": eid, "copy_group": groups.get(k), "kind": kind,
                                                "credits": url[a["credits"]] if a["credits"] else None}
            entry = {"origin": url[origin], "note": e["note"], "hard_negative_of": sorted(negatives[eid])}
            if e["kind"]:
                entry["hard_negative_kind"] = e["kind"]
            if e["mentions"]:
                entry["mentions"] = e["mentions"]
            labels["events"][eid] = entry
        labels["articles"] = dict(sorted(labels["articles"].items(), key=lambda kv: (kv[1]["event"], kv[0])))
        return articles, labels

    def check(self) -> list[str]:
        problems = []
        seen_urls = {}
        for k, a in self.articles.items():
            if a["url"] in seen_urls:
                problems.append(f"{k}: URL also used by {seen_urls[a['url']]}: {a['url']}")
            seen_urls[a["url"]] = k
            n = len("\n\n".join(a["paragraphs"]))
            if not 600 <= n <= 3500:
                problems.append(f"{k}: body has {n} characters (600–3500 wanted)")
            if a["credits"]:
                if a["credits"] not in self.articles:
                    problems.append(f"{k}: credits unknown article {a['credits']}")
                    continue
                target = self.articles[a["credits"]]
                if target["event"] != a["event"]:
                    problems.append(f"{k}: credits {a['credits']} of another event")
                text = ("\n".join(a["paragraphs"]) + " " + (a["lead"] or "")).lower()
                names = CREDIT_NAMES.get(target["site"], [target["site"]])
                if not any(n in text for n in names):
                    problems.append(f"{k}: credits {target['site']} but its text names none of {names}")
                if utc(target["published_at"]) >= utc(a["published_at"]):
                    problems.append(f"{k}: credits {a['credits']}, which is published later")
            if a["of"] and self.articles[a["of"]]["event"] != a["event"]:
                problems.append(f"{k}: copy of {a['of']} of another event")
        for eid, e in self.events.items():
            keys = e["keys"]
            if not keys:
                problems.append(f"{eid}: no articles")
                continue
            if len(keys) > 6:
                problems.append(f"{eid}: {len(keys)} articles (at most 6)")
            sites = [self.articles[k]["site"] for k in keys]
            if len(set(sites)) != len(sites):
                problems.append(f"{eid}: a site appears twice: {sites}")
            for other in e["hard_negative_of"] + e["mentions"]:
                if other not in self.events:
                    problems.append(f"{eid}: refers to unknown event {other}")
            origins = [k for k in keys if self.articles[k]["origin"]]
            if len(keys) == 1:
                continue
            if len(origins) != 1:
                problems.append(f"{eid}: {len(origins)} origins marked")
                continue
            o = origins[0]
            credited = {self.articles[k]["credits"] for k in keys}
            earliest = min(keys, key=lambda k: utc(self.articles[k]["published_at"]))
            if o not in credited and o != earliest:
                problems.append(f"{eid}: origin {o} is neither credited nor the earliest ({earliest})")
            if o in credited:
                # the end of the credit chain: the origin credits nobody in the set
                if self.articles[o]["credits"]:
                    problems.append(f"{eid}: origin {o} itself credits {self.articles[o]['credits']}")
            elif any(self.articles[k]["credits"] for k in keys):
                problems.append(f"{eid}: articles credit {credited - {None}} but the origin is {o}")
        return problems


def site_of(url: str) -> str:
    host = re.match(r"https://([^/]+)/", url)
    if not host:
        raise ValueError(f"not an https URL with a path: {url}")
    host = host.group(1)
    return host[4:] if host.startswith("www.") else host


def with_offset(at: str, site: str) -> str:
    if re.search(r"[+-]\d\d:\d\d$", at):
        return at
    local = datetime.fromisoformat(at)
    if local >= datetime(2024, 3, 1) or site in WESTERN:
        return at + ":00+05:00" if len(at) == 16 else at + "+05:00"
    return at + ":00+06:00" if len(at) == 16 else at + "+06:00"


def utc(published_at: str) -> datetime:
    return datetime.fromisoformat(published_at).astimezone(timezone.utc)


def build(name: str) -> tuple[list[dict], dict]:
    builder = SetBuilder(name)
    scope = {"event": builder.event, "article": builder.article, "copy": builder.copy, "SAME": SAME}
    sources = sorted((HERE / "src").glob(f"{name}_*.py"))
    if not sources:
        raise SystemExit(f"no sources for {name} in {HERE / 'src'}")
    for path in sources:
        exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), dict(scope))
    return builder.finish()


def main(argv: list[str]) -> None:
    check_only = "--check" in argv
    names = [a for a in argv if not a.startswith("-")] or list(SETS)
    all_urls: dict[str, str] = {}
    for name in names:
        articles, labels = build(name)
        for a in articles:
            if a["url"] in all_urls:
                raise SystemExit(f"{a['url']} is in both {all_urls[a['url']]} and {name}")
            all_urls[a["url"]] = name
        events = labels["events"]
        multi = sum(1 for e in events if sum(1 for l in labels["articles"].values() if l["event"] == e) > 1)
        print(f"{name}: {len(articles)} articles, {len(events)} events ({multi} with 2 or more articles)")
        jsonl = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles)
        labels_text = json.dumps(labels, ensure_ascii=False, indent=1) + "\n"
        files = {HERE / f"{name}.jsonl": jsonl, HERE / f"labels-{name}.json": labels_text}
        if check_only:
            stale = [p.name for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
            if stale:
                raise SystemExit(f"{name}: out of date with src/: {', '.join(stale)} (run build.py)")
            continue
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
