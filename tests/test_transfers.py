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
    ("The coast guard has received two dozen Metal Shark patrol boats.", [("Metal Shark patrol boat", 24, "delivered")]),
    ("Hanoi agreed to buy half a dozen ScanEagle drones.", [("ScanEagle drone", 6, "committed")]),
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


# --- individually named units ---------------------------------------------------------------

def test_a_named_ship_is_one_unit_of_the_family_named_before_it():
    text = ("The Philippine Navy operates Hamilton-class cutters. "
            "The former USCGC Dallas was handed over in Charleston in October 2011.")
    [fact] = run(text)
    assert (fact.fields["item"], fact.fields["quantity"], fact.fields["status"], fact.fields["date"]) == (
        "Hamilton-class cutter (former USCGC Dallas)", 1, "delivered", "2011-10")


def test_a_named_ship_without_a_class_nearby_falls_back_to_the_prefix_family():
    assert rows("Nigeria took delivery of the ex-USCGC Chase in 2011.") == [
        ("Coast Guard cutter (ex-USCGC Chase)", 1, "delivered")]


def test_ordinal_noun_with_a_named_apposition_is_one_record():
    text = ("Two Island-class patrol boats were handed over to Ukraine in 2019. "
            "A fourth boat, the ex-USCGC Drummond, was promised in 2021 and is being refitted for handover.")
    assert rows(text) == [("Island-class patrol boat", 2, "delivered"),
                          ("Island-class patrol boat (ex-USCGC Drummond)", 1, "committed")]


def test_each_listed_unit_has_its_own_record_date_and_status_beside_the_total():
    text = ("Two ex-US Hamilton-class cutters serve with the Philippine Navy: "
            "BRP Gregorio del Pilar (ex-USCGC Hamilton, transferred in 2011) and "
            "BRP Ramon Alcaraz (ex-USCGC Dallas, handed over in 2012).")
    facts = run(text)
    assert [(f.fields["item"], f.fields["quantity"], f.fields["date"]) for f in facts] == [
        ("Hamilton-class cutter", 2, "2011"),
        ("Hamilton-class cutter (BRP Gregorio del Pilar, ex-USCGC Hamilton)", 1, "2011"),
        ("Hamilton-class cutter (BRP Ramon Alcaraz, ex-USCGC Dallas)", 1, "2012")]


def test_a_hull_number_with_its_former_name_is_one_unit():
    text = ("Hamilton-class cutters are the largest ships of the Vietnam Coast Guard. "
            "CSB 8030 (ex-Rush, transferred in 2030) joined them.")
    assert rows(text) == [("Hamilton-class cutter (CSB 8030, ex-Rush)", 1, "delivered")]


def test_a_new_name_of_the_same_unit_is_not_another_unit():
    text = "The US transferred the former USCGC Rush in 2016, and the navy renamed it BRP Andres Bonifacio."
    assert rows(text) == [("Coast Guard cutter (former USCGC Rush)", 1, "delivered")]
    text = "The US transferred the USCGC Rush as well as the USCGC Chase in 2016."
    assert [q for _, q, _ in rows(text)] == [1, 1]


def test_a_ship_on_a_port_call_is_no_transfer():
    assert rows("USS Ronald Reagan arrived in Da Nang for a port call and the crews exchanged gifts.") == []


# --- parts of a batch -------------------------------------------------------------------------

def test_first_n_of_a_total_gives_the_total_committed_and_the_part_delivered():
    text = "The first three of 10 Bell 412 helicopters ordered by Thailand were handed over in May 2022."
    assert rows(text) == [("Bell 412 helicopter", 10, "committed"), ("Bell 412 helicopter", 3, "delivered")]


def test_a_number_standing_for_part_of_the_batch_named_before():
    text = ("Indonesia ordered eight Black Hawk helicopters. "
            "The first two were handed over on 3 March 2023, and the others are due next year.")
    facts = run(text)
    assert [(f.fields["item"], f.fields["quantity"], f.fields["status"], f.fields["date"]) for f in facts] == [
        ("Black Hawk helicopter", 8, "committed", None), ("Black Hawk helicopter", 2, "delivered", "2023-03-03")]


