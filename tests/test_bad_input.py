"""Bad inputs: each fails alone, with a clear one-line reason, and harms nothing.

Every test runs against a real SQLite file in ``tmp_path`` that already holds
two documents; a bad input is ingested between two good ones, and afterwards
the good ones must be stored and the earlier documents must be untouched.
"""
from __future__ import annotations

import codecs
import os
import random
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

import bilat
from bilat import ReadOptions

# -- shared material -----------------------------------------------------------

SEED_TEXT = (
    "The aircraft carrier USS Carl Vinson anchored off Da Nang on Monday, the first visit by a "
    "US carrier to Vietnam since the war ended in 1975.\n\n"
    "About 6,000 sailors were expected to take part in community exchanges during the four-day stay.\n"
)
SEED_MD = (
    "---\n"
    "title: Dioxin cleanup at Da Nang airport completed\n"
    "published: 2018-11-07\n"
    "publisher: Harbor Review\n"
    "---\n\n"
    "# Dioxin cleanup at Da Nang airport completed\n\n"
    "Officials marked the end of a six-year project to remove dioxin contamination from soil at "
    "the former air base. The work treated roughly 90,000 cubic meters of soil and sediment.\n"
)
BEFORE_TEXT = (
    "Coast guard officers from both countries met in Hai Phong to review maritime law "
    "enforcement training. The course covered boarding procedures and search and rescue.\n"
)
AFTER_TEXT = (
    "A hospital ship docked at Khanh Hoa province for a two-week medical mission. Doctors "
    "treated villagers, repaired a school roof and ran workshops on disaster preparedness.\n"
)


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def snapshot(db: Path) -> dict:
    """Everything a user could see of the stored documents."""
    with bilat.open_store(str(db)) as store:
        rows = store.documents()
        return {
            "documents": rows,
            "stats": store.stats(),
            "full": {r["id"]: store.document(r["id"]) for r in rows},
            "sentences": {r["id"]: store.sentences(r["id"]) for r in rows},
        }


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A database already holding two documents."""
    path = tmp_path / "store.db"
    seed = tmp_path / "seed"
    write(seed / "carrier.txt", SEED_TEXT)
    write(seed / "cleanup.md", SEED_MD)
    report = bilat.ingest([str(seed)], db=str(path))
    assert [i.status for i in report.items] == ["new", "new"], report
    return path


def assert_fails_alone(tmp_path: Path, db: Path, bad: str, reason_words: tuple[str, ...],
                       options: ReadOptions = ReadOptions()) -> str:
    """Ingest good, bad, good in one call; check the bad one alone fails with a
    reason naming the problem and that nothing stored before changed.
    Returns the reason."""
    before = snapshot(db)
    good_before = write(tmp_path / "good" / "before.txt", BEFORE_TEXT)
    good_after = write(tmp_path / "good" / "after.txt", AFTER_TEXT)

    report = bilat.ingest([str(good_before), bad, str(good_after)], db=str(db), options=options)

    assert [i.status for i in report.items] == ["new", "failed", "new"], report
    failed = report.failed
    assert len(failed) == 1
    item = failed[0]
    assert item.source == bad
    assert item.document_id is None
    assert item.reason and item.reason.strip(), "a failure needs a reason"
    assert "\n" not in item.reason, "the reason must fit on one line"
    assert "Traceback" not in item.reason
    reason = item.reason.lower()
    assert any(word in reason for word in reason_words), f"reason {item.reason!r} names none of {reason_words}"

    after = snapshot(db)
    old = set(before["full"])
    assert {k: v for k, v in after["full"].items() if k in old} == before["full"]
    assert {k: v for k, v in after["sentences"].items() if k in old} == before["sentences"]
    assert [r for r in after["documents"] if r["id"] in old] == before["documents"]
    assert after["stats"]["documents"] == before["stats"]["documents"] + 2
    assert after["stats"]["appearances"] == before["stats"]["appearances"] + 2
    new_names = sorted(r["name"] for r in after["documents"] if r["id"] not in old)
    assert new_names == ["after.txt", "before.txt"]
    return item.reason


def ingest_one_text(tmp_path: Path, name: str, data: bytes) -> str:
    """Ingest one file into a fresh database and return its stored text."""
    path = write(tmp_path / "in" / name, data)
    db = tmp_path / "enc.db"
    report = bilat.ingest([str(path)], db=str(db))
    assert [i.status for i in report.items] == ["new"], report
    with bilat.open_store(str(db)) as store:
        return store.document(name)["text"]


# -- binary --------------------------------------------------------------------

PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00"
             + random.Random(1).randbytes(8000))


@pytest.mark.parametrize("name", ["picture.txt", "picture.md", "picture.html", "blob.xyz", "noextension"])
def test_png_bytes_fail_as_binary(tmp_path, db, name):
    bad = write(tmp_path / "bad" / name, PNG_BYTES)
    assert_fails_alone(tmp_path, db, str(bad), ("binary",))


@pytest.mark.parametrize("name", ["noise.txt", "noise.dat"])
def test_random_bytes_fail_as_binary(tmp_path, db, name):
    bad = write(tmp_path / "bad" / name, random.Random(7).randbytes(20_000))
    assert_fails_alone(tmp_path, db, str(bad), ("binary", "encoding"))


def test_corrupt_pdf_fails(tmp_path, db):
    bad = write(tmp_path / "bad" / "broken.pdf", b"%PDF-1.7\n" + random.Random(3).randbytes(5000))
    assert_fails_alone(tmp_path, db, str(bad), ("pdf",))


# -- empty ---------------------------------------------------------------------

@pytest.mark.parametrize("content", [b"", b"   \n\t\n  \r\n\n", "\u00a0\u3000\n \n".encode()],
                         ids=["empty", "whitespace", "unicode-spaces"])
def test_empty_or_blank_file_fails(tmp_path, db, content):
    bad = write(tmp_path / "bad" / "blank.txt", content)
    assert_fails_alone(tmp_path, db, str(bad), ("empty", "no text"))


def test_file_that_became_empty_keeps_the_stored_version(tmp_path, db):
    """Re-ingesting a stored file after it was truncated must fail and keep the
    stored document current (no new version, nothing superseded)."""
    seed_file = tmp_path / "seed" / "carrier.txt"
    before = snapshot(db)
    seed_file.write_bytes(b"")
    report = bilat.ingest([str(seed_file)], db=str(db))
    assert [i.status for i in report.items] == ["failed"]
    assert "empty" in report.items[0].reason
    after = snapshot(db)
    assert after == before


# -- PDF without text ------------------------------------------------------------

def test_pdf_without_text_layer_fails(tmp_path, db):
    from pypdf import PdfWriter

    bad = tmp_path / "bad" / "scan.pdf"
    bad.parent.mkdir(parents=True)
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.write(str(bad))
    reason = assert_fails_alone(tmp_path, db, str(bad), ("no text layer",))
    assert "pdf" in reason.lower()


# -- HTML ------------------------------------------------------------------------

NAV_ONLY_HTML = """<!DOCTYPE html>
<html><head><title>Site menu</title>
<script>window.dataLayer = []; function track(){ return 1; }</script>
<style>nav { display: flex; }</style></head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/defense">Defense</a></li><li><a href="/about">About us</a></li></ul></nav>
<div class="menu"><a href="/login">Log in</a> | <a href="/subscribe">Subscribe</a></div>
<script>track('pageview');</script>
</body></html>
"""

# Unclosed <h1>, <p>, <b>, <article>, <div>, <span>, <a>, <body>, <html>.
BROKEN_HTML = """<html><head><title>Joint exercise agreed</title>
<body>
<div class="content"><article>
<h1>Navies agree on joint rescue drill
<p>The two navies agreed on Tuesday to hold a joint search-and-rescue exercise off the central
coast next spring, officials in Hanoi said.
<p>The drill will involve coast guard cutters, a hospital ship and <b>two maritime patrol aircraft,
according to a statement from the defence ministry.
<p>Planners from both sides will meet in Da Nang in January to settle the schedule.
<div><span>Posted in <a href="/defense">Defense
"""


def test_html_without_article_fails(tmp_path, db):
    bad = write(tmp_path / "bad" / "menu.html", NAV_ONLY_HTML)
    assert_fails_alone(tmp_path, db, str(bad), ("no article", "no text"))


def test_broken_html_with_article_is_ingested(tmp_path):
    path = write(tmp_path / "broken.html", BROKEN_HTML)
    db = tmp_path / "b.db"
    report = bilat.ingest([str(path)], db=str(db))
    assert [i.status for i in report.items] == ["new"], report
    with bilat.open_store(str(db)) as store:
        text = store.document("broken.html")["text"]
    assert "joint search-and-rescue exercise" in text
    assert "two maritime patrol aircraft" in text
    assert "Planners from both sides will meet in Da Nang" in text
    assert "<p>" not in text and "<b>" not in text
    assert "window.dataLayer" not in text


# -- encodings -------------------------------------------------------------------

VIETNAMESE = (
    "Bộ trưởng Quốc phòng Việt Nam đã tiếp Đại sứ Hoa Kỳ tại Hà Nội. Hai bên nhất trí tăng cường "
    "hợp tác khắc phục hậu quả chiến tranh, tìm kiếm quân nhân mất tích và bảo đảm an ninh hàng hải "
    "ở Biển Đông.\n\nĐoàn công tác sẽ thăm Đà Nẵng và Biên Hòa vào tháng tới.\n"
)
_CP1258_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_cp1258(text: str) -> bytes:
    """cp1258 spells a toned letter as base letter (â, ơ, ư, ă… precomposed)
    plus a combining tone mark; Python's codec needs that split done first."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _CP1258_TONES))
            tones = "".join(p for p in parts if p in _CP1258_TONES)
            out.append((base + tones).encode("cp1258"))
    return b"".join(out)


