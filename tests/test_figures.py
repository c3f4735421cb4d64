"""The figure extractor (bilat/extract/figures.py) on sentences written for
these tests: which numbers are figures, and their unit, counted noun,
qualifier, change and as_of."""
from __future__ import annotations


import pytest

from bilat.extract.figures import extract
from bilat.nlp.annotate import AnnotatedDocument


def figures(text: str, published: str | None = "2025-06-20", title: str | None = None):
    adoc = AnnotatedDocument(text=text, name="t.txt", published=published, title=title)
    return extract(adoc)


def only(text: str, **kw):
    found = figures(text, **kw)
    assert len(found) == 1, [(f.fields["value"], f.fields["unit"]) for f in found]
    return found[0].fields


def keys(text: str, **kw) -> list[tuple[float, str]]:
    return [(f.fields["value"], f.fields["unit"]) for f in figures(text, **kw)]


# --- what is a figure --------------------------------------------------------

def test_money_figure_and_its_evidence():
    text = "Headline here\nThe embassy said the US will give US$62 million to clear unexploded ordnance in Quang Binh."
    [fact] = figures(text)
    assert fact.kind == "figure" and fact.extractor == "figures"
    assert (fact.fields["value"], fact.fields["unit"]) == (62_000_000, "USD")
    ev = fact.evidence
    assert text[ev.start:ev.end] == ev.quote and ev.quote.startswith("The embassy said")
    assert ev.sentence_idx == 1
    assert fact.area == "war_legacy"
    assert 0 < fact.confidence <= 1


def test_counts_percent_and_quantities():
    text = ("Teams recovered 412 sets of remains last year. Roughly 18% of the province is still affected. "
            "Crews have treated 61,000 cubic metres of soil.")
    assert keys(text) == [(412, "count"), (18, "percent"), (61000, "m3")]


def test_counted_noun_is_singular_and_short():
    fields = only("The two navies have completed 120 joint search missions since 2016.")
    assert fields["counted"] == "search mission"
    assert only("Officials said 35 American servicemen were repatriated.")["counted"] == "serviceman"
    assert only("The US has handed over 27 sets of documents to Hanoi.")["counted"] == "set of documents"


def test_pair_gives_two_figures_with_the_same_noun():
    found = figures("Hanoi has so far verified 38 of 41 records supplied by the Pentagon.")
    assert [(f.fields["value"], f.fields["counted"]) for f in found] == [(38, "record"), (41, "record")]


def test_range_gives_two_figures():
    found = figures("Officials expect the project to cost between $250 million and $380 million.")
    assert [(f.fields["value"], f.fields["qualifier"]) for f in found] == [(250e6, "exact"), (380e6, "exact")]


def test_number_without_noun_takes_the_noun_before_it():
    found = figures("Since 1988, more than 700 cases have been investigated and 512 resolved.")
    assert [(f.fields["value"], f.fields["counted"]) for f in found] == [(700, "case"), (512, "case")]


def test_four_digit_count_after_a_cue_is_not_a_year():
    fields = only("Some 2000 troops joined the drill.")
    assert (fields["value"], fields["counted"], fields["qualifier"]) == (2000, "troop", "approx")


def test_count_of_a_named_group():
    fields = only("Washington has trained 1,150 of Vietnam's peacekeepers.")
    assert (fields["value"], fields["counted"]) == (1150, "peacekeeper")


def test_vietnamese_text_gives_money_but_no_counts():
    adoc = AnnotatedDocument(text="Hoa Kỳ cam kết thêm 95 triệu USD cho 120 đợt tìm kiếm.",
                             published="2025-06-20", language="vi")
    [fact] = extract(adoc)
    assert (fact.fields["value"], fact.fields["unit"], fact.fields["change"]) == (95_000_000, "USD", "increment")


def test_number_of_phrase_names_the_counted_thing():
    fields = only("The number of identified sailors rose to 46 this spring.")
    assert (fields["value"], fields["counted"]) == (46, "sailor")


