"""Per-component cost of annotation and extraction on ~800-word documents.

    python bench/components.py [--docs 50]

Builds synthetic articles like bench/ingest.py, then times each stage on the
same documents: cleaning and metadata, sentences, dates, gazetteer, each
extractor, and the NER pass on fact sentences. Prints milliseconds per
document for each. (Timings live here, not in unit tests.)
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import build_corpus  # noqa: E402

from bilat import documents  # noqa: E402
from bilat.extract import agreements, events, figures, transfers  # noqa: E402
from bilat.nlp import ner  # noqa: E402
from bilat.nlp.annotate import AnnotatedDocument  # noqa: E402
from bilat.nlp.dates import find_dates  # noqa: E402
from bilat.nlp.gazetteer import find_mentions  # noqa: E402
from bilat.nlp.sentences import split_sentences  # noqa: E402
from bilat.pipeline import all_mentions, warm_up  # noqa: E402


def timed(fn, items):
    start = time.perf_counter()
    results = [fn(item) for item in items]
    return 1000 * (time.perf_counter() - start) / max(len(items), 1), results


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=50)
    args = ap.parse_args(argv)
    warm_up()
    with tempfile.TemporaryDirectory() as tmp:
        build_corpus(Path(tmp), args.docs, 800, 0.0, 11)
        raws = [documents.read(str(p)) for p in sorted(Path(tmp).iterdir())]
        rows = []
        ms, docs = timed(documents.load, raws)
        rows.append(("read, clean, metadata", ms))
        ms, _ = timed(lambda d: split_sentences(d.text), docs)
        rows.append(("sentences", ms))
        ms, _ = timed(lambda d: find_dates(d.text, d.published), docs)
        rows.append(("dates", ms))
        ms, _ = timed(lambda d: find_mentions(d.text), docs)
        rows.append(("gazetteer", ms))
        annotated = [AnnotatedDocument.from_document(d) for d in docs]
        for a in annotated:
            a.dates, a.mentions  # shared annotations, timed above
        all_facts = [[] for _ in annotated]
        for name, module in (("figures", figures), ("agreements", agreements), ("transfers", transfers),
                             ("events", events)):
            ms, found = timed(module.extract, annotated)
            rows.append((f"extract: {name}", ms))
            for bucket, facts in zip(all_facts, found):
                bucket.extend(facts)
        pairs = list(zip(annotated, all_facts))
        ms, _ = timed(lambda pair: all_mentions(*pair), pairs)
        rows.append((f"NER on fact sentences ({'on' if ner.available() else 'off'})", ms))
    width = max(len(r[0]) for r in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value:7.1f} ms/doc")
    print(f"{'total':<{width}}  {sum(v for _, v in rows):7.1f} ms/doc")


if __name__ == "__main__":
    main()