def test_part_of_a_batch_in_the_same_sentence_and_after_a_clause():
    assert rows("Thailand bought six Bell 412 helicopters; the last two arrived in 2021.") == [
        ("Bell 412 helicopter", 6, "committed"), ("Bell 412 helicopter", 2, "delivered")]
    text = "Ukraine received 18 Island-class patrol boats in stages, with the final four boats arriving in 2022."
    assert rows(text) == [
        ("Island-class patrol boat", 18, "delivered"), ("Island-class patrol boat", 4, "delivered")]
    assert rows("A fifth Bell 412 helicopter is on order, after the four delivered in 2020.") == [
        ("Bell 412 helicopter", 1, "committed"), ("Bell 412 helicopter", 4, "delivered")]


def test_part_of_a_batch_still_to_come_is_committed():
    text = "Japan pledged nine patrol vessels. The remaining five will be delivered by 2027."
    assert rows(text) == [("patrol boat", 9, "committed"), ("patrol boat", 5, "committed")]


def test_a_noun_after_the_number_must_fit_the_family():
    text = "Malaysia ordered four Black Hawk helicopters. The last two boats arrived in 2020."
    assert rows(text) == [("Black Hawk helicopter", 4, "committed")]


def test_numbers_that_are_not_parts_of_a_batch():
    assert rows("The two sides discussed the transfer of F-16 fighter jets. The two discussed it again.") == [
        ("F-16 fighter jet", None, "in_talks")]


def test_an_ordinal_before_a_generic_noun_counts_the_family_named_before():
    text = ("Two Island-class patrol boats were handed over in 2018. "
            "The first two patrol boats of a new batch were promised.")
    assert rows(text) == [("Island-class patrol boat", 2, "delivered"), ("Island-class patrol boat", 2, "committed")]


# --- sources and generic mentions -------------------------------------------------------------

def test_a_sources_label_inside_a_line_ends_the_transfers_of_that_line():
    body = "Cooperation grew steadily over the decade and covered many fields of work. " * 4
    text = body + "Sources: embassy note on two Bell 412 helicopters delivered (2019). Agency release on T-6 trainers."
    assert run(text) == []
    assert rows("We use three sources: these say Japan gave patrol boats.") == [("patrol boat", None, "delivered")]


def test_an_uncounted_mention_of_a_counted_family_with_the_same_status_is_dropped():
    text = ("Mexico's navy got former US Island-class patrol boats as grants. "
            "The ex-USCGC Point Jackson was handed over in 2019.")
    assert rows(text) == [("Island-class patrol boat (ex-USCGC Point Jackson)", 1, "delivered")]


def test_an_uncounted_mention_with_another_status_is_kept():
    text = "Vietnam once refused a used P-3C Orion. Talks on P-3C Orion aircraft later resumed."
    assert rows(text) == [("P-3C Orion maritime patrol aircraft", 1, "declined"),
                          ("P-3C Orion maritime patrol aircraft", None, "in_talks")]


def test_a_ship_named_twice_in_apposition_is_one_transfer():
    found = rows("CSB 8020, the former USCGC Morgenthau, was handed over to Vietnam in May 2017.")
    assert len(found) == 1 and found[0][1:] == (1, "delivered"), found


def test_the_remaining_part_of_a_batch_scheduled_to_arrive_is_committed():
    text = ("Vietnam ordered 12 T-6C Texan II trainers. The first five were delivered in November 2024; "
            "the remaining seven are scheduled to arrive in 2025.")
    assert ("T-6 Texan II trainer", 7, "committed") in rows(text)
    assert ("T-6 Texan II trainer", 5, "delivered") in rows(text)


def test_a_sentence_saying_nothing_was_sold_is_no_transfer():
    assert rows("No fighter, transport aircraft or helicopter sale has been concluded.") == []
    assert rows("Neither C-130s nor F-16s have been delivered so far.") == []
