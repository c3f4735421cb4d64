"""The transfer extractor: item, quantity, status, mechanism, parties, dedupe."""
from __future__ import annotations

import pytest

from bilat.extract import transfers
from bilat.nlp.annotate import AnnotatedDocument


def run(text: str, published: str = "2024-01-15"):
    adoc = AnnotatedDocument(text=text, name="t.txt", published=published)
    facts = transfers.extract(adoc)
    for fact in facts:
        assert adoc.text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote
        assert fact.kind == "transfer" and fact.extractor == "transfers"
    return facts


def rows(text: str):
    return [(f.fields["item"], f.fields["quantity"], f.fields["status"]) for f in run(text)]


@pytest.mark.parametrize("text,expected", [
    ("The United States handed over three Island-class patrol boats to the Vietnam Coast Guard in 2018.",
     [("Island-class patrol boat", 3, "delivered")]),
    ("Washington pledged two more Hamilton-class cutters last year.", [("Hamilton-class cutter", 2, "committed")]),
    ("Hanoi is in talks with Lockheed Martin over the possible purchase of Black Hawk helicopters.",
     [("Black Hawk helicopter", None, "in_talks")]),
    ("Vietnam declined an offer of a used P-3C Orion.", [("P-3C Orion maritime patrol aircraft", 1, "declined")]),
    ("The air force took delivery of five T-6C trainers in November.", [("T-6 Texan II trainer", 5, "delivered")]),
    ("Vietnam agreed to buy a dozen Black Hawk helicopters.", [("Black Hawk helicopter", 12, "committed")]),
    ("The navy is considering Chinooks and various drones.",
     [("Chinook helicopter", None, "in_talks"), ("drone", None, "in_talks")]),
])
def test_item_quantity_status(text, expected):
    assert rows(text) == expected


@pytest.mark.parametrize("text", [
    "Two C-130 Hercules flew over the parade ground.",
    "The delegation toured a Hamilton-class cutter moored in Da Nang.",
    "Two US naval vessels called at Cam Ranh Bay for a port call and the crews provided medical care.",
    "Vietnam's navy conducted a search-and-rescue drill with helicopters provided by the air force.",
])
def test_no_transfer_without_transfer_context(text):
    assert rows(text) == []


def test_quantity_skips_modifiers_but_not_prepositions():
    assert rows("Japan donated six new fast patrol boats.") == [("patrol boat", 6, "delivered")]
    assert rows("The US supplied a fleet of patrol boats.") == [("patrol boat", None, "delivered")]
    assert rows("In 2019 the US delivered ScanEagle drones.") == [("ScanEagle drone", None, "delivered")]


def test_promise_of_a_delivery_is_a_commitment():
    assert rows("The U.S. has promised the delivery of four Metal Shark boats.") == [
        ("Metal Shark patrol boat", 4, "committed")]


def test_ordinal_anaphor_is_one_more_unit_of_the_last_family():
    text = ("The US transferred a Hamilton-class cutter in 2017. "
            "It later promised the transfer of a second one, which arrived in 2020.")
    facts = run(text)
    assert [(f.fields["item"], f.fields["quantity"], f.fields["status"], f.fields["date"]) for f in facts] == [
        ("Hamilton-class cutter", 1, "delivered", "2017"), ("Hamilton-class cutter", 1, "committed", "2020")]


def test_generic_noun_beside_a_named_family_is_not_another_transfer():
    text = "The US handed over two Island-class patrol boats, now the newest patrol boats in the fleet."
    assert rows(text) == [("Island-class patrol boat", 2, "delivered")]


def test_generic_item_covered_by_a_named_one_elsewhere_is_dropped():
    text = ("Talks continue on possible sales of Black Hawk helicopters. "
            "Reports mention discussions on helicopters and other aircraft.")
    assert rows(text) == [("Black Hawk helicopter", None, "in_talks")]


def test_repeated_transfer_is_one_record():
    text = ("Vietnam is in talks to buy F-16 fighter jets. Officials confirmed the F-16 discussions.")
    assert rows(text) == [("F-16 fighter jet", None, "in_talks")]


def test_supplier_recipient_and_mechanism():
    [fact] = run("Russia delivered two Kilo-class submarines to Vietnam in 2014.")
    assert (fact.fields["supplier"], fact.fields["recipient"], fact.fields["date"]) == ("RU", "VN", "2014")
    [fact] = run("The Coast Guard received six ScanEagle drones funded through Foreign Military Financing.")
    assert (fact.fields["supplier"], fact.fields["recipient"], fact.fields["mechanism"]) == ("US", "VN", "fmf")
    assert fact.area == "maritime_security"
    [fact] = run("Vietnam bought 12 T-6 Texan II trainers through Foreign Military Sales.")
    assert fact.fields["mechanism"] == "fms" and fact.area == "defense_trade"
    [fact] = run("Japan will provide patrol vessels to Vietnam under a yen loan.")
    assert (fact.fields["supplier"], fact.fields["recipient"], fact.fields["status"]) == ("JP", "VN", "committed")


def test_citation_lines_are_skipped():
    body = "Cooperation grew steadily over the decade and covered many fields of work.\n" * 4
    text = body + "Sources: Embassy release on the handover of two Island-class patrol boats (2018)."
    assert run(text) == []


def test_vietnamese_text():
    assert rows("Mỹ bàn giao tàu tuần duyên lớp Hamilton cho Việt Nam.") == [("Hamilton-class cutter", None, "delivered")]
