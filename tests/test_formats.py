"""Each supported format: text, Markdown with front matter, HTML, PDF, stdin."""
from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

import bilat
from bilat.documents import RawInput, detect_format, load

HTML_PAGE = """<!doctype html>
<html lang="en"><head>
<title>Cutter handed over | Harbor Review</title>
<meta property="og:title" content="US hands third cutter to Vietnam Coast Guard">
<meta property="og:site_name" content="Harbor Review">
<meta name="author" content="Lan Pham">
<meta property="article:published_time" content="2024-07-16T09:00:00+07:00">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/defense">Defense</a></nav>
<div class="cookie">We use cookies to improve your experience. Accept all cookies</div></header>
<article>
<h1>US hands third cutter to Vietnam Coast Guard</h1>
<p>The United States handed over a third decommissioned Hamilton-class cutter to the Vietnam Coast Guard
on Tuesday in a ceremony at a port in South Carolina, officials said.</p>
<p>The vessel joins two earlier cutters transferred in 2017 and 2021 under the excess defense articles
programme, and will be used for maritime law enforcement patrols.</p>
<p>Officials from both countries described the transfer as a sign of growing trust between the two
militaries, nearly three decades after diplomatic ties were normalised.</p>
</article>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<section class="comments"><h3>Comments</h3><p>Great news, thanks for sharing!!!</p></section>
<aside><h3>Related articles</h3><ul><li><a href="/a">Navy ship visits Cam Ranh</a></li></ul></aside>
<footer><p>© 2024 Harbor Review. All rights reserved.</p></footer>
</body></html>"""

MARKDOWN = """---
title: "Bien Hoa cleanup enters new phase"
source: https://example.org/bien-hoa-phase
author: Minh Tran
published: 2024-12-05
publisher: Sample Wire
tags: [dioxin, war legacy]
---

# Bien Hoa cleanup enters new phase

Work at the Biên Hòa air base moved into a new phase this week, officials said.
The project treats soil contaminated with dioxin left from the war.
"""


def raw(name: str, data: bytes, content_type=None) -> RawInput:
    return RawInput(location=f"/virtual/{name}", name=name, data=data, content_type=content_type)


def test_plain_text_with_dateline(tmp_path):
    doc = load(raw("note.txt", (
        "Vietnam, US hold defense policy dialogue\n\nHanoi | 12 September 2023\n\n"
        "Senior officials of the two defense ministries met in Hanoi. They reviewed training "
        "and search-and-rescue cooperation.\n").encode()))
    assert doc.format == "text"
    assert doc.title == "Vietnam, US hold defense policy dialogue"
    assert doc.published == "2023-09-12"
    assert doc.language == "en"


def test_byline_gives_publisher_and_date():
    doc = load(raw("wire.txt", (
        "Ministers meet in Hanoi\n\nBy Reuters   March 5, 2024 | 10:01 pm\n\n"
        "The two defense ministers met in Hanoi to discuss maritime security and training programmes.\n"
    ).encode()))
    assert doc.publisher == "Reuters"
    assert doc.published == "2024-03-05"


def test_markdown_front_matter():
    doc = load(raw("clip.md", MARKDOWN.encode()))
    assert doc.format == "markdown"
    assert doc.title == "Bien Hoa cleanup enters new phase"
    assert doc.author == "Minh Tran"
    assert doc.published == "2024-12-05"
    assert doc.publisher == "Sample Wire"
    assert doc.extra["url"] == "https://example.org/bien-hoa-phase"
    assert not doc.text.startswith("---")
    assert "title:" not in doc.text
    assert "Biên Hòa" in doc.text


def test_html_main_text_and_meta():
    doc = load(raw("page.html", HTML_PAGE.encode()))
    assert doc.format == "html"
    assert doc.title == "US hands third cutter to Vietnam Coast Guard"
    assert doc.publisher == "Harbor Review"
    assert doc.published == "2024-07-16"
    assert "third decommissioned Hamilton-class cutter" in doc.text
    assert "growing trust" in doc.text
    for furniture in ("Share on Facebook", "Great news, thanks", "All rights reserved",
                      "Accept all cookies", "Navy ship visits Cam Ranh"):
        assert furniture not in doc.text


