"""The event extractor: triggers, governing dates, lists, modality, actors, places,
references back to earlier events, citations, data validation, speed.

Every sentence here was written for these tests.
"""
from __future__ import annotations


import pytest

from bilat.data import DataFileError
from bilat.extract import EXTRACTORS, events
from bilat.nlp.annotate import AnnotatedDocument

# A Vietnam–US document: "the two sides" means both countries.
LEAD = "Vietnam and the United States keep building defense ties.\n\n"


def run(body: str, published: str | None = "2024-06-15", lead: str = LEAD):
    adoc = AnnotatedDocument(text=lead + body, name="t.txt", published=published)
    return adoc, events.extract(adoc)


def pairs(body: str, **kw) -> list[tuple[str, str]]:
    return [(f.fields["type"], f.fields["date"]) for f in run(body, **kw)[1]]


def only(body: str, **kw):
    facts = run(body, **kw)[1]
    assert len(facts) == 1, [(f.fields, f.extra) for f in facts]
    return facts[0]


def test_registered_and_shaped():
    assert events.extract in EXTRACTORS
    adoc, facts = run("Defense Secretary Pete Hegseth visited Hanoi on 4 May 2024 with a small delegation.")
    assert facts
    for f in facts:
        assert f.kind == "event" and f.extractor == "events"
        assert set(f.fields) == {"type", "date", "actors", "location", "modality"}
        assert f.fields["type"] in events.TYPES and f.fields["modality"] in events.MODALITIES
        assert adoc.text[f.evidence.start:f.evidence.end] == f.evidence.quote
        assert f.evidence.sentence_idx is not None
        assert 0 < f.confidence <= 1


# --- one rule at a time --------------------------------------------------------------

@pytest.mark.parametrize("sentence,expected", [
    ("Defense Secretary Pete Hegseth visited Hanoi on 4 May 2024 with a small delegation.",
     ("visit", "2024-05-04")),
    ("The two sides held talks in Hanoi on 4 May 2024 on war legacy work.", ("talks", "2024-05-04")),
    ("In March 2022 the two navies signed a letter of intent on search and rescue.",
     ("agreement_signing", "2022-03")),
    ("In 2021, Washington announced a further $20 million for demining.", ("announcement", "2021")),
    ("The former cutter was handed over to the Vietnam Coast Guard in Seattle in July 2021.",
     ("delivery", "2021-07")),
    ("Sailors from both navies conducted a joint diving exercise off Nha Trang in October 2019.",
     ("exercise", "2019-10")),
    ("The destroyer USS Mustin docked at Cam Ranh Bay on 12 April 2022.", ("port_call", "2022-04-12")),
    ("In 2013 Hanoi and Washington upgraded their ties to a comprehensive partnership.",
     ("relationship_upgrade", "2013")),
    ("Hanoi hosted its first international defense exhibition in December 2022.", ("expo", "2022-12")),
    ("In 2019 Vietnam cancelled a dozen planned engagement activities with the U.S. military.",
     ("cancellation", "2019")),
])
def test_each_type(sentence, expected):
    f = only(sentence)
    assert (f.fields["type"], f.fields["date"]) == expected


@pytest.mark.parametrize("sentence,expected", [
    ("Washington removed the last restrictions of its arms embargo in May 2016.", "2016-05"),
    ("Work to remove dioxin from the old airfield was completed in November 2018.", "2018-11"),
    ("Soil treatment at the site began in 2020 after years of planning.", "2020"),
    ("Vietnam deployed an engineering unit to Abyei for UN peacekeeping in 2022.", "2022"),
    ("In August 2021, Congress approved a plan to extend the training programme.", "2021-08"),
    ("Leaders gathered for the East Asia Summit in Jakarta in September 2023.", "2023-09"),
])
def test_other_happenings(sentence, expected):
    f = only(sentence)
    assert (f.fields["type"], f.fields["date"]) == ("other", expected)


def test_a_warship_visit_is_a_port_call_but_a_minister_visit_is_a_visit():
    assert pairs("The aircraft carrier USS Nimitz visited Da Nang on 3 May 2024.") == [("port_call", "2024-05-03")]
    assert pairs("Minister Phan Van Giang visited Washington on 3 May 2024.") == [("visit", "2024-05-03")]


def test_a_former_warship_arriving_is_a_delivery():
    assert pairs("The former USCGC Dallas, renamed for Vietnam's coast guard, arrived in Hai Phong "
                 "in October 2022.") == [("delivery", "2022-10")]


