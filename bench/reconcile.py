"""Reconciliation benchmark: the cost of adding one document to a large store.

Builds the synthetic corpus of bench/ingest.py (default 2,000 articles of ~800
words), ingests it into a fresh SQLite database, then adds ONE new article
that restates a few facts already in the store (so it corroborates them) and
adds some of its own, through ``bilat.ingest`` in this process with
``jobs=1``. Reports the wall time and memory of that one addition, how many
merged facts it corroborated, and the time of the read-side queries
(``figure_series()``, ``conflicts()``, ``source_profiles()``,
``merged_facts()``) on the full store. For contrast it also times relinking
every report from scratch (what a non-incremental design would redo on every
addition), inside a transaction that is rolled back.

    python bench/reconcile.py                 # 2,000 documents
    python bench/reconcile.py --docs 300 --json
    python bench/reconcile.py --keep /tmp/rb    # keep the corpus and the database

Memory: ``add_one_peak_heap_mb`` is the Python heap peak (tracemalloc) while
adding a second new article, measured separately so that tracing does not
slow the timed addition; ``add_one_rss_growth_mb`` is how much the process's
peak RSS grew during the timed addition. ``cli_add_one_*`` adds a third
article with ``bilat ingest`` in a fresh process: cold start included.
"""
from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import build_corpus, print_figures, sentence  # noqa: E402  (the shared synthetic corpus)

import bilat  # noqa: E402
from bilat.store import merged as merged_store  # noqa: E402
from bilat.store.schema import fact_merges, merged_facts  # noqa: E402


def peak_rss_mb() -> float:
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (2**20 if sys.platform == "darwin" else 2**10), 1)


# Runs the CLI and prints the process's own high-water RSS (VmHWM, kB) on exit.
# (ru_maxrss of a child is no use here: Linux carries it over from the forking
# parent across exec, so it would report this benchmark's own peak.)
_CLI_WITH_HWM = """
import atexit, sys
def _hwm():
    try:
        line = next(l for l in open('/proc/self/status') if l.startswith('VmHWM'))
        print('VmHWM', line.split()[1], file=sys.stderr)
    except OSError:
        pass
atexit.register(_hwm)
from bilat.cli import main
sys.argv = ['bilat'] + sys.argv[1:]
main()
"""


def run_cli_measured(args: list[str]) -> tuple[int, float, float | None, str]:
    """Run ``bilat ARGS`` in a fresh process: exit code, wall seconds, its peak
    RSS in MB, and the last line of its error output."""
    t0 = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CLI_WITH_HWM, *args], capture_output=True, text=True)
    secs = round(time.perf_counter() - t0, 2)
    lines = done.stderr.splitlines()
    hwm = [line.split()[1] for line in lines if line.startswith("VmHWM ")]
    errors = [line for line in lines if line.strip() and not line.startswith("VmHWM ")]
    return done.returncode, secs, round(int(hwm[-1]) / 1024, 1) if hwm else None, (errors or [""])[-1]


def snapshot(store) -> dict[str, int]:
    return {m["id"]: m["sources"] for m in store.merged_facts()}


def new_article(store, path: Path, rng: random.Random, restated: int = 6, fresh: int = 20) -> list[str]:
    """Write an article that restates ``restated`` stored facts word for word
    (quotes of single-source facts from different documents, so corroboration
    shows) between ``fresh`` new sentences; return the restated quotes."""
    candidates = [m for m in store.merged_facts() if m["sources"] == 1
                  and m["kind"] in ("agreement", "transfer", "event")
                  ]
    rng.shuffle(candidates)
    quotes, seen_docs = [], set()
    for m in candidates:
        report = m["reports"][0]
        if report["document_id"] in seen_docs or report["quote"] in quotes:
            continue
        seen_docs.add(report["document_id"])
        quotes.append(report["quote"])
        if len(quotes) == restated:
            break
    sents = [sentence(rng) for _ in range(fresh)] + quotes
    rng.shuffle(sents)
    paras = [" ".join(sents[k:k + 4]) for k in range(0, len(sents), 4)]
    path.write_text("Vietnam and US defense ties: a new round-up\n\nHANOI, 14 March 2025 -\n\n"
                    + "\n\n".join(paras) + "\n", encoding="utf-8")
    return quotes


def timed(fn, repeat: int = 1):
    best, result = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        secs = time.perf_counter() - t0
        best = secs if best is None else min(best, secs)
    return result, round(best, 3)


def full_relink_seconds(store) -> float:
    """Time linking every stored report from scratch, then roll it back."""
    with store.engine.connect() as conn:
        tx = conn.begin()
        try:
            conn.execute(fact_merges.delete())
            conn.execute(merged_facts.delete())
            t0 = time.perf_counter()
            merged_store.relink_all(conn)
            return round(time.perf_counter() - t0, 2)
        finally:
            tx.rollback()


