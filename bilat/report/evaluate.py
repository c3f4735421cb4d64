"""Score extracted facts against a gold file (the rules of GUIDELINES.md).

figure: same doc and unit, value within 0.5 %; each distinct (doc, unit,
value) counts once; on matched pairs, as_of / qualifier / change accuracy.
agreement: same doc, type and year. transfer: same doc, an item word in
common, same quantity. event: same doc, type and year-month.
Only documents named in the gold file are scored.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from bilat.errors import BilatError

KINDS = ("figure", "agreement", "transfer", "event")
VALUE_TOLERANCE = 0.005
_ITEM_STOPWORDS = {"the", "a", "an", "of", "and", "class", "type", "us", "u.s.", "new", "brand"}


@dataclass
class KindScore:
    kind: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    attributes: dict[str, list[int]] = field(default_factory=dict)  # name -> [agree, total]
    missed: list[dict] = field(default_factory=list)
    spurious: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float | None:
        agree, total = self.attributes.get(name, (0, 0))
        return agree / total if total else None

    def as_dict(self) -> dict:
        return {"kind": self.kind, "tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "attributes": {k: round(self.accuracy(k), 4) for k in self.attributes if self.accuracy(k) is not None}}


def load_records(path: str | Path) -> list[dict]:
    records = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BilatError(f"{path}: cannot read ({exc.strerror or exc})") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise BilatError(f"{path}:{n}: not JSON ({exc.msg})") from None
        if isinstance(record, dict) and record.get("kind") in KINDS and record.get("doc"):
            record["doc"] = str(record["doc"]).rsplit("/", 1)[-1]
            records.append(record)
    return records


def evaluate(gold: list[dict], predicted: list[dict]) -> dict[str, KindScore]:
    docs = {g["doc"] for g in gold}
    predicted = [p for p in predicted if p["doc"].rsplit("/", 1)[-1] in docs]
    for p in predicted:
        p["doc"] = p["doc"].rsplit("/", 1)[-1]
    scores = {"figure": _score_figures(gold, predicted)}
    scores["agreement"] = _score_pairs(gold, predicted, "agreement", _same_agreement)
    scores["transfer"] = _score_pairs(gold, predicted, "transfer", _same_transfer)
    scores["event"] = _score_pairs(gold, predicted, "event", _same_event)
    return scores


def _of_kind(records, kind):
    return [r for r in records if r["kind"] == kind]


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _close(a, b) -> bool:
    if a is None or b is None:
        return False
    return a == b or abs(a - b) <= VALUE_TOLERANCE * max(abs(a), abs(b))


def date_agrees(gold, pred) -> bool:
    """Gold null wants null; otherwise pred equals gold or refines it (2025-11 accepts 2025-11-02)."""
    if isinstance(gold, list):
        return any(date_agrees(g, pred) for g in gold)
    if gold in (None, ""):
        return pred in (None, "")
    if pred in (None, ""):
        return False
    gold, pred = str(gold), str(pred)
    return pred == gold or pred.startswith(gold + "-")


def _value_agrees(gold, pred) -> bool:
    """A gold list accepts any of its values."""
    return pred in gold if isinstance(gold, list) else gold == pred


def _score_figures(gold, predicted) -> KindScore:
    score = KindScore("figure", attributes={"as_of": [0, 0], "qualifier": [0, 0], "change": [0, 0]})

    def distinct(records):
        seen, out = set(), []
        for r in records:
            key = (r["doc"], r.get("unit"), _number(r.get("value")))
            if key[2] is not None and key not in seen:
                seen.add(key)
                out.append(r)
        return out

    gold_figs, pred_figs = distinct(_of_kind(gold, "figure")), distinct(_of_kind(predicted, "figure"))
    used = set()
    for g in gold_figs:
        match = next((i for i, p in enumerate(pred_figs) if i not in used and p["doc"] == g["doc"]
                      and p.get("unit") == g.get("unit") and _close(_number(p.get("value")), _number(g.get("value")))),
                     None)
        if match is None:
            score.fn += 1
            score.missed.append(g)
            continue
        used.add(match)
        score.tp += 1
        p = pred_figs[match]
        for name in ("as_of", "qualifier", "change"):
            ok = date_agrees(g.get(name), p.get(name)) if name == "as_of" else _value_agrees(g.get(name), p.get(name))
            score.attributes[name][0] += ok
            score.attributes[name][1] += 1
            if not ok:
                score.missed.append({**g, "_wrong": name, "_predicted": p.get(name)})
    score.spurious = [p for i, p in enumerate(pred_figs) if i not in used]
    score.fp = len(score.spurious)
    return score


def _year(value):
    return str(value)[:4] if value else None


def _month(value):
    return str(value)[:7] if value else None


def _any_date(gold_value, pred_value, cut) -> bool:
    golds = gold_value if isinstance(gold_value, list) else [gold_value]
    return any(cut(g) == cut(pred_value) for g in golds)


def _same_agreement(g, p) -> bool:
    return g.get("type") == p.get("type") and _any_date(g.get("date"), p.get("date"), _year)


def _item_words(item) -> set[str]:
    words = set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", str(item or "").lower()))
    return {w.rstrip("s") if len(w) > 3 else w for w in words} - _ITEM_STOPWORDS


def _same_transfer(g, p) -> bool:
    return bool(_item_words(g.get("item")) & _item_words(p.get("item"))) and g.get("quantity") == p.get("quantity")


def _same_event(g, p) -> bool:
    return g.get("type") == p.get("type") and _any_date(g.get("date"), p.get("date"), _month)


def _score_pairs(gold, predicted, kind, same) -> KindScore:
    score = KindScore(kind)
    preds = _of_kind(predicted, kind)
    used = set()
    for g in _of_kind(gold, kind):
        match = next((i for i, p in enumerate(preds) if i not in used and p["doc"] == g["doc"] and same(g, p)), None)
        if match is None:
            score.fn += 1
            score.missed.append(g)
        else:
            used.add(match)
            score.tp += 1
    score.spurious = [p for i, p in enumerate(preds) if i not in used]
    score.fp = len(score.spurious)
    return score
