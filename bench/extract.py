"""Extraction benchmark: ingest plus fact extraction on synthetic articles.

Builds the same synthetic corpus as bench/ingest.py (default 2,000 articles
of ~800 words), ingests it into a fresh SQLite database (reading, cleaning,
sentences, entity mentions, fact extraction, storage), and then times
extraction alone by re-extracting every stored document. Prints documents
per second for both, peak memory, and facts by kind.

    python bench/extract.py                 # 2,000 documents
    python bench/extract.py --docs 300 --json

Targets (issue 3): at least 20 documents/second for ingest plus extraction
on this 2-core machine, and under 1 GB of memory.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import build_corpus, print_figures  # noqa: E402  (the shared synthetic corpus)

import bilat  # noqa: E402
from bilat import pipeline  # noqa: E402


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (2**20 if sys.platform == "darwin" else 2**10), 1)


def run(docs: int, words: int, work: Path) -> dict:
    corpus, db = work / "corpus", work / "bench.db"
    corpus.mkdir()
    figures = build_corpus(corpus, docs, words, near_share=0.0, seed=2024)
    t0 = time.perf_counter()
    report = bilat.ingest([str(corpus)], db=str(db))
    ingest_secs = time.perf_counter() - t0
    with bilat.open_store(str(db)) as store:
        t0 = time.perf_counter()
        items = pipeline.reextract(store)
        extract_secs = time.perf_counter() - t0
        stats = store.stats()
    figures.update(
        ingest_seconds=round(ingest_secs, 2),
        ingest_docs_per_second=round(docs / ingest_secs, 1),
        extract_only_seconds=round(extract_secs, 2),
        extract_only_docs_per_second=round(len(items) / extract_secs, 1),
        extract_ms_per_doc=round(1000 * extract_secs / max(len(items), 1), 1),
        peak_rss_mb=peak_rss_mb(),
        status=report.counts(),
        facts=stats["facts"],
        facts_by_kind=stats["facts_by_kind"],
    )
    return figures


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--words", type=int, default=800)
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bilat-bench-") as tmp:
        figures = run(args.docs, args.words, Path(tmp))
    print_figures(figures, args.json)


if __name__ == "__main__":
    main()
