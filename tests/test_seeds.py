"""Metadata and cleaning on the five seed documents (../shared/seeds)."""
from __future__ import annotations

from conftest import needs_shared, seed, stored_text

pytestmark = needs_shared


def test_all_seeds_stored_once(seeds_store):
    docs = seeds_store.documents()
    assert len(docs) == 5
    assert sorted(d["name"] for d in docs) == sorted(p.name for p in seed("000").parent.iterdir())


def test_seed_dates(seeds_store):
    assert seeds_store.document(seed("002").name)["published"] == "2025-11-02"
    assert seeds_store.document(seed("004").name)["published"] == "2024-02-06"


def test_seed_titles(seeds_store):
    titles = {d["name"][:3]: d["title"] for d in seeds_store.documents()}
    assert titles["000"] == "Vietnam and US deepen defense cooperation under comprehensive partnership"
    assert titles["001"].startswith("Vietnam and the U.S. Forge Stronger Defense Partnership")
    assert titles["002"] == "Vietnam, US agree to strengthen defense cooperation as Hegseth visits"
    assert titles["004"] == (
        "Vietnam-U.S. Security Cooperation Prospects under the Comprehensive Strategic Partnership")
    # 003 opens with a generic section heading, never a title
    assert titles["003"] and titles["003"] != "What's happened"


def test_seed_publishers(seeds_store):
    assert seeds_store.document(seed("002").name)["publisher"] == "Vietnam News Agency"
    assert seeds_store.document(seed("004").name)["publisher"] == "ISEAS – Yusof Ishak Institute"
    # prose that mentions a newspaper does not make it the publisher
    assert seeds_store.document(seed("003").name).get("publisher") is None


def test_language_is_english(seeds_store):
    assert {d["language"] for d in seeds_store.documents()} == {"en"}


def test_000_share_widgets_removed(seeds_store):
    text = stored_text(seeds_store, seed("000").name)
    assert "Post a Comment" not in text
    assert "Return Next" not in text
    assert text.endswith("prosperous Indo-Pacific.")
    # Vietnamese diacritics kept, in NFC
    assert "Biên Hòa" in text and "Đà Nẵng" in text


def test_001_broken_tags_removed(seeds_store):
    text = stored_text(seeds_store, seed("001").name)
    for markup in ("< strong >", "< / strong >", "< / li >", "<strong>", "</li>"):
        assert markup not in text
    assert "Comprehensive Capacity Building: Expand educational exchanges" in text


def test_002_caption_once_and_go_to_top_removed(seeds_store):
    text = stored_text(seeds_store, seed("002").name)
    caption = "review an honor guard in Hanoi, Nov. 2, 2025."
    assert text.count(caption) == 1
    assert "go to top" not in text.lower()
    assert text.rstrip().endswith("they exchanged wartime mementoes.")


def test_004_publisher_footer_and_markers_removed(seeds_store):
    text = stored_text(seeds_store, seed("004").name)
    for furniture in ("is published electronically by", "Heng Mui Keng Terrace", "Editorial Chairman",
                      "accepts no responsibility", "Copyright is held", "<p>", "<sup>", "-----"):
        assert furniture not in text
    # note markers go, ordinal superscripts keep their letters, the article stays
    assert "Cooperation.1 " not in text and "13th Party Congress" in text
    assert "approximately US\\$104 million" in text
    assert "Thượng tướng Nguyễn Chí Vịnh" in text  # the notes survive, diacritics intact


def test_sentence_offsets_point_into_stored_text(seeds_store):
    for doc in seeds_store.documents():
        text = stored_text(seeds_store, doc["name"])
        sents = seeds_store.sentences(doc["id"])
        assert len(sents) == doc["sentence_count"] > 5
        for s in sents:
            assert text[s["start"]:s["end"]] == s["text"]
        starts = [s["start"] for s in sents]
        assert starts == sorted(starts)


def test_sentences_split_at_dates_correctly(seeds_store):
    sents = [s["text"] for s in seeds_store.sentences(seed("002").name)]
    # "Nov. 2" must not end a sentence
    assert any(s.startswith("The two sides held talks in Hanoi on Nov. 2, during which") for s in sents)