def test_vietnamese_cp1258_is_decoded(tmp_path):
    data = encode_cp1258(VIETNAMESE)
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # the test is only meaningful if this is not UTF-8
    text = ingest_one_text(tmp_path, "tin-tuc.txt", data)
    assert "\ufffd" not in text
    for phrase in ("Bộ trưởng Quốc phòng Việt Nam", "Đại sứ Hoa Kỳ tại Hà Nội", "Biển Đông", "Đà Nẵng",
                   "Biên Hòa"):
        assert phrase in text


WINDOWS_1252_QUOTES = (
    "Officials described the visit as \u201ca milestone\u201d. The delegation\u2019s itinerary "
    "included talks in Hanoi and a port call in Da Nang \u2013 the first since the war.\n\n"
    "Observers called the mood \u201ccordial\u201d and the agenda \u201cambitious\u201d \u2026 "
    "one diplomat said it was \u2018the best meeting in years\u2019.\n"
)
WINDOWS_1252_ACCENTS = (
    "The na\u00efve assumption, said Jos\u00e9 Mu\u00f1oz of the S\u00e3o Paulo institute, is that the "
    "d\u00e9j\u00e0 vu of 1995 will repeat itself \u2014 \u201cit won\u2019t,\u201d he told reporters "
    "at a caf\u00e9 near the Ministry.\n\n"
    "Fran\u00e7oise M\u00fcller, a r\u00e9sum\u00e9 consultant from Z\u00fcrich, and Se\u00f1or "
    "Pe\u00f1a agreed that the \u00e0 la carte approach to defence cooperation had run its course.\n"
)


