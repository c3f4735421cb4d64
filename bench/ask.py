"""Ask benchmark: latency of ``bilat ask`` on a store of synthetic articles.

Builds the same synthetic corpus as bench/ingest.py and bench/extract.py
(default 2,000 articles of ~800 words), ingests it into a fresh SQLite
database, then times ``bilat.report.ask.ask`` over a fixed set of about 20
questions (figures, dates, equipment, yes/no, who, a Vietnamese question and
questions the store cannot answer), each asked several times after one
warm-up question. Prints the median, p95 and maximum latency and how many
questions found an answer.

    python bench/ask.py                      # 2,000 documents
    python bench/ask.py --docs 300 --json
    python bench/ask.py --db bench.db        # time an existing store (no build)

Target (issue 5): under 300 ms per question on 2,000 documents on this
2-core machine, full-text only (semantic search is optional and off).
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
from ingest import build_corpus  # noqa: E402  (the shared synthetic corpus)

import bilat  # noqa: E402
from bilat.report.ask import ask  # noqa: E402

QUESTIONS = [
    "How much has the US committed to Bien Hoa?",
    "How many MIA remains have been repatriated?",
    "When was the defense cooperation MoU signed?",
    "What equipment has the US given Vietnam's coast guard?",
    "Is Vietnam buying F-16s?",
    "How much Foreign Military Financing did Vietnam receive?",
    "How many Metal Shark patrol boats did Vietnam receive?",
    "When did the USS Carl Vinson call at Cam Ranh?",
    "Is Vietnam buying T-6 trainers?",
    "How much did Congress appropriate for mine action in Vietnam?",
    "How many Americans are still unaccounted for?",
    "When was the joint vision statement signed?",
    "Who met the Vietnamese defense minister in Hanoi?",
    "How many patients did Pacific Partnership treat?",
    "When was the arms embargo lifted?",
    "How many Vietnamese pilots completed T-6 training?",
    "What did the Maritime Security Initiative fund?",
    "How many submarines does Vietnam operate?",
    "What did the US say about Mars?",
    "Mỹ đã cam kết bao nhiêu cho Biên Hòa?",
]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * share
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def time_questions(db: str, repeat: int, verbose: bool = False) -> dict:
    with bilat.open_store(db) as store:
        stats = store.stats()
        t0 = time.perf_counter()
        ask(store, "How much has the US committed to Bien Hoa?")  # warm-up: data files, regex, caches
        warmup = time.perf_counter() - t0
        latencies, found, per_question = [], 0, []
        for question in QUESTIONS:
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                answer = ask(store, question)
                times.append(1000 * (time.perf_counter() - t0))
            latencies.extend(times)
            found += answer.found
            per_question.append({"question": question, "found": answer.found, "method": answer.method,
                                 "median_ms": round(statistics.median(times), 1)})
            if verbose:
                print(f"{statistics.median(times):8.1f} ms  {'found' if answer.found else 'no answer':9}  {question}",
                      file=sys.stderr)
    return {
        "documents": stats["documents"], "facts": stats["facts"], "questions": len(QUESTIONS), "repeat": repeat,
        "found": found, "warmup_ms": round(1000 * warmup, 1),
        "median_ms": round(statistics.median(latencies), 1), "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1), "mean_ms": round(statistics.fmean(latencies), 1),
        "target_ms": 300, "under_target": percentile(latencies, 0.95) < 300,
        "slowest": sorted(per_question, key=lambda q: -q["median_ms"])[:3],
    }


def run(docs: int, words: int, repeat: int, work: Path, verbose: bool) -> dict:
    corpus, db = work / "corpus", work / "bench.db"
    corpus.mkdir(parents=True, exist_ok=True)
    figures = build_corpus(corpus, docs, words, near_share=0.0, seed=2024)
    t0 = time.perf_counter()
    report = bilat.ingest([str(corpus)], db=str(db))
    figures.update(ingest_seconds=round(time.perf_counter() - t0, 1), status=report.counts())
    figures.update(time_questions(str(db), repeat, verbose))
    return figures


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--words", type=int, default=800)
    ap.add_argument("--repeat", type=int, default=3, help="times each question is asked (default 3)")
    ap.add_argument("--db", help="time this existing store instead of building one")
    ap.add_argument("--keep", metavar="DIR", help="build corpus/ and bench.db in DIR and keep them")
    ap.add_argument("--verbose", action="store_true", help="each question's median latency on stderr")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    args = ap.parse_args(argv)
    if args.db:
        figures = time_questions(args.db, args.repeat, args.verbose)
    elif args.keep:
        figures = run(args.docs, args.words, args.repeat, Path(args.keep), args.verbose)
    else:
        with tempfile.TemporaryDirectory(prefix="bilat-bench-") as tmp:
            figures = run(args.docs, args.words, args.repeat, Path(tmp), args.verbose)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
        return
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
