"""Brief and timeline benchmark on a store of synthetic articles.

    python bench/brief.py --db bench.db      # an existing store (e.g. bench/ask.py --keep DIR)
    python bench/brief.py --docs 2000        # build one first, like bench/ingest.py

Times each step a few times and prints the median seconds:

- ``brief_fresh_s``: building the brief from the merged facts (what the first
  ``bilat brief`` after a change costs);
- ``brief_kept_s``: the same call when the store has not changed since, which
  reads the brief the first call kept in the store;
- rendering it as Markdown and HTML, and the full timeline;
- ``cli_brief_*_s``: the whole ``bilat brief`` command in a new process, with
  Python start-up, first after a change and then again;
- ``python_loop_s``: ten million iterations of a plain Python loop, to compare
  runs on a machine whose speed varies (a shared virtual machine's can by a
  third from one minute to the next).

Target (issue 5): a brief in under 2 s on 2,000 documents on this 2-core machine.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import build_corpus  # noqa: E402

import bilat  # noqa: E402
from bilat.report import brief, timeline  # noqa: E402
from bilat.store import schema  # noqa: E402


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times), 3)


def cli_seconds(db: str, out: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "bilat", "brief", "--db", db, "--out", out], check=True,
                   capture_output=True)
    return round(time.perf_counter() - start, 3)


def forget_kept(db: str) -> None:
    with bilat.open_store(db) as store, store.engine.begin() as conn:
        conn.execute(schema.cache.delete())


def python_loop_seconds() -> float:
    start, total = time.perf_counter(), 0
    for i in range(10_000_000):
        total += i
    return round(time.perf_counter() - start, 3)


def measure(db: str, repeat: int) -> dict:
    with bilat.open_store(db) as store:
        docs = len(store.documents())
        paper = brief.build_brief(store, use_cache=False)
        figures = {
            "documents": docs,
            "brief_fresh_s": median_seconds(lambda: brief.build_brief(store, use_cache=False), repeat),
            "brief_kept_s": median_seconds(lambda: brief.build_brief(store), repeat),
            "brief_markdown_s": median_seconds(lambda: brief.to_markdown(paper), repeat),
            "brief_html_s": median_seconds(lambda: brief.to_html(paper), repeat),
            "brief_kb": round(len(brief.to_markdown(paper).encode()) / 1024),
            "references": len(paper.references),
            "timeline_s": median_seconds(lambda: timeline.to_markdown(timeline.build_timeline(store)), repeat),
        }
    with tempfile.TemporaryDirectory(prefix="bilat-brief-out-") as tmp:
        out = str(Path(tmp) / "brief.md")
        forget_kept(db)
        figures["cli_brief_first_s"] = cli_seconds(db, out)
        figures["cli_brief_again_s"] = cli_seconds(db, out)
    figures["python_loop_s"] = python_loop_seconds()
    return figures


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
        print(f"{key:<20} {value}")


if __name__ == "__main__":
    main()