def run(docs: int, words: int, work: Path, seed: int, cli: bool) -> dict:
    corpus, extra, db = work / "corpus", work / "extra", work / "bench.db"
    corpus.mkdir()
    extra.mkdir()
    figures = build_corpus(corpus, docs, words, near_share=0.02, seed=seed)
    t0 = time.perf_counter()
    report = bilat.ingest([str(corpus)], db=str(db))
    figures.update(build_ingest_seconds=round(time.perf_counter() - t0, 1), status=report.counts())
    rng = random.Random(seed + 1)

    with bilat.open_store(str(db)) as store:
        stats = store.stats()
        before = snapshot(store)
        restated = new_article(store, extra / "new_article_1.txt", rng)
        new_article(store, extra / "new_article_2.txt", rng)
        new_article(store, extra / "new_article_3.txt", rng)
    figures.update(stored_documents=stats["documents"], facts=stats["facts"], merged_facts_before=len(before),
                   merged_with_2_or_more_sources=sum(1 for n in before.values() if n >= 2))

    # the timed addition: one new document, in process, one job
    rss_before = peak_rss_mb()
    t0 = time.perf_counter()
    added = bilat.ingest([str(extra / "new_article_1.txt")], db=str(db), jobs=1)
    add_secs = time.perf_counter() - t0
    assert added.counts() == {"new": 1}, added.counts()
    with bilat.open_store(str(db)) as store:
        after = snapshot(store)
    corroborated = [mid for mid, n in before.items() if after.get(mid, 0) > n]
    changed_elsewhere = [mid for mid, n in before.items() if mid not in after]
    figures["peak_rss_before_add_mb"] = rss_before
    figures.update(
        add_one_seconds=round(add_secs, 3), add_one_facts=added.items[0].facts,
        add_one_restated_facts=len(restated), add_one_corroborated=len(corroborated),
        add_one_new_merged_facts=len(set(after) - set(before)),
        add_one_lost_merged_facts=len(changed_elsewhere),
        add_one_rss_growth_mb=round(peak_rss_mb() - rss_before, 1),
    )

    # memory of another addition, traced
    tracemalloc.start()
    t0 = time.perf_counter()
    bilat.ingest([str(extra / "new_article_2.txt")], db=str(db), jobs=1)
    traced_secs = time.perf_counter() - t0
    figures.update(add_one_peak_heap_mb=round(tracemalloc.get_traced_memory()[1] / 2**20, 1),
                   add_one_traced_seconds=round(traced_secs, 3))
    tracemalloc.stop()

    # the read side on the full store (best of 3; each result dropped before the next query)
    with bilat.open_store(str(db)) as store:
        for name, query in (("merged_facts", store.merged_facts), ("figure_series", store.figure_series),
                            ("conflicts", store.conflicts), ("source_profiles", store.source_profiles)):
            figures[name], figures[f"{name}_seconds"] = timed(lambda q=query: len(q()), 3)
        figures["peak_rss_after_queries_mb"] = peak_rss_mb()
        figures["full_relink_seconds"] = full_relink_seconds(store)
    figures["peak_rss_mb"] = peak_rss_mb()

    if cli:  # a cold `bilat ingest` of one more document in a fresh process
        code, secs, rss, error = run_cli_measured(["ingest", str(extra / "new_article_3.txt"), "--db", str(db),
                                                   "--no-progress"])
        figures.update(cli_add_one_seconds=secs, cli_add_one_ok=code == 0, cli_add_one_peak_rss_mb=rss)
        if code:
            figures["cli_add_one_error"] = error
    figures["db_mb"] = round(sum(p.stat().st_size for p in work.glob("bench.db*")) / 2**20, 1)
    return figures


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000, help="documents in the store (default 2000)")
    ap.add_argument("--words", type=int, default=800, help="target words per document (default 800)")
    ap.add_argument("--seed", type=int, default=2025)
    ap.add_argument("--no-cli", action="store_true", help="skip the cold-start `bilat ingest` measurement")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--keep", metavar="DIR", help="build corpus/, extra/ and bench.db in DIR (empty) and keep them")
    args = ap.parse_args(argv)
    if args.keep:
        work = Path(args.keep)
        work.mkdir(parents=True, exist_ok=True)
        if any(work.iterdir()):
            sys.exit(f"{work} is not empty; --keep needs an empty folder")
        figures = run(args.docs, args.words, work, args.seed, not args.no_cli)
    else:
        with tempfile.TemporaryDirectory(prefix="bilat-reconcile-bench-") as tmp:
            figures = run(args.docs, args.words, Path(tmp), args.seed, not args.no_cli)
    print_figures(figures, args.json)


if __name__ == "__main__":
    main()