@pytest.mark.parametrize("encoding", ["cp1252"])
def test_windows_1252_curly_quotes_are_decoded(tmp_path, encoding):
    data = WINDOWS_1252_QUOTES.encode(encoding)
    text = ingest_one_text(tmp_path, "quotes.txt", data)
    assert "\ufffd" not in text
    for phrase in ("\u201ca milestone\u201d", "delegation\u2019s", "Da Nang \u2013 the first",
                   "\u2018the best meeting in years\u2019"):
        assert phrase in text


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_western_accents_are_decoded(tmp_path, encoding):
    source = WINDOWS_1252_ACCENTS
    if encoding == "latin-1":  # latin-1 has no curly quotes or dashes
        source = (source.replace("\u2014", "-").replace("\u201c", '"').replace("\u201d", '"')
                  .replace("\u2019", "'"))
    text = ingest_one_text(tmp_path, f"accents-{encoding}.txt", source.encode(encoding))
    assert "\ufffd" not in text
    for word in ("na\u00efve", "Jos\u00e9 Mu\u00f1oz", "S\u00e3o Paulo", "d\u00e9j\u00e0 vu", "caf\u00e9",
                 "Fran\u00e7oise M\u00fcller", "r\u00e9sum\u00e9", "Z\u00fcrich", "Se\u00f1or Pe\u00f1a",
                 "\u00e0 la carte"):
        assert word in text, f"{word!r} not in stored text {text!r}"