@pytest.mark.parametrize("text", [
    "The Joint Vision Statement was adopted in 2015 and renewed in 2024.",       # years
    "It was the 25th round of talks, held on 3 March.",                          # ordinal, date
    "The six-year effort ended after four months of delays.",                    # durations
    "Pilots trained on the C-130 and the T-6 before the F-16 talks.",            # names
    "The hospital is a level-2 unit; the cutter CSB 8021 is 115 metres long.",  # names, equipment size
    "The two sides agreed on three key priorities.",                             # the parties, abstract count
    "The US delivered 18 patrol boats and sold six drones to the coast guard.",  # transfers
    "Call 024 3934 5600 or write to PO Box 12.",                                 # phone, address
    "One official said the visit would go ahead.",                               # "one" as a pronoun
    "1. Maritime security",                                                      # list marker
    "Vietnam is among the top 10 buyers; it ranked 12 last year.",               # ranks
    "About one in five residents took part.",                                    # ratio
    "See Le Van B, Asian Security 9, no. 3 (2017): 201–19.",                      # a citation anywhere
])
def test_not_figures(text):
    assert figures(text) == []


def test_equipment_counted_in_a_visit_is_a_figure():
    fields = only("Four US warships visited Cam Ranh Bay in 2023.")
    assert (fields["value"], fields["counted"], fields["as_of"]) == (4, "warship", "2023")


def test_citations_in_notes_are_skipped_but_prose_notes_are_read():
    text = ("Body text about aid.\n\nNotes\n\n"
            '1 Tran Van A, "Demining in the Centre," Journal of Mine Action 14, no. 2 (2020): 33–41.\n'
            "2 The largest items were radar upgrades ($12.4 million) and spare parts ($0.9 million).\n")
    assert keys(text) == [(12_400_000, "USD"), (900_000, "USD")]


def test_note_line_citation_is_skipped_without_a_notes_heading():
    text = "Body.\n[4] Pham, \u201cMine Action in the Centre,\u201d Review 7 (2019), 22 pages, https://example.org/x."
    assert figures(text) == []


def test_long_sentence_quotes_the_clause():
    text = ("Officials from both ministries, meeting for the ninth time since the dialogue was created, reviewed "
            "progress on training, maritime law enforcement, search and rescue, military medicine and the "
            "long-running search for soldiers missing from the war; they noted that the US had provided "
            "$21 million for the hospital programme, and they agreed to keep meeting every year in the two "
            "capitals, alternating between Hanoi and Washington.")
    [fact] = figures(text)
    assert fact.evidence.quote.startswith("they noted that the US had provided $21 million")
    assert text[fact.evidence.start:fact.evidence.end] == fact.evidence.quote


def test_sources_line_is_skipped():
    assert figures("Sources: Embassy fact sheet (2023), 14 pages; Mekong Wire, 2 June 2025.") == []


def test_title_figure_kept_only_when_the_body_lacks_it():
    text = "US adds $25 million for demining\nThe US adds an extra $25 million for demining in Quang Tri."
    assert keys(text, title="US adds $25 million for demining") == [(25e6, "USD")]
    assert figures(text, title="US adds $25 million for demining")[0].evidence.sentence_idx == 1
    text = "Hanoi gets 12,000 tonnes of rice aid\nThe shipment arrived on Monday."
    assert keys(text, title="Hanoi gets 12,000 tonnes of rice aid") == [(12000, "t")]


# --- qualifier and change -------------------------------------------------------

@pytest.mark.parametrize("text, qualifier", [
    ("The fund has paid out more than $14 million.", "at_least"),
    ("Aid to the province has surpassed US$60 million.", "at_least"),
    ("Over 2,000 officers took English courses.", "at_least"),
    ("Deminers have cleared 40 sites or more.", "at_least"),
    ("Survey teams found 30-plus craters.", "at_least"),
    ("The zone covers approximately 48 hectares.", "approx"),
    ("Nearly 300 families were relocated.", "approx"),
    ("Some 4,500 villagers attended.", "approx"),
    ("With an estimated 2.1 million residents, the province is large.", "approx"),
    ("The contract is worth up to $15 million.", "at_most"),
    ("Levels reached as high as 900 ppt.", "at_most"),
    ("Fewer than 20 inspectors were available.", "at_most"),
    ("The embassy donated 750 hospital beds to the clinic network.", "exact"),
])
def test_qualifier(text, qualifier):
    assert only(text)["qualifier"] == qualifier


