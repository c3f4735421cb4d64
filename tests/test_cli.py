"""The command line, end to end: subprocesses against a real database file."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

COMMANDS = ("ingest", "docs", "show", "search", "stats", "export")

NOTES_MD = """---
title: Frigate deal discussed in Hanoi
published: 2023-09-11
publisher: Pacific Rim Monitor
author: Lena Marsh
tags: [navy, frigate]
---

# Frigate deal discussed in Hanoi

Defense officials discussed the possible transfer of a frigate to the Vietnamese navy during talks in Hanoi on Monday.

The frigate would join two cutters already handed over to the coast guard. A second frigate was not on the agenda, officials said.
"""

REPORT_TXT = """Dioxin cleanup at Bien Hoa enters its second phase

Engineers began excavating contaminated soil at the Bien Hoa air base on Thursday. The project is expected to take ten years and will treat about half a million cubic meters of soil.
"""

PAGE_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Carrier returns to Da Nang</title>
<meta property="og:title" content="Carrier returns to Da Nang">
<meta property="article:published_time" content="2020-03-05T09:00:00+07:00">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Carrier returns to Da Nang</h1>
<p>The aircraft carrier USS Theodore Roosevelt arrived in Da Nang on Thursday for a five-day port call, the second such visit.</p>
<p>The carrier's escort, a guided-missile cruiser, anchored nearby while sailors joined community events. One officer mentioned a frigate exercise planned for later in the year.</p>
</article>
<footer>&copy; 2020 Harbor Review. All rights reserved.</footer>
</body></html>
"""

FILES = {"notes.md": NOTES_MD, "report.txt": REPORT_TXT, "page.html": PAGE_HTML}


