"""The shipped sample corpus ingests as documented in examples/README.md."""
from __future__ import annotations

import bilat
from conftest import CORPUS


def test_corpus_ingests_with_one_syndicated_copy(tmp_path):
    db = str(tmp_path / "c.db")
    report = bilat.ingest([str(CORPUS)], db=db)
    assert report.ok, [(i.source, i.reason) for i in report.failed]
    assert report.counts() == {"new": 13, "syndicated": 1}
    copy = next(i for i in report.items if i.status == "syndicated")
    assert copy.source.endswith("07_roosevelt-port-call-republished.md")
    with bilat.open_store(db) as store:
        docs = {d["name"]: d for d in store.documents()}
        assert len(docs) == 13
        original = store.document("06_roosevelt-port-call.html")
        names = [a["name"] for a in original["appearances"]]
        assert names == ["06_roosevelt-port-call.html", "07_roosevelt-port-call-republished.md"]
        # the copy keeps its own outlet and date on its appearance
        assert original["appearances"][1]["publisher"] == "Mekong Wire (sample)"
        assert original["appearances"][1]["published"] == "2020-03-06"
        formats = {d["format"] for d in docs.values()}
        assert formats == {"text", "markdown", "html", "pdf"}
        assert docs["08_reagan-da-nang-vi.md"]["language"] == "vi"
        assert docs["13_policy-brief.pdf"]["published"] == "2025-11-05"
        assert all(d["published"] for d in docs.values()), "every sample document is dated"
        assert all(d["title"] for d in docs.values())
        for name in ("03_carl-vinson-da-nang.html", "12_defense-expo-2024.html"):
            text = store.document(name)["text"]
            assert "cookie" not in text.lower() and "©" not in text
    again = bilat.ingest([str(CORPUS)], db=db)
    assert again.counts() == {"unchanged": 14}


def test_every_sample_document_names_its_sources():
    for path in sorted(CORPUS.iterdir()):
        if path.suffix == ".pdf":
            from pypdf import PdfReader
            text = "\n".join(page.extract_text() for page in PdfReader(path).pages)
        else:
            text = path.read_text(encoding="utf-8")
        assert "sources" in text.lower(), f"{path.name} does not name the sources it restates"


def test_syndicated_copy_states_its_facts_under_its_own_name(tmp_path):
    from bilat.report.export import export_records

    db = str(tmp_path / "c.db")
    bilat.ingest([str(CORPUS / "06_roosevelt-port-call.html"),
                  str(CORPUS / "07_roosevelt-port-call-republished.md")], db=db)
    with bilat.open_store(db) as store:
        every = export_records(store)
        once = export_records(store, every_appearance=False)
    original = [r for r in every if r["doc"] == "06_roosevelt-port-call.html"]
    copy = [r for r in every if r["doc"] == "07_roosevelt-port-call-republished.md"]
    assert original and len(copy) == len(original)
    assert {r["appearance"] for r in copy} == {"syndicated"}
    assert {r["id"] for r in copy} == {r["id"] for r in original}  # the same facts, not new ones
    assert len(once) == len(original) and {r["doc"] for r in once} == {"06_roosevelt-port-call.html"}