@pytest.mark.parametrize("text, change", [
    ("Washington announced an additional $45 million for the clinic.", "increment"),
    ("Hanoi received a separate US$9 million from the fund.", "increment"),
    ("The ministry asked for another $3 million.", "increment"),
    ("It also urged release of the agreed extra budget of $8 million.", "increment"),
    ("Funding rose by $12 million this year.", "increment"),
    ("The US gave $20 million more for the lake.", "increment"),
    ("Total funding now stands at $410 million.", "level"),
    ("A new $75 million package was signed.", "level"),
])
def test_change(text, change):
    assert only(text)["change"] == change


# --- as_of ----------------------------------------------------------------------

@pytest.mark.parametrize("text, as_of", [
    ("As of March 2024, 1,580 Americans were still unaccounted for.", "2024-03"),
    ("Between 2016 and 2022 the programme trained 840 officers.", "2022"),
    ("From 2018 to 2023 the US gave about $70 million in aid.", "2023"),
    ("The US granted $14 million to the coast guard in 2021.", "2021"),
    ("Four carriers called at Da Nang in 2018, 2020 and 2023.", "2023"),
    ("Since 2016 the US has provided $90 million for demining.", "2025-06-20"),
    ("The fund currently holds $40 million, up from its 2019 launch.", "2025-06-20"),
    ("The US has spent $6 million on the hospital, which deployed to Africa in 2018.", "2025-06-20"),
    ("Over 40,000 people have been killed by bombs since the war ended in 1975.", "2025-06-20"),
    ("Last year the fund disbursed $7 million.", "2024"),
    ("The agreement, signed in 2011, gave Vietnam $2 million in 2013.", "2013"),
])
def test_as_of(text, as_of):
    assert only(text)["as_of"] == as_of


def test_as_of_is_publication_date_or_none():
    assert only("The programme has trained 640 officers.")["as_of"] == "2025-06-20"
    assert only("The programme has trained 640 officers.", published=None)["as_of"] is None


def test_as_of_of_an_undated_sentence_is_the_event_reported_before_it():
    text = ("The ministers met in Hanoi on June 16. The US side announced an additional $33 million "
            "for the lake cleanup.")
    assert only(text)["as_of"] == "2025-06-16"


def test_year_naming_a_document_is_not_the_as_of():
    fields = only("Under the 2011 memorandum, the ministries have held 14 dialogue sessions.")
    assert fields["as_of"] == "2025-06-20"


# --- labels and speed --------------------------------------------------------------

def test_measure_and_subject_are_short_labels():
    fields = only("The US has provided over US$95 million for UXO clearance in Quang Tri.")
    assert fields["measure"] == "funding for UXO clearance in Quang Tri"
    assert fields["subject"] and len(fields["subject"]) < 60


def test_every_repeated_paragraph_yields_its_figures():
    paragraph = ("In 2024 the US gave an additional $12 million for demining, bringing the total to about "
                 "$150 million since 1993. Teams cleared 3,400 bombs across 52 hectares, officials said on "
                 "Tuesday. The two sides also discussed training, maritime law enforcement and the search "
                 "for soldiers missing from the war, and agreed to meet again next year in Hanoi. ")
    text = "\n\n".join(paragraph for _ in range(14))  # about 800 words
    adoc = AnnotatedDocument(text=text, published="2025-01-10")
    found = extract(adoc)
    assert len(found) == 4 * 14


def test_a_number_without_a_noun_after_it_counts_nothing_of_its_own():
    found = figures("Six more followed a year later.")
    assert all(f.fields.get("counted") not in ("more", "other", "additional") for f in found)


def test_in_the_region_of_is_approximate():
    (f,) = figures("From 1961 to 1971 U.S. forces sprayed in the region of 20 million gallons of herbicides.")
    assert f.fields["value"] == 20_000_000 and f.fields["qualifier"] == "approx"