def test_announced_delivery_is_an_announcement_only():
    assert pairs("In 2022, Washington pledged the transfer of a third cutter to Vietnam.") == [
        ("announcement", "2022")]


def test_context_words_are_required():
    # "signed" with no instrument, "delivered" remarks, "lifted" without a restriction
    assert pairs("Giang signed off on the plan in 2019 after a long review.") == []
    assert pairs("The ambassador delivered remarks at the ceremony on 3 March 2024.") == []
    assert pairs("The mood lifted in 2019 as trade grew.") == []
    assert pairs("Both countries agreed to exercise restraint at sea in 2016.") == []


def test_two_instruments_signed_in_one_year_are_two_events():
    facts = run("In 2015 the two countries signed a memorandum of understanding on peacekeeping. "
                "Later in 2015 the defense ministers adopted a joint vision statement.")[1]
    assert [(f.fields["type"], f.fields["date"]) for f in facts] == [
        ("agreement_signing", "2015"), ("agreement_signing", "2015")]


def test_vietnamese_port_call():
    text = "Ngày 12/5/2024, tàu khu trục USS Halsey của Hải quân Hoa Kỳ đến thành phố Đà Nẵng, " \
           "bắt đầu chuyến thăm kéo dài năm ngày."
    f = only(text, lead="Việt Nam và Hoa Kỳ.\n\n")
    assert (f.fields["type"], f.fields["date"]) == ("port_call", "2024-05-12")


# --- negation, dates that do not govern, things that are not events -----------------------

def test_negated_event_is_dropped_but_the_affirmed_one_is_kept():
    facts = run("Vietnam skipped RIMPAC and did not take part in the exercise in 2020, "
                "despite having joined it in 2018.")[1]
    assert [(f.fields["type"], f.fields["date"]) for f in facts] == [("exercise", "2018")]


def test_periods_deadlines_tallies_and_modifiers_are_not_event_dates():
    assert pairs("From 2015 to 2022, Washington announced grants worth $40 million.") == []
    assert pairs("Officials expect the cleanup to be completed by 2030.") == []
    assert pairs("As of 2022, the teams had completed 150 recovery missions.") == []
    assert pairs("Both sides praised the 2011 memorandum and the progress since.") == []


def test_a_date_in_another_clause_does_not_govern():
    # 1975 belongs to "the war ended", not to the carrier's visit
    assert pairs("The carrier USS Vinson arrived off Da Nang on 5 March 2018, the first time an American "
                 "carrier had visited since the war ended in 1975.") == [("port_call", "2018-03-05")]


def test_a_date_closer_to_another_event_belongs_to_it():
    facts = run("Ties improved after Washington lifted its arms embargo in 2016, with ongoing discussions "
                "on the sale of patrol aircraft.")[1]
    assert [(f.fields["type"], f.fields["date"]) for f in facts] == [("other", "2016")]


def test_an_event_noun_in_a_time_adjunct_shares_the_date():
    facts = run("Relations were elevated to a comprehensive strategic partnership during President "
                "Joe Biden's visit to Hanoi in September 2023.")[1]
    assert sorted((f.fields["type"], f.fields["date"]) for f in facts) == [
        ("relationship_upgrade", "2023-09"), ("visit", "2023-09")]


def test_a_date_closing_another_phrase_does_not_date_a_coordinated_verb():
    assert pairs("The ministers reviewed cooperation results in 2023 and discussed plans for training.") == []
    # but a date of an event does carry over: "visited ... on DATE and held talks"
    got = pairs("Giang visited Washington on 8 May 2024 and held talks with his counterpart.")
    assert sorted(got) == [("talks", "2024-05-08"), ("visit", "2024-05-08")]


def test_a_sentence_initial_date_dates_a_definite_noun():
    assert pairs("In 2022, the dialogue was held in Washington.") == [("talks", "2022")]


def test_events_without_any_time_are_left_out():
    assert pairs("The two sides held talks on maritime security and agreed to expand training.") == []


def test_citations_and_sources_are_skipped():
    body = ("The minister visited Hanoi in March 2021 for the talks.\n\n"
            "Notes\n\n"
            "1 A. Writer, \u201cVietnam, US Sign Deal to Expand Ties,\u201d *Hanoi Daily*, July 9, 2019, "
            "<https://example.org/a>.\n"
            "2 In remarks at the summit in Da Nang in November 2017, the president praised Vietnam.\n\n"
            "Sources: ministry readout of the talks (March 2021); embassy release on the cutter handover "
            "(May 2017).")
    got = pairs(body)
    assert ("visit", "2021-03") in got
    assert ("other", "2017-11") in got          # a note written as prose still counts
    assert not any(date.startswith(("2019", "2017-05")) for _, date in got)


