"""The agreement extractor: instruments, types, dates, parties, one record per instrument."""
from __future__ import annotations

import pytest

from bilat.extract import agreements
from bilat.nlp.annotate import AnnotatedDocument


def run(text: str, published: str = "2024-01-15"):
    adoc = AnnotatedDocument(text=text, name="t.txt", published=published)
    facts = agreements.extract(adoc)
    for fact in facts:
        assert adoc.text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote
        assert fact.kind == "agreement" and fact.extractor == "agreements"
    return facts


def fields(text: str, published: str = "2024-01-15"):
    return [(f.fields["type"], f.fields["date"]) for f in run(text, published)]


@pytest.mark.parametrize("text,expected", [
    ("In March 2018, Vietnam and Japan signed a memorandum of understanding on cyber defense.",
     [("mou", "2018-03")]),
    ("The 2019 letter of intent on military medicine remains in force.", [("letter_of_intent", "2019")]),
    ("The museum deal grew out of a 2021 memorandum of intent on public outreach.", [("letter_of_intent", "2021")]),
    ("The defense ministers issued a joint statement on maritime security on 12 May 2022.",
     [("joint_statement", "2022-05-12")]),
    ("Officials reviewed the joint vision statement they adopted in 2017.", [("joint_vision_statement", "2017")]),
    ("A bilateral agreement on search and rescue was reached in 2019.", [("agreement", "2019")]),
    ("The two navies agreed on an action plan for undersea medicine in 2021.", [("action_plan", "2021")]),
])
def test_types_and_dates(text, expected):
    assert fields(text) == expected


@pytest.mark.parametrize("text", [
    "The two sides agreed to strengthen cooperation in line with signed documents and agreements.",
    "The agreement of both sides on this point was welcomed.",
    "Officials said the partnership is not a military pact.",
    "There is broad agreement among analysts that ties will grow.",
    "The ministers signed agreements on trade, energy and education.",
    "In accordance with the agreement, the project continues.",
    "Diplomats said an agreement could be reached before the end of the year.",
])
def test_generic_uses_are_not_instruments(text):
    assert run(text) == []


def test_a_year_before_the_name_belongs_to_that_instrument():
    text = ("In 2016, the two governments adopted a joint vision statement on defense relations, which built on "
            "the 2012 memorandum of understanding on naval cooperation.")
    assert sorted(fields(text)) == [("joint_vision_statement", "2016"), ("mou", "2012")]


def test_signed_in_a_month_after_the_name():
    assert fields("A new Memorandum of Understanding (MoU) signed in early May 2023 covers demining.") == [
        ("mou", "2023-05")]


def test_timeline_entry():
    assert fields("Key dates:\nJuly 2014: memorandum of understanding on coast guard training") == [("mou", "2014-07")]


def test_mentions_of_one_instrument_are_one_record():
    text = ("Hanoi and Washington adopted a Joint Vision Statement on Defense Relations in 2018. "
            "The joint vision statement lists six priorities. Under the joint vision statement, exercises grew.")
    facts = run(text)
    assert len(facts) == 1
    assert facts[0].fields["date"] == "2018"
    assert facts[0].fields["name"] == "Joint Vision Statement on Defense Relations"


def test_different_topics_are_different_instruments():
    text = ("The two countries signed an MoU on peacekeeping training. Later they signed an MoU on "
            "military medicine.")
    assert [f.fields["name"] for f in run(text)] == ["MoU on peacekeeping training", "MoU on military medicine"]


def test_date_from_the_previous_sentence_on_the_same_topic():
    text = ("The leaders upgraded ties to a strategic partnership in August 2019. "
            "A joint statement on the strategic partnership lists maritime cooperation first.")
    assert fields(text) == [("joint_statement", "2019-08")]


def test_date_of_an_unrelated_previous_sentence_is_not_used():
    text = "Inflation rose in August 2019. The two sides also signed a joint statement on cyber cooperation."
    assert fields(text) == [("joint_statement", None)]


def test_parties_from_the_sentence_and_from_the_document():
    [fact] = run("Vietnam and India signed a memorandum of understanding on submarine rescue in 2022.")
    assert fact.fields["parties"] == ["VN", "IN"]
    text = ("The U.S. and Vietnam held talks in Hanoi. The U.S. side praised Vietnam. "
            "The two countries also signed a letter of intent on disaster response in 2020.")
    [fact] = run(text)
    assert fact.fields["parties"] == ["VN", "US"]


def test_multilateral_convention_has_no_parties():
    [fact] = run("Both sides backed freedom of navigation under UNCLOS in the East Sea.")
    assert fact.fields == {"name": "UNCLOS", "type": "treaty", "date": "1982",
                           "parties": None}
    assert fact.area == "maritime_security"


def test_area_from_the_name():
    [fact] = run("In 2020 the ministries signed a memorandum of understanding on dioxin remediation at airbases.")
    assert fact.area == "war_legacy"


def test_citations_and_source_lines_are_skipped():
    body = "Cooperation grew steadily over the decade and covered many fields of work.\n" * 4
    text = body + "Sources: White House, Joint Statement on the partnership (May 2016)."
    assert run(text) == []
    text = body + "Sources restated: White House, Joint Statement on the partnership (May 2016)."
    assert run(text) == []
    text = body + "ENDNOTES\n1 Embassy, \"Joint Statement on Defense\", May 2016, https://example.org/js."
    assert run(text) == []


def test_vietnamese_instrument():
    assert fields("Hai bên đã ký Bản ghi nhớ về hợp tác tìm kiếm cứu nạn năm 2019.") == [("mou", "2019")]


def test_two_instruments_in_one_sentence_are_two_records():
    text = ("Both sides said their cooperation rests on the 2011 memorandum of understanding on advancing "
            "bilateral defense cooperation and on the updated joint vision statement on defense relations "
            "agreed in 2024.")
    found = {(f.fields["type"], f.fields["date"]): f.fields["name"] for f in run(text)}
    assert set(found) == {("mou", "2011"), ("joint_vision_statement", "2024")}
    assert found[("mou", "2011")] == "memorandum of understanding on advancing bilateral defense cooperation"
    assert "memorandum" not in found[("joint_vision_statement", "2024")]


def test_a_titled_instrument_followed_by_that_is_still_an_instrument():
    text = ("The 2011 memorandum of understanding on defense cooperation and the Joint Vision Statement that "
            "the two defence ministers signed in Hanoi in June 2015 both anticipated industry ties.")
    assert sorted(fields(text)) == [("joint_vision_statement", "2015-06"), ("mou", "2011")]
