"""The main job: inputs -> documents -> sentences -> facts -> store.

Each input is handled on its own: a failure is recorded with its reason and
the run goes on; each document is written in its own transaction.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bilat import documents as docs
from bilat.errors import InputError
from bilat.extract import extract_facts
from bilat.nlp import Sentence, split_sentences
from bilat.nlp.annotate import AnnotatedDocument
from bilat.store import Store, open_store


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


Progress = Callable[[str], None]


def ingest(
    targets: str | Iterable[str],
    store: Store | None = None,
    *,
    db: str | None = None,
    options: docs.ReadOptions = docs.ReadOptions(),
    on_item: Callable[[IngestItem], None] | None = None,
    on_total: Callable[[int], None] | None = None,
) -> IngestReport:
    """Ingest files, folders, URLs or ``-`` (stdin) into ``store`` (or the
    database at ``db``). ``on_total`` hears the number of inputs once they
    are known; ``on_item`` hears each result as it happens."""
    if isinstance(targets, str):
        targets = [targets]
    own_store = store is None
    store = store or open_store(db)
    report = IngestReport()
    try:
        expanded = list(docs.expand(list(targets)))
        if on_total:
            on_total(len(expanded))
        for entry in expanded:
            item = (IngestItem(entry.source, "failed", reason=entry.reason)
                    if isinstance(entry, InputError) else ingest_one(entry, store, options))
            report.items.append(item)
            if on_item:
                on_item(item)
    finally:
        if own_store:
            store.close()
    return report


def ingest_one(target: str, store: Store, options: docs.ReadOptions = docs.ReadOptions()) -> IngestItem:
    try:
        raw = docs.read(target, options)
        known = store.has_appearance(raw.location, raw.raw_hash)
        if known is not None:
            return IngestItem(target, "unchanged", known)
        document = docs.load(raw)
    except InputError as exc:
        return IngestItem(target, "failed", reason=exc.reason)
    except (MemoryError, RecursionError) as exc:
        return IngestItem(target, "failed", reason=f"too complex to process ({type(exc).__name__})")
    sentences = split_sentences(document.text, document.language)
    annotated = AnnotatedDocument.from_document(document, sentences)
    facts = extract_facts(annotated)
    result = store.add_document(document, sentences, facts, annotated.mentions)
    stored_facts = len(facts) if result.status in ("new", "version") else 0
    return IngestItem(target, result.status, result.document_id, document.title, facts=stored_facts)


def reextract(store: Store, refs: Iterable[str] | None = None,
              on_item: Callable[[IngestItem], None] | None = None) -> list[IngestItem]:
    """Run extraction again on stored documents (all current ones, or ``refs``)
    and replace each one's facts and mentions atomically. Use after editing
    the data files or upgrading bilat; the texts are not read again."""
    ids = [store.resolve_ref(r) for r in refs] if refs else [d["id"] for d in store.documents()]
    done = []
    for doc_id in ids:
        row = store.document(doc_id)
        sents = [Sentence(s["idx"], s["start"], s["end"], s["text"]) for s in store.sentences(doc_id)]
        annotated = AnnotatedDocument(text=row["text"], name=row["appearances"][0]["name"],
                                      published=row["published"], language=row["language"],
                                      title=row["title"], sentences=sents)
        facts = extract_facts(annotated)
        written = store.replace_facts(doc_id, facts, annotated.mentions)
        item = IngestItem(row["appearances"][0]["name"], "reextracted", doc_id, row["title"], facts=written)
        done.append(item)
        if on_item:
            on_item(item)
    return done