def test_wrapped_pdf_lines_are_read_as_one_sentence():
    body = ("U.S. Secretary of Defense Pete Hegseth made an official visit to Hanoi on\n"
            "2-3 November 2025 and held talks with Vietnam's minister of defense.")
    adoc, facts = run(body, published="2025-11-05")
    assert sorted((f.fields["type"], f.fields["date"]) for f in facts) == [
        ("talks", "2025-11-02"), ("visit", "2025-11-02")]
    assert all("\n" in f.evidence.quote for f in facts)


def test_a_heading_is_not_joined_to_the_next_line():
    body = "3. Training and expos\nIn May 2023 Vietnam sent a medical team to the Central African Republic."
    assert pairs(body) == [("other", "2023-05")]


# --- lists, relative dates, references back ------------------------------------------------

def test_dates_listed_together_give_one_event_each():
    got = pairs("Three American destroyers made port calls at Cam Ranh in 2016, 2019 and 2022, respectively.")
    assert got == [("port_call", "2016"), ("port_call", "2019"), ("port_call", "2022")]
    got = pairs("Hanoi held defense expos in December 2022 and December 2024, both with US participation.")
    assert got == [("expo", "2022-12"), ("expo", "2024-12")]


def test_relative_date_resolved_by_the_date_finder():
    got = pairs("In 2017 the airport cleanup was finished. Two years later, work commenced at the "
                "larger air base.")
    assert ("other", "2017") in got and ("other", "2019") in got


def test_definite_reference_takes_the_date_of_the_earlier_event():
    body = ("Giang and Hegseth held talks in Hanoi on 2 November 2025. "
            "They reviewed training and war legacy work. "
            "At the close of the talks, the ministers exchanged gifts.")
    got = pairs(body, published="2025-11-03")
    assert ("talks", "2025-11-02") in got and ("other", "2025-11-02") in got


def test_on_this_occasion_points_to_the_previous_event():
    body = ("Vietnam hosted the Indonesian president in March 2024. "
            "On this occasion, the two countries elevated ties to a comprehensive strategic partnership.")
    assert ("relationship_upgrade", "2024-03") in pairs(body)


def test_a_definite_noun_alone_is_not_a_new_event():
    body = ("The carrier USS Reagan arrived in Da Nang on 25 June 2024. "
            "The visit is scheduled to end on 30 June, the embassy said.")
    assert pairs(body) == [("port_call", "2024-06-25")]


def test_beginning_or_cancelling_an_event_is_that_event():
    assert pairs("The destroyer began its port visit to Da Nang on 6 May 2024.") == [("port_call", "2024-05-06")]
    f = only("Hanoi called off the port call by USS Mustin in May 2024.")
    assert (f.fields["type"], f.fields["modality"]) == ("port_call", "cancelled")
    f = only("Negotiations that began in 2023 have stalled.")
    assert (f.fields["type"], f.fields["date"]) == ("other", "2023")


def test_one_event_per_type_month_and_label_in_a_document():
    body = ("Washington lifted its arms embargo in May 2016. "
            "Since the lifting of the embargo in May 2016, sales have been small.")
    assert pairs(body) == [("other", "2016-05")]


def test_the_date_of_a_statement_dates_what_it_announces():
    f = only("President Obama said on Monday that Washington is lifting its ban on lethal arms sales.",
             published="2016-05-23")
    assert (f.fields["type"], f.fields["date"]) == ("other", "2016-05-23")


def test_an_event_noun_in_an_adjunct_takes_the_main_verb_date():
    got = pairs("June 2016: the last restrictions on arms sales were lifted during President Obama's visit.")
    assert sorted(got) == [("other", "2016-06"), ("visit", "2016-06")]


@pytest.mark.parametrize("sentence,expected", [
    ("The two navies celebrated the 20th anniversary of their first exchange on 8 May 2024.",
     ("other", "2024-05-08")),
    ("In 2021 Hanoi signed a contract for a dozen trainer aircraft.", ("agreement_signing", "2021")),
    ("Giang and Hegseth discussed cyber cooperation in Hanoi on 2 November 2025.", ("talks", "2025-11-02")),
    ("Giang attended the ASEAN defense ministers' meeting in Vientiane in November 2024.",
     ("talks", "2024-11")),
    ("Prime Minister Pham Minh Chinh received Pete Hegseth in Hanoi on 3 November 2025.",
     ("talks", "2025-11-03")),
])
def test_more_cues(sentence, expected):
    f = only(sentence, published="2025-12-01")
    assert (f.fields["type"], f.fields["date"]) == expected