SHORT_WESTERN = [
    ("Le ministre a déclaré à Hanoï que la coopération était déjà très avancée.\n", "latin-1"),
    ("Première visite d\u2019un porte-avions américain au Viêt Nam depuis la fin de la guerre, "
     "a annoncé le ministère.\n", "cp1252"),
    ("The attaché met Señor Peña at the embassy\u2019s café; both described the visit as a "
     "\u201cdéjà vu\u201d of 1995.\n", "cp1252"),
    ("Vietnam\u2019s defence attaché, speaking at a café in Zürich, called the talks "
     "\u201ctrès cordiales\u201d.\n", "cp1252"),
]


@pytest.mark.parametrize("source,encoding", SHORT_WESTERN, ids=["fr-latin1", "fr-cp1252", "en-es", "en-fr"])
def test_short_western_text_is_decoded(tmp_path, source, encoding):
    """A one-line brief gives the detector little to go on; it must still not
    turn à, è, ê, ï, ñ into Baltic or Central European letters."""
    text = ingest_one_text(tmp_path, "brief.txt", source.encode(encoding))
    assert text == source.strip()


@pytest.mark.parametrize("bom,encoding", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
                         ids=["utf16le", "utf16be"])
def test_utf16_with_bom_is_decoded(tmp_path, bom, encoding):
    source = VIETNAMESE + "\n" + WINDOWS_1252_QUOTES
    text = ingest_one_text(tmp_path, "utf16.txt", bom + source.encode(encoding))
    assert "\ufffd" not in text
    assert "\ufeff" not in text
    assert "\x00" not in text
    assert text.startswith("Bộ trưởng Quốc phòng Việt Nam")
    assert "Đà Nẵng" in text
    assert "\u201ca milestone\u201d" in text


def test_utf8_with_bom_is_decoded(tmp_path):
    text = ingest_one_text(tmp_path, "bom.txt", codecs.BOM_UTF8 + VIETNAMESE.encode("utf-8"))
    assert text.startswith("Bộ trưởng")
    assert "\ufeff" not in text


# -- size --------------------------------------------------------------------------

