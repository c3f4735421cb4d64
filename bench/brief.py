"""Brief and timeline benchmark on a store of synthetic articles.

    python bench/brief.py --db bench.db      # an existing store (e.g. bench/ask.py --keep DIR)
    python bench/brief.py --docs 2000        # build one first, like bench/ingest.py

Times building the brief and rendering it as Markdown and HTML, and the
timeline, each a few times; prints the median seconds. Target (issue 5):
a brief in under 2 s on 2,000 documents on this 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import build_corpus  # noqa: E402

import bilat  # noqa: E402
from bilat.report import brief, timeline  # noqa: E402


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def measure(db: str, repeat: int) -> dict:
    with bilat.open_store(db) as store:
        docs = len(store.documents())
        paper = brief.build_brief(store)
        return {
            "documents": docs,
            "brief_build_s": median_seconds(lambda: brief.build_brief(store), repeat),
            "brief_markdown_s": median_seconds(lambda: brief.to_markdown(paper), repeat),
            "brief_html_s": median_seconds(lambda: brief.to_html(paper), repeat),
            "brief_total_s": median_seconds(lambda: brief.to_html(brief.build_brief(store)), repeat),
            "timeline_s": median_seconds(lambda: timeline.to_markdown(timeline.build_timeline(store)), repeat),
        }


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--db", help="time this existing store instead of building one")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if args.db:
        figures = measure(args.db, args.repeat)
    else:
        with tempfile.TemporaryDirectory(prefix="bilat-brief-") as tmp:
            corpus = Path(tmp) / "corpus"
            corpus.mkdir()
            build_corpus(corpus, args.docs, 800, 0.0, 2024)
            bilat.ingest([str(corpus)], db=str(Path(tmp) / "bench.db"))
            figures = measure(str(Path(tmp) / "bench.db"), args.repeat)
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:<18} {value}")


if __name__ == "__main__":
    main()