# --- modality --------------------------------------------------------------------------------

def test_modality():
    assert only("Vietnam will host the next defense expo in December 2026.").fields["modality"] == "planned"
    assert only("US firms reportedly held talks with Hanoi in March 2023 on helicopters."
                ).fields["modality"] == "reported"
    assert only("The joint exercise planned for July 2020 was postponed.").fields["modality"] == "cancelled"
    assert only("In 2023, the two sides signed an MoU on cyber cooperation.").fields["modality"] == "occurred"
    f = only("In 2019 Hanoi cancelled a round of naval engagement talks.")
    assert f.fields["type"] == "talks" and f.fields["modality"] == "cancelled"


def test_planned_after_the_noun_and_by_a_forward_date():
    f = only("A visit by the Vietnamese defense minister to Washington is expected in May 2024.",
             published="2024-01-10")
    assert f.fields["modality"] == "planned"
    f = only("A further round of consultations will come later this year.", published="2024-03-01")
    assert (f.fields["type"], f.fields["modality"]) == ("talks", "planned")


def test_an_infinitive_is_not_a_plan():
    f = only("The first site to be completed was a lake near the base, finished in June 2022.")
    assert f.fields["modality"] == "occurred"


def test_a_future_date_is_planned_without_a_cue():
    f = only("Defense Secretary Pete Hegseth visits Hanoi in August 2026.", published="2026-01-10")
    assert f.fields["modality"] == "planned"


def test_a_cancellation_itself_occurred():
    f = only("In 2019 Vietnam cancelled a dozen planned engagement activities with the U.S. military.")
    assert f.fields["modality"] == "occurred"


# --- actors, places, areas ------------------------------------------------------------------

def test_actors_are_canonical_names():
    f = only("Defense Secretary Pete Hegseth visited Vietnam on 2 November 2025.", published="2025-11-03")
    assert f.fields["actors"] == ["Pete Hegseth", "United States"]
    assert f.fields["location"] == "Vietnam"  # the host country
    assert f.area == "dialogue"


def test_the_two_sides_are_both_countries():
    f = only("The two sides held talks in Hanoi on 4 May 2024.")
    assert f.fields["actors"] == ["Vietnam", "United States"]
    assert f.fields["location"] == "Hanoi"


def test_place_off_the_coast():
    f = only("In 2016 a US destroyer conducted a search and rescue exercise off the coast of Da Nang.")
    assert f.fields["location"] == "Da Nang"


def test_place_of_a_host_a_site_and_not_a_region():
    f = only("Vietnam hosted President Xi Jinping in December 2023.")
    assert f.fields["location"] == "Vietnam"
    f = only("The Da Nang airport cleanup was finished in 2018.")
    assert f.fields["location"] == "Da Nang"
    f = only("At a summit in November 2017, the president spoke about the Indo-Pacific.")
    assert f.fields["location"] is None


def test_an_event_dated_by_reference_takes_the_place_too():
    body = ("The two sides held talks in Hanoi on 2 November 2025. "
            "At the end of the talks, they exchanged gifts.")
    facts = run(body, published="2025-11-03")[1]
    other = next(f for f in facts if f.fields["type"] == "other")
    assert other.fields["location"] == "Hanoi"


def test_news_outlets_are_not_actors():
    f = only("According to Reuters, US companies held talks with Vietnamese officials in December 2022.")
    assert "Reuters" not in f.fields["actors"]
    assert f.fields["modality"] == "reported"


# --- data file, speed -------------------------------------------------------------------------

def test_bad_data_is_reported_with_the_file(monkeypatch):
    real = events.load_yaml

    def fake(name):
        data = real(name)
        if name == events.DATA_FILE:
            data = dict(data, rules=[{"type": "parade", "pattern": "marched"}])
        return data

    monkeypatch.setattr(events, "load_yaml", fake)
    events._config.cache_clear()
    try:
        with pytest.raises(DataFileError, match="events.yaml"):
            events._config()
    finally:
        monkeypatch.undo()
        events._config.cache_clear()


