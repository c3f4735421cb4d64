"""The main job: inputs -> documents -> sentences -> facts -> store.

Each input is handled on its own: a failure is recorded with its reason and
the run goes on; each document is written all-or-nothing (in its own
savepoint of a transaction shared by a batch of documents).
"""
from __future__ import annotations

import functools
import multiprocessing
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bilat import documents as docs
from bilat.errors import InputError
from bilat.bulk import collecting_less, freeze_loaded
from bilat.extract import extract_facts
from bilat.extract.context import reference_start
from bilat.nlp import Sentence, ner, split_sentences
from bilat.nlp.annotate import AnnotatedDocument
from bilat.resolve import merge, near_duplicates
from bilat.resolve.measures import preceding_text
from bilat.store import Store, open_store
from bilat.store.store import BatchWriter


@dataclass
class IngestItem:
    source: str
    status: str  # new | version | copy | syndicated | unchanged | failed
    document_id: int | None = None
    title: str | None = None
    reason: str | None = None
    facts: int = 0


@dataclass
class IngestReport:
    items: list[IngestItem] = field(default_factory=list)

    @property
    def failed(self) -> list[IngestItem]:
        return [i for i in self.items if i.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed

    def counts(self) -> dict[str, int]:
        return dict(Counter(i.status for i in self.items))


@dataclass
class Prepared:
    """A document read, cleaned and annotated, ready to be stored."""

    source: str
    document: docs.Document
    sentences: list[Sentence]
    facts: list
    mentions: list
    sketch: near_duplicates.Sketch | None = None  # for the near-duplicate lookup


# Below this many inputs, worker processes cost more than they save.
PARALLEL_THRESHOLD = 8


def default_jobs(inputs: int) -> int:
    if inputs < PARALLEL_THRESHOLD:
        return 1
    return max(1, min(os.cpu_count() or 1, 4))


def ingest(
    targets: str | Iterable[str],
    store: Store | None = None,
    *,
    db: str | None = None,
    options: docs.ReadOptions = docs.ReadOptions(),
    jobs: int | None = None,
    on_item: Callable[[IngestItem], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest files, folders, URLs or ``-`` (stdin) into ``store`` (or the
    database at ``db``).

    Reading, cleaning and extraction run in ``jobs`` worker processes (default:
    one per core, up to 4, for 8 inputs or more); every write happens here, in
    input order, each document all-or-nothing, several per commit (see
    :class:`~bilat.store.store.BatchWriter`). ``on_total`` hears the number of
    inputs once known; ``on_item`` hears each result as it happens."""
    if isinstance(targets, str):
        targets = [targets]
    own_store = store is None
    store = store or open_store(db)
    report = IngestReport()
    try:
        expanded = list(docs.expand(list(targets)))
        if on_total:
            on_total(len(expanded))
        jobs = jobs or default_jobs(len(expanded))
        if "-" in expanded or not store.shareable:
            jobs = 1  # stdin and in-memory stores stay in this process
        with collecting_less(), store.writer() as writer:
            for entry, prepared in _prepare_all(expanded, store, options, jobs, writer):
                if isinstance(entry, InputError):
                    item = IngestItem(entry.source, "failed", reason=entry.reason)
                elif isinstance(prepared, IngestItem):
                    item = prepared
                else:
                    item = commit(prepared, writer)
                report.items.append(item)
                if on_item:
                    on_item(item)
    finally:
        if own_store:
            store.close()
    return report


def _prepare_all(expanded, store: Store, options: docs.ReadOptions, jobs: int, writer: BatchWriter | None = None):
    """Yield (entry, Prepared | IngestItem | None) in input order.

    ``writer``'s pending documents are committed before any wait that may be
    long, so a slow input never holds the database's write lock."""
    targets = [e for e in expanded if not isinstance(e, InputError)]
    if jobs <= 1 or len(targets) < 2:
        for entry in expanded:
            if isinstance(entry, InputError):
                yield entry, None
                continue
            if writer:
                writer.flush()
            yield entry, prepare(entry, store, options)
        return
    warm_up()  # forked workers inherit loaded models and compiled patterns
    freeze_loaded()
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    # A few inputs per task: the pool's threads here pay for every result message
    # (its worker handler polls until the result handler has read it), and they
    # compete with the writer for this process's core.
    size = max(1, min(TASK_SIZE, len(targets) // (4 * jobs)))
    tasks = [targets[i:i + size] for i in range(0, len(targets), size)]
    with context.Pool(jobs, initializer=_worker_init, initargs=(store.db, os.getpid())) as pool:
        results = pool.imap(functools.partial(_worker_prepare_many, options=options), tasks)
        ready: list = []
        for entry in expanded:
            if isinstance(entry, InputError):
                yield entry, None
                continue
            if not ready:
                ready = _next_result(results, writer)[::-1]
            yield entry, ready.pop()


# Inputs per worker task.
TASK_SIZE = 8

def _next_result(results, writer: BatchWriter | None):
    """The next worker result; if it keeps the writer waiting past its batch's
    time limit, commit the batch first."""
    left = writer.seconds_left() if writer else None
    if left is not None:
        try:
            return results.next(timeout=left)
        except multiprocessing.TimeoutError:
            writer.flush()
    return results.next()


_WARM_UP_TEXT = (
    "US and Vietnam sign defense pact\n\nHanoi | 2 November 2025\n\n"
    "The United States pledged an additional $130 million on Nov. 2, 2025, officials said. "
    "Hai bên nhất trí tăng cường hợp tác quốc phòng."
)


def warm_up() -> None:
    """Load lazily-built models and patterns once, in this process."""
    raw = docs.RawInput(location="warm-up", name="warm-up.txt", data=_WARM_UP_TEXT.encode())
    document = docs.load(raw)
    annotated = AnnotatedDocument.from_document(document)
    facts = extract_facts(annotated)
    all_mentions(annotated, facts)


# Each worker process opens the database once, for the "already stored?" lookups.
_worker_db: str | None = None
_worker_store: Store | None = None


def _worker_init(db: str, parent_pid: int) -> None:
    global _worker_db, _worker_store
    _worker_db, _worker_store = db, None

    def watch_parent() -> None:  # a killed ingest must not leave workers behind
        while True:
            if os.getppid() != parent_pid:
                os._exit(0)
            time.sleep(0.5)

    threading.Thread(target=watch_parent, daemon=True).start()


def _worker_prepare_many(targets: list[str], options: docs.ReadOptions) -> list:
    global _worker_store
    if _worker_store is None:
        _worker_store = open_store(_worker_db)
    return [prepare(target, _worker_store, options) for target in targets]


def prepare(target: str, store: Store, options: docs.ReadOptions = docs.ReadOptions()) -> Prepared | IngestItem:
    """Everything but the write: read, skip if already stored, clean,
    split sentences, annotate and extract. Never raises for a bad input."""
    try:
        raw = docs.read(target, options)
        known = store.has_appearance(raw.location, raw.raw_hash)
        if known is not None:
            return IngestItem(target, "unchanged", known)
        document = docs.load(raw)
        sentences = split_sentences(document.text, document.language)
        annotated = AnnotatedDocument.from_document(document, sentences)
        facts = extract_facts(annotated)
        for fact in facts:  # merge keys are costly: compute them here, in parallel, not in the writer
            fact.extra["merge_keys"] = merge.keys_for(fact.kind, fact.fields, fact.evidence.quote,
                                                      preceding_text(document.text, fact.evidence.start))
        document.body_word_count = len(document.text[:reference_start(annotated)].split())
        return Prepared(target, document, sentences, facts, all_mentions(annotated, facts),
                        near_duplicates.sketch(document.text))
    except InputError as exc:
        return IngestItem(target, "failed", reason=exc.reason)
    except (MemoryError, RecursionError) as exc:
        return IngestItem(target, "failed", reason=f"too complex to process ({type(exc).__name__})")


def all_mentions(annotated: AnnotatedDocument, facts: list) -> list:
    """Gazetteer mentions everywhere, plus names the NER model finds in the
    sentences that carry facts (where an unknown actor matters most)."""
    known = list(annotated.mentions)
    spans = set()
    for fact in facts:
        sentence = annotated.sentence_at(fact.evidence.start)
        spans.add((sentence.start, sentence.end) if sentence else (fact.evidence.start, fact.evidence.end))
    return sorted(known + ner.find_names(annotated.text, sorted(spans), known), key=lambda m: m.start)


def commit(prepared: Prepared, store: Store | BatchWriter) -> IngestItem:
    result = store.add_document(prepared.document, prepared.sentences, prepared.facts, prepared.mentions,
                                prepared.sketch)
    stored_facts = len(prepared.facts) if result.status in ("new", "version") else 0
    return IngestItem(prepared.source, result.status, result.document_id, prepared.document.title,
                      facts=stored_facts)


def ingest_one(target: str, store: Store, options: docs.ReadOptions = docs.ReadOptions()) -> IngestItem:
    prepared = prepare(target, store, options)
    return prepared if isinstance(prepared, IngestItem) else commit(prepared, store)


def reextract(store: Store, refs: Iterable[str] | None = None,
              on_item: Callable[[IngestItem], None] | None = None) -> list[IngestItem]:
    """Run extraction again on stored documents (all current ones, or ``refs``)
    and replace each one's facts and mentions atomically. Use after editing
    the data files or upgrading bilat; the texts are not read again."""
    ids = [store.resolve_ref(r) for r in refs] if refs else [d["id"] for d in store.documents()]
    done = []
    with collecting_less():
        for doc_id in ids:
            row = store.document(doc_id)
            sents = [Sentence(s["idx"], s["start"], s["end"], s["text"]) for s in store.sentences(doc_id)]
            annotated = AnnotatedDocument(text=row["text"], name=row["appearances"][0]["name"],
                                          published=row["published"], language=row["language"],
                                          title=row["title"], sentences=sents)
            facts = extract_facts(annotated)
            written = store.replace_facts(doc_id, facts, all_mentions(annotated, facts))
            item = IngestItem(row["appearances"][0]["name"], "reextracted", doc_id, row["title"], facts=written)
            done.append(item)
            if on_item:
                on_item(item)
    return done