def test_html_detected_without_suffix():
    r = raw("download", HTML_PAGE.encode())
    assert detect_format(r) == "html"
    assert detect_format(raw("x", b"%PDF-1.7\n...")) == "pdf"
    assert detect_format(raw("x", b"just words")) == "text"
    assert detect_format(raw("x", b"---\ntitle: a\n---\nbody")) == "markdown"
    assert detect_format(raw("x", b"<p>hi</p>", content_type="text/html")) == "html"


def make_pdf(path, title, paragraphs):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.set_title(title)
    pdf.set_author("bilat tests")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for para in paragraphs:
        pdf.multi_cell(0, 6, para)
        pdf.ln(4)
    pdf.output(str(path))


def test_pdf_text_layer(tmp_path):
    path = tmp_path / "brief.pdf"
    make_pdf(path, "Policy brief on maritime cooperation", [
        "Policy brief on maritime cooperation",
        "The United States has provided patrol boats and training to the Vietnam Coast Guard "
        "since 2017, according to official statements.",
    ])
    report = bilat.ingest([str(path)], db=str(tmp_path / "t.db"))
    assert report.ok, report.failed
    with bilat.open_store(tmp_path / "t.db") as store:
        doc = store.document("brief.pdf")
    assert doc["format"] == "pdf"
    assert doc["title"] == "Policy brief on maritime cooperation"
    assert "patrol boats and training to the Vietnam Coast Guard" in doc["text"]


def test_vietnamese_text_nfc_and_language():
    decomposed = unicodedata.normalize("NFD", "Bộ trưởng Quốc phòng tiếp Bộ trưởng Hoa Kỳ tại Hà Nội. "
                                              "Hai bên thảo luận về hợp tác khắc phục hậu quả chiến tranh.")
    doc = load(raw("tin.txt", ("Tin quốc phòng\n\n" + decomposed).encode()))
    assert unicodedata.is_normalized("NFC", doc.text)
    assert "Bộ trưởng Quốc phòng" in doc.text
    assert doc.language == "vi"


def test_folder_is_walked_recursively(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("First note\n\nThe two navies held a search and rescue drill.")
    (tmp_path / "a" / "b" / "two.md").write_text(MARKDOWN)
    (tmp_path / "a" / "b" / "skip.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "a" / ".hidden.txt").write_text("Hidden\n\nshould not be read at all here")
    report = bilat.ingest([str(tmp_path / "a")], db=str(tmp_path / "t.db"))
    assert report.ok
    assert sorted(i.source.rsplit("/", 1)[-1] for i in report.items) == ["one.txt", "two.md"]


def test_stdin(tmp_path):
    db = tmp_path / "t.db"
    text = "Stdin note\n\nThe defense ministers agreed to expand training cooperation in 2025.\n"
    run = subprocess.run([sys.executable, "-m", "bilat.cli", "ingest", "-", "--db", str(db)],
                         input=text.encode(), capture_output=True)
    assert run.returncode == 0, run.stderr
    with bilat.open_store(db) as store:
        (doc,) = store.documents()
        assert doc["name"] == "stdin"
        assert "expand training cooperation" in store.document(doc["id"])["text"]


def test_pdf_wrapped_lines_are_joined_into_paragraphs(tmp_path):
    from bilat.documents.formats import unwrap_lines

    page = ("Wrapped paragraph heading\n"
            "The United States announced an additional US$130 million for the cleanup project, which\n"
            "raises total funding to about US$430 million according to the readout published on Monday.\n"
            "2. Next section\n"
            "Short closing line.")
    text = unwrap_lines(page)
    assert "project, which raises total funding" in text
    assert "\n2. Next section\n" in text
    assert text.startswith("Wrapped paragraph heading\nThe United States")


def test_pdf_sources_line_is_not_joined_to_the_paragraph():
    from bilat.documents.formats import unwrap_lines

    page = ("The brief closes with a long paragraph that runs to the full width of the page and then\n"
            "ends here with a final clause that is nearly as long as the widest line on the page.\n"
            "Sources: a ministry readout (2025); an embassy fact sheet (2024).")
    assert "\nSources: a ministry readout" in unwrap_lines(page)