def bilat(*args: str, cwd: Path, db: Path | None = None, env_db: Path | None = None,
          input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BILAT_DB"}
    env["PYTHONIOENCODING"] = "utf-8"
    if env_db is not None:
        env["BILAT_DB"] = str(env_db)
    argv = [sys.executable, "-m", "bilat.cli", *args]
    if db is not None:
        argv += ["--db", str(db)]
    return subprocess.run(argv, cwd=cwd, env=env, input=input, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, Path]:
    """(working folder, database) after ingesting the three-file folder once."""
    root = tmp_path_factory.mktemp("cli")
    folder = root / "inbox"
    folder.mkdir()
    for name, text in FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    db = root / "cli.db"
    result = bilat("ingest", "inbox", "--format", "json", cwd=root, db=db)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert sorted(Path(i["source"]).name for i in items) == sorted(FILES)
    assert {i["status"] for i in items} == {"new"}
    return root, db


def docs_json(root: Path, db: Path) -> list[dict]:
    result = bilat("docs", "--format", "json", cwd=root, db=db)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# -- ingest ------------------------------------------------------------------------

def test_ingest_table_summary(tmp_path):
    (tmp_path / "report.txt").write_text(REPORT_TXT, encoding="utf-8")
    db = tmp_path / "s.db"
    result = bilat("ingest", "report.txt", cwd=tmp_path, db=db)
    assert result.returncode == 0, result.stderr
    assert "1 new" in result.stdout
    assert result.stderr.strip() == ""
    assert db.exists()
    again = bilat("ingest", "report.txt", cwd=tmp_path, db=db)
    assert again.returncode == 0
    assert "1 unchanged" in again.stdout


def test_ingest_reads_standard_input(tmp_path):
    db = tmp_path / "s.db"
    result = bilat("ingest", "-", "--format", "json", cwd=tmp_path, db=db, input=REPORT_TXT)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    assert [(i["source"], i["status"]) for i in items] == [("-", "new")]
    shown = bilat("show", str(items[0]["document_id"]), "--format", "json", cwd=tmp_path, db=db)
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert "Engineers began excavating contaminated soil" in doc["text"]
    assert doc["title"] == "Dioxin cleanup at Bien Hoa enters its second phase"


def test_two_different_stdin_inputs_are_both_kept(tmp_path):
    db = tmp_path / "s.db"
    first = bilat("ingest", "-", cwd=tmp_path, db=db, input=REPORT_TXT)
    second = bilat("ingest", "-", cwd=tmp_path, db=db,
                   input="Talks in Hanoi covered peacekeeping training and a new field hospital for UN missions.\n")
    assert first.returncode == 0 and second.returncode == 0
    rows = docs_json(tmp_path, db)
    assert len(rows) == 2, rows  # unrelated texts, not versions of each other


def test_ingest_empty_standard_input_fails(tmp_path):
    result = bilat("ingest", "-", cwd=tmp_path, db=tmp_path / "s.db", input="")
    line = one_line_error(result)
    assert result.returncode == 1
    assert "empty" in line


# -- docs / show --------------------------------------------------------------------

def test_docs_json(corpus):
    root, db = corpus
    rows = docs_json(root, db)
    assert isinstance(rows, list)
    assert len(rows) == 3
    assert sorted(r["name"] for r in rows) == sorted(FILES)
    by_name = {r["name"]: r for r in rows}
    assert by_name["notes.md"]["format"] == "markdown"
    assert by_name["report.txt"]["format"] == "text"
    assert by_name["page.html"]["format"] == "html"
    assert all(r["word_count"] > 10 for r in rows)


def test_docs_table(corpus):
    root, db = corpus
    result = bilat("docs", cwd=root, db=db)
    assert result.returncode == 0, result.stderr
    for name in FILES:
        assert name in result.stdout


def test_show_by_name_json(corpus):
    root, db = corpus
    result = bilat("show", "notes.md", "--format", "json", cwd=root, db=db)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["title"] == "Frigate deal discussed in Hanoi"
    assert doc["published"] == "2023-09-11"
    assert doc["publisher"] == "Pacific Rim Monitor"
    assert doc["author"] == "Lena Marsh"
    assert doc["format"] == "markdown"
    assert "possible transfer of a frigate to the Vietnamese navy" in doc["text"]
    assert "published: 2023-09-11" not in doc["text"]  # front matter is not body text
    assert [a["name"] for a in doc["appearances"]] == ["notes.md"]


def test_show_html_metadata(corpus):
    root, db = corpus
    doc = json.loads(bilat("show", "page.html", "--format", "json", cwd=root, db=db).stdout)
    assert doc["title"] == "Carrier returns to Da Nang"
    assert doc["published"] == "2020-03-05"
    assert "five-day port call" in doc["text"]
    assert "All rights reserved" not in doc["text"]


def test_show_id_sentences(corpus):
    root, db = corpus
    doc_id = next(r["id"] for r in docs_json(root, db) if r["name"] == "report.txt")
    as_json = bilat("show", str(doc_id), "--sentences", "--format", "json", cwd=root, db=db)
    assert as_json.returncode == 0, as_json.stderr
    doc = json.loads(as_json.stdout)
    sents = doc["sentences"]
    assert len(sents) == doc["sentence_count"] >= 3
    assert [s["idx"] for s in sents] == list(range(len(sents)))
    for s in sents:
        assert doc["text"][s["start"]:s["end"]] == s["text"]

    table = bilat("show", str(doc_id), "--sentences", cwd=root, db=db)
    assert table.returncode == 0, table.stderr
    for s in sents:
        assert f"[{s['idx']}] {s['start']}-{s['end']}" in table.stdout
    assert "Engineers began excavating contaminated soil at the Bien Hoa air base on Thursday." in table.stdout


def test_show_unknown_id_fails(corpus):
    root, db = corpus
    line = one_line_error(bilat("show", "999", cwd=root, db=db))
    assert "999" in line


# -- search -------------------------------------------------------------------------

def test_search_json_ranked_with_marked_snippets(corpus):
    root, db = corpus
    result = bilat("search", "frigate", "--format", "json", cwd=root, db=db)
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert [h["name"] for h in hits][:1] == ["notes.md"]  # three mentions and the title beat one
    assert sorted(h["name"] for h in hits) == ["notes.md", "page.html"]
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)
    for hit in hits:
        assert "**frigate**" in hit["snippet"].lower()
        assert "\x02" not in hit["snippet"] and "\x03" not in hit["snippet"]


def test_search_ignores_diacritics(corpus):
    root, db = corpus
    hits = json.loads(bilat("search", "Biên Hòa", "--format", "json", cwd=root, db=db).stdout)
    assert [h["name"] for h in hits] == ["report.txt"]


def test_search_table_and_no_match(corpus):
    root, db = corpus
    found = bilat("search", "carrier", cwd=root, db=db)
    assert found.returncode == 0
    assert "Carrier returns to Da Nang" in found.stdout
    none = bilat("search", "submarine", "--format", "json", cwd=root, db=db)
    assert none.returncode == 0
    assert json.loads(none.stdout) == []


@pytest.mark.parametrize("query", ["", "   "])
def test_search_empty_query_fails(corpus, query):
    root, db = corpus
    line = one_line_error(bilat("search", query, cwd=root, db=db))
    assert "empty" in line.lower()


# -- stats / export --------------------------------------------------------------------

def test_stats_json(corpus):
    root, db = corpus
    result = bilat("stats", "--format", "json", cwd=root, db=db)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    rows = docs_json(root, db)
    assert data["documents"] == 3
    assert data["sentences"] == sum(r["sentence_count"] for r in rows) > 0
    assert data["words"] == sum(r["word_count"] for r in rows)
    assert data["appearances"] == 3


