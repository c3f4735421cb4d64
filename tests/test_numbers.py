"""The number grammar (bilat/nlp/numbers.py): money, counts, percentages and
physical quantities, with what is never a quantity left out."""
from __future__ import annotations

import pytest

from bilat.nlp.numbers import find_quantities


def one(text: str):
    found = find_quantities(text)
    assert len(found) == 1, found
    return found[0]


def values(text: str) -> list[tuple[float, str | None]]:
    return [(q.value, q.unit) for q in find_quantities(text)]


@pytest.mark.parametrize("text, value", [
    ("Washington pledged $95 million for the cleanup.", 95_000_000),
    ("The grant of US$7.25 million was signed.", 7_250_000),
    (r"A further US\$48 million went to training.", 48_000_000),  # Markdown-escaped dollar
    (r"Demining got \$3.4 million.", 3_400_000),
    ("The contract is worth $312,480,000 in total.", 312_480_000),
    ("Firearms accounted for $512,306.", 512_306),
    ("The agency spent US $6 million.", 6_000_000),
    ("An extra $40m was found.", 40_000_000),
    ("The deal is worth $1.2bn.", 1_200_000_000),
    ("The fund holds USD 15 million.", 15_000_000),
    ("It cost 250 million US dollars.", 250_000_000),
])
def test_usd_amounts(text, value):
    q = one(text)
    assert (q.value, q.unit, q.kind) == (value, "USD", "money")


@pytest.mark.parametrize("text, value, unit", [
    ("The ministry spent VND 900 billion on mine action.", 900_000_000_000, "VND"),
    ("Hanoi allocated 1.5 trillion dong to the project.", 1_500_000_000_000, "VND"),
    ("Quỹ nhận 120 tỷ đồng.", 120_000_000_000, "VND"),
    ("The EU gave €12m to the programme.", 12_000_000, "EUR"),
    ("Tokyo offered ¥3 billion in loans.", 3_000_000_000, "JPY"),
])
def test_other_currencies(text, value, unit):
    q = one(text)
    assert (q.value, q.unit) == (value, unit)


def test_letters_before_a_dollar_sign_are_not_a_currency():
    q = one("The navy commits $80 million to the port.")
    assert q.unit == "USD"


@pytest.mark.parametrize("text, value", [
    ("Teams found eight shells.", 8),
    ("Twenty-three villages were surveyed.", 23),
    ("Some three hundred and forty households benefit.", 340),
    ("About two dozen engineers arrived.", 24),
    ("A dozen doctors volunteered.", 12),
    ("Nearly half a million leaflets were printed.", 500_000),
    ("The campaign delivered 7 million vaccine doses.", 7_000_000),
    ("The census counted 1,250 veterans.", 1250),
])
def test_counts_in_digits_and_words(text, value):
    q = one(text)
    assert (q.value, q.unit, q.kind) == (value, None, "number")


def test_vague_plurals_are_not_numbers():
    assert find_quantities("Hundreds of volunteers and thousands of residents joined; dozens of teams") == []


@pytest.mark.parametrize("text, value", [
    ("Exports rose 12% last year.", 12),
    ("About 18 percent of the land is affected.", 18),
    ("Only 7.5 per cent of funds remain.", 7.5),
])
def test_percentages(text, value):
    q = one(text)
    assert (q.value, q.unit) == (value, "percent")


@pytest.mark.parametrize("text, value, unit", [
    ("Crews dug up 62,000 cubic metres of soil.", 62_000, "m3"),
    ("The lake holds 4,000 cubic meters of sediment.", 4_000, "m3"),
    ("Workers cleared 55 hectares near the runway.", 55, "ha"),
    ("The zone covers 12 square kilometres.", 12, "km2"),
    ("Pilots sprayed 11 million gallons of herbicide.", 11_000_000, "gal"),
    ("Samples held 870 mg/kg of dioxin.", 870, "mg/kg"),
    ("Fish samples showed 95 ppt.", 95, "ppt"),
    ("Teams removed 30 tonnes of scrap.", 30, "t"),
    ("The road runs 14 km along the coast.", 14, "km"),
])
def test_physical_quantities(text, value, unit):
    q = one(text)
    assert (q.value, q.unit, q.kind) == (value, unit, "measure")


def test_range_shares_scale_and_currency():
    assert values("The cost is put at $250-$380 million.") == [(250e6, "USD"), (380e6, "USD")]
    assert values("Between 3 and 4 million gallons were sprayed.") == [(3e6, "gal"), (4e6, "gal")]
    assert values("from 10 to 15 percent") == [(10, "percent"), (15, "percent")]


def test_range_with_full_numbers():
    assert values("between 1,300,000 and 3,900,000 people") == [(1_300_000, None), (3_900_000, None)]
    assert values("aid grew from $150 million to $275 million") == [(150e6, "USD"), (275e6, "USD")]


def test_pair_of_counts():
    assert values("officials verified 38 of 41 records") == [(38, None), (41, None)]


@pytest.mark.parametrize("text", [
    "The air force flies the C-295 and the F-35.",
    "a level-3 hospital and a P-8A aircraft",
    "Vietnam marked the 50th anniversary.",
    "Talks were held in 2019, 2021 and 2024.",
    "The ship docked on Dec. 4, 2024.",
    "The visit ran from 4-6 August 2025.",
    "It starts on 14 March.",
    "The briefing began at 08:45 am.",
    "Call (84) 2438 2500 for details.",
    "a four-year project and a 270-foot vessel",
    "Veterans returned in the 1980s.",
    "Vote counted on 12/5/2024.",
    "The 3G network and G20 summit",
])
def test_not_quantities(text):
    assert find_quantities(text) == []


def test_offsets_point_into_the_text():
    text = "Header line\nThe US gave an additional US$22.5 million in 2024."
    q = find_quantities(text)[0]
    assert text[q.start:q.end] == "US$22.5 million"
    shifted = find_quantities(text[12:], offset=12)[0]
    assert (shifted.start, shifted.end) == (q.start, q.end)


def test_approximate_and_open_marks():
    assert find_quantities("a 40-odd member team")[0].mark == "odd"
    assert find_quantities("over 25-plus sites")[0].mark == "plus"
    assert find_quantities("The 2+2 dialogue") == []


def test_vietnamese_separators():
    found = find_quantities("Quỹ chi 1.250,5 tỷ đồng, khoảng 2,5% ngân sách.", language="vi")
    assert [(q.value, q.unit) for q in found] == [(1_250_500_000_000, "VND"), (2.5, "percent")]


def test_numbers_inside_web_addresses_are_skipped():
    assert values("Read https://example.org/2023/09/report-45-ships or www.example.org/page/12 now") == []
