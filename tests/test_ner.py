"""Names the gazetteer lacks come from the NER model; the gazetteer wins."""
from __future__ import annotations

import pytest

import bilat
from bilat.nlp import ner
from bilat.nlp.gazetteer import find_mentions

needs_model = pytest.mark.skipif(not ner.available(), reason=ner.status())


@needs_model
def test_unknown_people_become_entities_and_gazetteer_wins():
    text = ("Deputy Minister Trinh Van Quyet met Admiral Carla Whitfield in Hanoi on Tuesday. "
            "They discussed the Bien Hoa cleanup.")
    known = find_mentions(text)
    found = ner.find_names(text, [(0, len(text))], known)
    names = {m.name: m for m in found}
    assert "Trinh Van Quyet" in names and names["Trinh Van Quyet"].type == "person"
    assert "Carla Whitfield" in names
    assert all(m.source == "ner" for m in found)
    # "Bien Hoa" is the gazetteer's (a place), never the model's guess
    assert "Bien Hoa" not in names
    assert any(m.name == "Bien Hoa" and m.type == "place" for m in known)
    for m in found:
        assert text[m.start:m.end] == m.text


@needs_model
def test_long_spans_are_cut_not_dropped():
    filler = "word " * 9000
    text = filler + "Colonel Tran Quoc Khanh spoke in Hanoi. " + filler + "General Amanda Brooks attended. "
    found = ner.find_names(text, [(0, len(text))], [])
    assert {"Tran Quoc Khanh", "Amanda Brooks"} <= {m.name for m in found}


@needs_model
def test_unknown_names_are_stored_with_their_mentions(tmp_path):
    doc = tmp_path / "visit.txt"
    doc.write_text("Navy chief visits Hanoi\n\nHanoi | 4 March 2024\n\n"
                   "Admiral Carla Whitfield visited Hanoi on March 4, 2024 and held talks with "
                   "Vietnamese officers about training.\n", encoding="utf-8")
    db = tmp_path / "t.db"
    assert bilat.ingest([str(doc)], db=str(db)).ok
    import sqlite3
    con = sqlite3.connect(db)
    rows = con.execute("SELECT e.name, e.type, e.source, m.text FROM mentions m JOIN entities e "
                       "ON e.id = m.entity_id").fetchall()
    con.close()
    assert ("Hanoi", "place", "gazetteer", "Hanoi") in rows
    if any(source == "ner" for _, _, source, _ in rows):  # only when a fact sentence names her
        assert any(name == "Carla Whitfield" for name, *_ in rows)


def test_turned_off_by_environment(monkeypatch):
    ner._load.cache_clear()
    monkeypatch.setenv("BILAT_NER", "0")
    try:
        assert not ner.available()
        assert "BILAT_NER=0" in ner.status()
        assert ner.find_names("Admiral Jane Doe spoke.", [(0, 23)], []) == []
    finally:
        ner._load.cache_clear()


@needs_model
def test_ships_named_after_people_are_equipment_not_people():
    text = ("Sailors from the aircraft carrier USS Carl Vinson toured Da Nang with Admiral John Aquilino. "
            "The visit by Carl Vinson lasted four days. The ex-USCGC John Midgett, a cutter, reached Vietnam "
            "later, and Jennifer Lopez sang.")
    found = {m.text: m.type for m in ner.find_names(text, [(0, len(text))], [])}
    assert found.get("USS Carl Vinson") == "equipment"
    assert found.get("John Midgett") == "equipment"  # right after a hull prefix
    assert found.get("Carl Vinson") == "equipment"  # named with a prefix elsewhere in the text
    assert found.get("John Aquilino") == "person" and found.get("Jennifer Lopez") == "person"