def _sparse_file(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(b"Start of a very long transcript.\n")
        fh.truncate(size)
    return path


def test_50_mb_file_fails_as_too_large(tmp_path, db):
    bad = _sparse_file(tmp_path / "bad" / "huge.txt", 50 * 1024 * 1024)
    assert_fails_alone(tmp_path, db, str(bad), ("too large",))


def test_too_large_reason_states_the_default_limit(tmp_path):
    """The default cap is documented as 20 MB (CLI --max-size default 20.0);
    the reason should quote that figure, not a different rounding of it."""
    bad = _sparse_file(tmp_path / "huge.txt", 50 * 1024 * 1024)
    report = bilat.ingest([str(bad)], db=str(tmp_path / "s.db"))
    reason = report.items[0].reason
    assert "too large" in reason
    assert "20 MB" in reason, reason


def test_file_over_a_custom_cap_fails(tmp_path, db):
    bad = write(tmp_path / "bad" / "long.txt", "A sentence about patrol boats and their crews.\n" * 2000)
    assert_fails_alone(tmp_path, db, str(bad), ("too large",), options=ReadOptions(max_bytes=50_000))


# -- paths and URLs ----------------------------------------------------------------

def test_missing_path_fails(tmp_path, db):
    bad = tmp_path / "nowhere" / "missing.txt"
    assert_fails_alone(tmp_path, db, str(bad), ("no such file",))


@pytest.mark.parametrize("layout", ["empty", "unsupported"])
def test_folder_without_supported_files_fails(tmp_path, db, layout):
    folder = tmp_path / "bad" / "folder"
    folder.mkdir(parents=True)
    if layout == "unsupported":
        write(folder / "report.docx", b"PK\x03\x04 not really a docx")
        write(folder / "photo.jpg", PNG_BYTES)
        write(folder / ".hidden.txt", "A hidden note that should not be picked up by a folder walk.\n")
    assert_fails_alone(tmp_path, db, str(folder), ("no supported",))


@pytest.mark.parametrize("url", ["ftp://x/y", "http://", "https://", "http:///path/only", "file:///etc/hosts"])
def test_malformed_or_unsupported_url_fails(tmp_path, db, url):
    reason = assert_fails_alone(tmp_path, db, url, ("url",))
    assert "http" in reason


def test_url_missing_colon_fails(tmp_path, db, monkeypatch):
    # "http//x" has no scheme: it is a (missing) relative path.
    monkeypatch.chdir(tmp_path)
    assert_fails_alone(tmp_path, db, "http//x", ("no such file", "url"))


# -- Markdown front matter ---------------------------------------------------------

BAD_FRONT_MATTER = (
    "---\n"
    "title: [Navies agree on a rescue drill\n"
    "author: Lena Marsh: staff writer\n"
    "---\n\n"
    "The two navies agreed on Tuesday to hold a joint search-and-rescue exercise next spring.\n"
)


def test_markdown_with_invalid_front_matter_fails(tmp_path, db):
    bad = write(tmp_path / "bad" / "clipping.md", BAD_FRONT_MATTER)
    assert_fails_alone(tmp_path, db, str(bad), ("front matter",))


def test_markdown_front_matter_that_is_not_a_mapping_fails(tmp_path, db):
    bad = write(tmp_path / "bad" / "list.md",
                "---\n- just\n- a list\n---\n\nThe body of a clipping with enough words in it.\n")
    assert_fails_alone(tmp_path, db, str(bad), ("front matter",))


# -- CLI -------------------------------------------------------------------------------

def run_cli(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BILAT_DB"}
    env["PYTHONIOENCODING"] = "utf-8"
    return subprocess.run([sys.executable, "-m", "bilat.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120, **kwargs)


def test_cli_reports_each_bad_input_on_one_stderr_line(tmp_path):
    write(tmp_path / "good.txt", BEFORE_TEXT)
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "image.txt", PNG_BYTES)
    db = tmp_path / "cli.db"
    bad = ["missing.txt", "empty.txt", "image.txt", "ftp://x/y"]

    result = run_cli(["ingest", "good.txt", *bad, "--db", str(db), "--no-progress"], cwd=tmp_path)

    assert result.returncode == 1, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == len(bad), result.stderr
    for name in bad:
        naming = [line for line in lines if name in line]
        assert len(naming) == 1, f"{name}: {result.stderr}"
    assert "Traceback" not in result.stderr
    with bilat.open_store(str(db)) as store:
        names = [row["name"] for row in store.documents()]
    assert names == ["good.txt"]


def test_cli_missing_input_alone(tmp_path):
    write(tmp_path / "good.txt", BEFORE_TEXT)
    db = tmp_path / "cli.db"
    result = run_cli(["ingest", "good.txt", "missing.txt", "--db", str(db)], cwd=tmp_path)
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "missing.txt" in lines[0]
    assert "no such file" in lines[0]
    with bilat.open_store(str(db)) as store:
        assert [row["name"] for row in store.documents()] == ["good.txt"]