def test_export_jsonl_to_file(corpus, tmp_path):
    root, db = corpus
    out = tmp_path / "facts.jsonl"
    result = bilat("export", "--format", "jsonl", "--out", str(out), cwd=root, db=db)
    assert result.returncode == 0, result.stderr
    assert out.exists()
    assert not out.with_name("facts.jsonl.tmp").exists()
    for line in out.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        assert {"kind", "doc", "quote"} <= set(record)


def test_export_csv_to_file(corpus, tmp_path):
    root, db = corpus
    out = tmp_path / "facts.csv"
    result = bilat("export", "--format", "csv", "--out", str(out), cwd=root, db=db)
    assert result.returncode == 0, result.stderr
    assert out.exists()
    with open(out, encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:3] == ["kind", "doc", "quote"]


def test_export_to_stdout(corpus):
    root, db = corpus
    result = bilat("export", "--format", "csv", cwd=root, db=db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("kind,doc,quote")


def test_export_into_missing_folder_is_a_clear_error(corpus, tmp_path):
    root, db = corpus
    out = tmp_path / "no-such-folder" / "facts.csv"
    line = one_line_error(bilat("export", "--format", "csv", "--out", str(out), cwd=root, db=db))
    assert "no-such-folder" in line or "facts.csv" in line


def test_malformed_fts_query_is_a_one_line_error(corpus):
    root, db = corpus
    # '"unclosed' falls back to plain words; a lone "*" has no words to fall back on.
    line = one_line_error(bilat("search", "*", cwd=root, db=db))
    assert "query" in line.lower()


def test_show_by_hash_prefix(corpus):
    root, db = corpus
    row = next(r for r in docs_json(root, db) if r["name"] == "page.html")
    result = bilat("show", row["hash"][:10], "--format", "json", cwd=root, db=db)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == row["id"]


def test_ingest_json_output_with_a_failure(tmp_path):
    (tmp_path / "report.txt").write_text(REPORT_TXT, encoding="utf-8")
    result = bilat("ingest", "report.txt", "missing.txt", "--format", "json", cwd=tmp_path, db=tmp_path / "s.db")
    assert result.returncode == 1
    items = json.loads(result.stdout)  # stdout stays pure JSON; errors go to stderr
    assert [(i["source"], i["status"]) for i in items] == [("report.txt", "new"), ("missing.txt", "failed")]
    assert "no such file" in items[1]["reason"]
    assert "missing.txt" in result.stderr


# -- database location -------------------------------------------------------------

@pytest.mark.parametrize("command", [("docs",), ("stats",), ("ingest", "report.txt")])
def test_db_in_missing_folder_is_a_clear_error(tmp_path, command):
    (tmp_path / "report.txt").write_text(REPORT_TXT, encoding="utf-8")
    db = tmp_path / "no" / "such" / "folder" / "x.db"
    line = one_line_error(bilat(*command, cwd=tmp_path, db=db))
    assert "does not exist" in line
    assert "folder" in line
    assert not (tmp_path / "no").exists()


def test_db_that_is_not_a_database_is_a_clear_error(tmp_path):
    not_db = tmp_path / "notes.db"
    not_db.write_text("just some text, not SQLite\n" * 100, encoding="utf-8")
    before = not_db.read_bytes()
    line = one_line_error(bilat("docs", cwd=tmp_path, db=not_db))
    assert "not a bilat database" in line
    assert not_db.read_bytes() == before


def test_bilat_db_environment_variable(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    (work / "report.txt").write_text(REPORT_TXT, encoding="utf-8")
    env_db = tmp_path / "from-env.db"
    result = bilat("ingest", "report.txt", cwd=work, env_db=env_db)
    assert result.returncode == 0, result.stderr
    assert env_db.exists()
    assert not (work / "bilat.db").exists()
    listed = bilat("docs", "--format", "json", cwd=work, env_db=env_db)
    assert [r["name"] for r in json.loads(listed.stdout)] == ["report.txt"]


def test_db_option_beats_environment(tmp_path):
    (tmp_path / "report.txt").write_text(REPORT_TXT, encoding="utf-8")
    env_db, flag_db = tmp_path / "env.db", tmp_path / "flag.db"
    result = bilat("ingest", "report.txt", cwd=tmp_path, db=flag_db, env_db=env_db)
    assert result.returncode == 0, result.stderr
    assert flag_db.exists()
    assert not env_db.exists()


# -- help ----------------------------------------------------------------------------

def test_help_lists_every_command(tmp_path):
    result = bilat("--help", cwd=tmp_path)
    assert result.returncode == 0
    listed = result.stdout.split("Commands:", 1)[1]
    for command in COMMANDS:
        assert f"\n  {command} " in listed, command


@pytest.mark.parametrize("command", COMMANDS)
def test_command_help(tmp_path, command):
    result = bilat(command, "--help", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"bilat {command}" in result.stdout
    assert "--db" in result.stdout
    assert not list(tmp_path.iterdir()), "--help must not create a database"
