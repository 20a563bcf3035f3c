"""Check the story set's rules (README "How it was made"): `python bench/stories/check.py`.

Prints each broken rule and exits 1, or prints the counts and exits 0. Standard library only.
"""

from __future__ import annotations

import hashlib
import sys
from collections import defaultdict

try:
    from score import load, published_utc
except ImportError:  # imported as bench.stories.check
    from .score import load, published_utc

FIELDS = ["url", "site", "title", "lead", "body", "published_at", "tags", "language"]
#: How a crediting text names a site, when not by the first part of its domain (case is ignored).
NAMES = {"kt.kz": ["KAZAKHSTAN TODAY", "KT.kz"], "24.kz": ["24.kz", "Хабар 24"], "inform.kz": ["Kazinform"],
         "kaztag.kz": ["КазТАГ", "KazTAG"], "ustinka.kz": ["Устинка"], "vecher.kz": ["Vecher.kz", "Вечерний Алматы"],
         "diapazon.kz": ["Diapazon", "Диапазон"], "aktobetimes.kz": ["Актобе Таймс", "Aktobe Times"]}
#: A heavily cut copy (lead and a paragraph or two) may be shorter than the other bodies.
BODY, COPY_BODY = (600, 3500), 400


def names(site: str) -> list[str]:
    return NAMES.get(site) or [site.removeprefix("www.").removeprefix("ru.").split(".")[0]]


def check(set_name: str, errors: list[str]) -> list[dict]:
    articles, labels = load(set_name)
    arts, events = labels["articles"], labels["events"]
    by_url = {a["url"]: a for a in articles}

    def err(msg):
        errors.append(f"{set_name}: {msg}")

    urls = [a["url"] for a in articles]
    if urls != sorted(urls, key=lambda u: hashlib.sha1(u.encode()).hexdigest()):
        err("lines are not ordered by sha1(url)")
    members = defaultdict(list)
    for a in articles:
        lab = arts[a["url"]]
        members[lab["event"]].append(a)
        if list(a) != FIELDS:
            err(f"{a['url']}: fields {list(a)}")
        low = COPY_BODY if lab["kind"] == "copy" else BODY[0]
        if not low <= len(a["body"]) <= BODY[1]:
            err(f"{a['url']}: body of {len(a['body'])} characters")
        if lab["event"] not in events:
            err(f"{a['url']}: unknown event {lab['event']}")
        if lab["copy_group"] and not lab["copy_group"].startswith(lab["event"] + "-"):
            err(f"{a['url']}: copy group {lab['copy_group']} outside its event")
        credited = by_url.get(lab["credits"]) if lab["credits"] else None
        if lab["credits"] and not credited:
            err(f"{a['url']}: credits a url outside the set")
        elif credited:
            text = " ".join(filter(None, (a["title"], a["lead"], a["body"]))).lower()
            if arts[credited["url"]]["event"] != lab["event"]:
                err(f"{a['url']}: credits another event")
            if published_utc(credited) >= published_utc(a):
                err(f"{a['url']}: credits a later article")
            if not any(n.lower() in text for n in names(credited["site"])):
                err(f"{a['url']}: does not name {credited['site']}")
    for eid, event in events.items():
        group = members.get(eid, [])
        if not group:
            err(f"{eid}: no articles")
            continue
        sites = [a["site"] for a in group]
        if len(group) > 6 or len(set(sites)) != len(sites):
            err(f"{eid}: {len(group)} articles from {len(set(sites))} sites")
        for other in event.get("hard_negative_of", []) + event.get("mentions", []):
            if other not in events:
                err(f"{eid}: unknown event {other}")
        for other in event.get("hard_negative_of", []):
            if eid not in events.get(other, {}).get("hard_negative_of", []):
                err(f"{eid}: hard negative {other} is not symmetric")
        if bool(event.get("hard_negative_of")) != bool(event.get("hard_negative_kind")):
            err(f"{eid}: hard_negative_of and hard_negative_kind disagree")
        kinds = {a["url"]: arts[a["url"]]["kind"] for a in group}
        expected = {"single"} if len(group) == 1 else {"origin"}
        if {k for u, k in kinds.items() if u == event["origin"]} != expected or \
                sum(k in ("origin", "single") for k in kinds.values()) != 1:
            err(f"{eid}: the origin's kind (or another article's) is wrong")
        # Origin: the end of the credit chain when the set holds it (the earliest such end), else the earliest.
        credited = {arts[a["url"]]["credits"] for a in group} - {None}
        ends = [a for a in group if a["url"] in credited and not arts[a["url"]]["credits"]] or group
        first = min(ends, key=lambda a: (published_utc(a), a["url"]))
        if event["origin"] != first["url"]:
            err(f"{eid}: origin should be {first['url']}")
    return articles


def main() -> None:
    errors: list[str] = []
    sets = {name: check(name, errors) for name in ("dev", "test")}
    shared = {a["url"] for a in sets["dev"]} & {a["url"] for a in sets["test"]}
    if shared:
        errors.append(f"urls in both sets: {sorted(shared)}")
    for e in errors:
        print(e)
    if errors:
        sys.exit(1)
    print(", ".join(f"{name}: {len(arts)} articles" for name, arts in sets.items()) + "; all rules hold")


if __name__ == "__main__":
    main()
