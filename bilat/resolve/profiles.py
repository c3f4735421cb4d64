"""Source profiles: how specific, hedged, corroborated and original each source is.

Pure functions over the documents and the merged facts. A document's
*specificity* is its facts per 1,000 words of article text (notes and
references excluded); a fact is
*hedged* when it is a rough or bounded figure, a reported or planned event,
a transfer under talks, or is attributed ("reportedly", "according to");
*corroborated* when another document reports the same merged fact; *only
here* when no other document does. Copies of one text are one document, so
syndication never counts as corroboration.
"""
from __future__ import annotations

import re
from collections import defaultdict

_ATTRIBUTED = re.compile(r"\b(?:reportedly|according to|is said to|are said to|allegedly|rumou?red|"
                         r"sources said|reports? (?:say|said|suggest))\b", re.I)


_ATTRIBUTION_STEMS = ("report", "accord", "said", "alleg", "rumo")  # a cheap test before the pattern


def is_hedged(kind: str, fields: dict, quote: str = "") -> bool:
    lowered = (quote or "").lower()
    if any(stem in lowered for stem in _ATTRIBUTION_STEMS) and _ATTRIBUTED.search(quote):
        return True
    if kind == "figure":
        return fields.get("qualifier") not in (None, "exact")
    if kind == "event":
        return fields.get("modality") in ("reported", "planned")
    if kind == "transfer":
        return fields.get("status") == "in_talks"
    return False


def document_profiles(docs: list[dict], merged: list[dict], detail_for=None) -> list[dict]:
    """One profile per document, most specific first. ``docs`` rows need id,
    name, title, publisher, published and word_count. Hedging needs the
    reports' fields and quotes: ``detail_for``, a set of document ids, limits
    it and the list of facts only a document reports to those documents (the
    others get ``hedged_share`` None and no ``only_here_facts``)."""
    stats = {d["id"]: [0, 0, 0, 0, []] for d in docs}  # facts, hedged, corroborated, only here, (fact, report)
    for fact in merged:
        documents = fact.get("documents")  # given by outlines; else from the reports
        if documents is None:
            documents = {r["document_id"] for r in fact["reports"]}
        corroborated = len(documents) > 1
        for doc_id in documents:
            s = stats.get(doc_id)
            if s is None:
                continue
            s[0] += 1
            s[2 if corroborated else 3] += 1
            if detail_for is None or doc_id in detail_for:
                own = [r for r in fact["reports"] if r["document_id"] == doc_id]
                s[1] += any(is_hedged(fact["kind"], r["fields"], r["quote"]) for r in own)
                if not corroborated:
                    s[4].append((fact, own[0]))
    profiles = []
    for d in docs:
        n, hedged, corroborated, only_here, only_here_facts = stats[d["id"]]
        words = max(int(d.get("body_word_count") or d.get("word_count") or 0), 1)
        detailed = detail_for is None or d["id"] in detail_for
        profiles.append({
            "document_id": d["id"], "name": d["name"], "title": d.get("title"), "publisher": d.get("publisher"),
            "published": d.get("published"), "words": words, "facts": n,
            "facts_per_1000_words": round(1000 * n / words, 2),
            "hedged_share": (round(hedged / n, 3) if n else 0.0) if detailed else None,
            "corroborated_share": round(corroborated / n, 3) if n else 0.0,
            "only_here": only_here,
            "only_here_facts": [{"id": f["id"], "kind": f["kind"], "label": f["label"], "quote": r.get("quote")}
                                for f, r in only_here_facts],
        })
    profiles.sort(key=lambda p: (-p["facts_per_1000_words"], p["name"]))
    return profiles


def publisher_profiles(doc_profiles: list[dict]) -> list[dict]:
    """The same measures summed over each publisher's documents."""
    grouped: dict[str, list[dict]] = defaultdict(list)
    for p in doc_profiles:
        grouped[p["publisher"] or "(unknown publisher)"].append(p)
    out = []
    for publisher, items in grouped.items():
        words = sum(p["words"] for p in items)
        facts = sum(p["facts"] for p in items)
        weighted = lambda key: sum(p[key] * p["facts"] for p in items) / facts if facts else 0.0  # noqa: E731
        out.append({
            "publisher": publisher, "documents": len(items), "words": words, "facts": facts,
            "facts_per_1000_words": round(1000 * facts / max(words, 1), 2),
            "hedged_share": round(weighted("hedged_share"), 3),
            "corroborated_share": round(weighted("corroborated_share"), 3),
            "only_here": sum(p["only_here"] for p in items),
        })
    out.sort(key=lambda p: (-p["facts_per_1000_words"], p["publisher"]))
    return out