def test_upper_case_rule_pattern_is_refused(monkeypatch):
    real = events.load_yaml

    def fake(name):
        data = real(name)
        if name == events.DATA_FILE:
            data = dict(data, rules=[{"type": "visit", "pattern": "Visited"}])
        return data

    monkeypatch.setattr(events, "load_yaml", fake)
    events._config.cache_clear()
    try:
        with pytest.raises(DataFileError, match="lower case"):
            events._config()
    finally:
        monkeypatch.undo()
        events._config.cache_clear()




def test_a_list_of_dates_after_names_gives_one_event_each():
    found = pairs("Three U.S. aircraft carriers have called at Da Nang: the Carl Vinson in March 2018, "
                  "the Theodore Roosevelt in March 2020 and the Ronald Reagan in June 2023.")
    assert [p for p in found if p[0] == "port_call"] == [
        ("port_call", "2018-03"), ("port_call", "2020-03"), ("port_call", "2023-06")]


def test_two_deliveries_in_one_month_at_different_places_stay_two():
    body = ("A former U.S. Coast Guard cutter was handed over to the Vietnam Coast Guard in Honolulu in May 2017.\n\n"
            "The first six Metal Shark patrol boats were handed over in Quang Nam province in May 2017.")
    deliveries = [f for f in run(body)[1] if f.fields["type"] == "delivery"]
    assert sorted(f.fields["location"] for f in deliveries) == ["Honolulu", "Quang Nam"]
    assert all(f.fields["date"] == "2017-05" for f in deliveries)


def test_due_in_a_city_is_a_planned_visit_and_a_ship_expected_is_a_planned_port_call():
    visit = [f for f in run("U.S. Secretary of Defense Pete Hegseth is due in Hanoi on 2 November 2025 for talks.",
                            published="2025-11-01")[1] if f.fields["type"] == "visit"]
    assert [(f.fields["date"], f.fields["modality"]) for f in visit] == [("2025-11-02", "planned")]
    ship = [f for f in run("The hospital ship USNS Mercy is expected in Khanh Hoa province in August.",
                           published="2023-06-26")[1] if f.fields["type"] == "port_call"]
    assert [(f.fields["date"], f.fields["modality"]) for f in ship] == [("2023-08", "planned")]


def test_an_upgrade_in_a_when_clause_after_a_date_takes_that_date():
    assert ("relationship_upgrade", "2023-09") in pairs(
        "The Joint Leaders' Statement issued in September 2023, when the two countries upgraded ties to a "
        "Comprehensive Strategic Partnership, commits both sides to maritime work.")
    assert pairs("In September 2023 the two countries became comprehensive strategic partners.") == [
        ("relationship_upgrade", "2023-09")]
    assert pairs("Vietnam became a key partner in the region in 2020.") == []
    assert pairs("In September 2023 the two former enemies lifted their ties to a comprehensive strategic "
                 "partnership.") == [("relationship_upgrade", "2023-09")]
    assert pairs("In September 2023 the two countries jumped straight to a comprehensive strategic "
                 "partnership.") == [("relationship_upgrade", "2023-09")]
    assert pairs("In May 2016 Washington lifted the remaining arms embargo on its former enemy.") != [
        ("relationship_upgrade", "2016-05")]


def test_a_meeting_ahead_is_planned_talks_but_meeting_a_need_is_not():
    _, found = run("On Monday the president is due to meet Prime Minister Phạm Minh Chính in Hanoi.",
                   published="2023-09-11")
    assert [(f.fields["type"], f.fields["date"], f.fields["modality"]) for f in found] == [
        ("talks", "2023-09-11", "planned")]
    assert pairs("The defence minister will meet his counterpart in Hanoi in March 2026.") == [("talks", "2026-03")]
    assert pairs("The coast guard will meet the demand for patrols in 2026.") == []
    assert pairs("Vietnam will meet NATO standards in 2030.") == []


def test_a_ships_call_at_a_port_is_a_port_call():
    assert pairs("The USS Carl Vinson's call at Da Nang in March 2018 was the first by a carrier since the war.") == [
        ("port_call", "2018-03")]
    assert pairs("Vietnam's call in 2019 for restraint at sea was echoed by ships' captains.") == []


def test_peacekeepers_setting_out_are_a_deployment():
    assert pairs("Its first peacekeepers, two officers, left for the UN mission in South Sudan in June 2014.") == [
        ("other", "2014-06")]
    assert pairs("Sixty-three medics flew out to take over UN medical duties in Bentiu in October 2018.") == [
        ("other", "2018-10")]
    assert pairs("The minister left for Washington in June 2014 to discuss the plan.") == []
