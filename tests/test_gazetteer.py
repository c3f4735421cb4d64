"""The gazetteer: aliases, diacritics, case, offsets, longest match, data validation."""
from __future__ import annotations


import pytest

from bilat.data import DataFileError
from bilat.nlp import gazetteer
from bilat.nlp.gazetteer import Mention, entity, find_mentions, fold


def ids(text: str) -> list[str]:
    return [m.entity for m in find_mentions(text)]


def test_offsets_point_into_the_original_text():
    text = "Ngày hôm qua, Bộ Quốc phòng và Hoa Kỳ đã gặp nhau tại Đà Nẵng."
    mentions = find_mentions(text)
    assert mentions, "expected Vietnamese mentions"
    for m in mentions:
        assert text[m.start:m.end] == m.text
    assert [m.entity for m in mentions] == ["ministry-of-national-defense", "US", "da-nang"]


def test_fold_keeps_length():
    for text in ["Biên Hòa", "Đà Nẵng – “Mỹ”", "Phạm Minh Chính’s"]:
        assert len(fold(text)) == len(text)
    assert fold("Biên Hòa") == "Bien Hoa"
    assert fold("Đà Nẵng") == "Da Nang"


@pytest.mark.parametrize("text,expected", [
    ("The United States of America and Viet Nam", ["US", "VN"]),
    ("Officials from the U.S. and the USA met.", ["US", "US"]),
    ("America and Việt Nam", ["US", "VN"]),
    ("Mỹ và Trung Quốc", ["US", "CN"]),
    ("Russia, Japan, Australia, India and South Korea", ["RU", "JP", "AU", "IN", "KR"]),
    ("the Philippines and Singapore", ["PH", "SG"]),
])
def test_country_aliases(text, expected):
    assert ids(text) == expected
    assert all(m.type == "country" for m in find_mentions(text))


def test_lowercase_us_is_a_pronoun():
    assert ids("Let us hope the talks help us all.") == []
    assert ids("Tell US officials") == ["US"]


def test_us_is_not_found_inside_longer_words():
    assert ids("USAID funds it") == ["usaid"]
    assert ids("USA") == ["US"]
    assert ids("USB drives and BUS lanes") == []


def test_us_dollar_is_not_the_country():
    assert ids("a grant of US$2 million") == []


def test_short_english_words_do_not_match_vietnamese_homographs():
    assert ids("My colleague said so.") == []          # Mỹ folds to My
    assert ids("Thái Bình Dương") == ["pacific-ocean"]  # not Thai (Thailand)


def test_diacritics_are_ignored_both_ways():
    assert ids("Biên Hòa airbase") == ["bien-hoa"]
    assert ids("Bien Hoa airbase") == ["bien-hoa"]
    assert ids("Biển Đông") == ["south-china-sea"]
    assert ids("Phạm Minh Chính and Phan Văn Giang") == ["pham-minh-chinh", "phan-van-giang"]


def test_organisation_aliases_share_one_id():
    text = "The Department of War, formerly the Department of Defense, also called the Pentagon or DoD."
    assert ids(text) == ["department-of-defense"] * 4
    assert all(m.country == "US" for m in find_mentions(text))


def test_vietnamese_services_and_acronyms():
    text = "The Vietnam Coast Guard (VCG) and the Vietnam People's Navy (VPN) under the MND."
    assert ids(text) == ["vietnam-coast-guard", "vietnam-coast-guard", "vietnam-peoples-navy",
                         "vietnam-peoples-navy", "ministry-of-national-defense"]
    assert ids("the mnd said") == []  # acronyms are case-sensitive


def test_long_names_ignore_case():
    assert ids("THE SOUTH CHINA SEA") == ["south-china-sea"]
    assert ids("the us coast guard") == ["us-coast-guard"]


def test_longest_match_wins():
    mentions = find_mentions("The U.S. Coast Guard sailed to the South China Sea.")
    assert [(m.text, m.entity) for m in mentions] == [("U.S. Coast Guard", "us-coast-guard"),
                                                       ("South China Sea", "south-china-sea")]


def test_people_carry_their_country():
    mentions = find_mentions("Secretary Pete Hegseth met General Phan Van Giang; Hegseth later left.")
    assert [(m.entity, m.name, m.type, m.country) for m in mentions] == [
        ("pete-hegseth", "Pete Hegseth", "person", "US"),
        ("phan-van-giang", "Phan Van Giang", "person", "VN"),
        ("pete-hegseth", "Pete Hegseth", "person", "US"),
    ]


def test_person_names_are_case_sensitive():
    assert ids("he travelled to lam dong") == []


def test_capital_is_the_city_after_a_preposition_and_the_government_otherwise():
    first, second = find_mentions("Talks were held in Hanoi. Hanoi wants more trainers.")
    assert (first.entity, first.type, first.country) == ("hanoi", "place", "VN")
    assert (second.entity, second.type, second.name) == ("VN", "country", "Vietnam")
    assert second.text == "Hanoi"
    washington = find_mentions("Washington has pledged support.")[0]
    assert washington.entity == "US"


def test_places_have_coordinates():
    record = entity("bien-hoa")
    assert record["type"] == "place" and record["country"] == "VN"
    lat, lon = record["coordinates"]
    assert 10 < lat < 12 and 106 < lon < 108
    assert entity("no-such-thing") is None


def test_programs():
    text = "funded through FMF and IMET, and Excess Defense Articles under the GPOI."
    assert ids(text) == ["fmf", "imet", "eda", "gpoi"]
    assert {m.type for m in find_mentions(text)} == {"program"}


def test_equipment_families_and_plurals():
    text = "It received three Island-class cutters, C-130s, two Chinooks and some helicopters."
    mentions = find_mentions(text)
    assert [(m.entity, m.type) for m in mentions] == [
        ("island-class-patrol-boat", "equipment"), ("c-130-transport-plane", "equipment"),
        ("chinook-helicopter", "equipment"), ("helicopter", "equipment")]
    assert entity("helicopter")["generic"] is True
    assert entity("chinook-helicopter")["generic"] is False


def test_named_family_absorbs_a_following_generic_noun():
    mentions = find_mentions("They flew ScanEagle reconnaissance drones.")
    assert [(m.text, m.entity) for m in mentions] == [("ScanEagle reconnaissance drones", "scaneagle-drone")]


def test_hyphen_and_space_variants():
    assert ids("a Hamilton class cutter") == ids("a Hamilton-class cutter") == ["hamilton-class-cutter"]
    assert ids("the C130 fleet") == ["c-130-transport-plane"]


def test_mentions_inside_urls_are_ignored():
    assert ids("see https://example.gov/vietnam-us-navy-visit for details") == []


def test_sorted_and_non_overlapping():
    text = "Vietnam, the US, China and ASEAN discussed the East Sea with the UN in Singapore."
    mentions = find_mentions(text)
    assert mentions == sorted(mentions, key=lambda m: m.start)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))
    assert all(isinstance(m, Mention) and m.source == "gazetteer" for m in mentions)


def test_duplicate_alias_is_reported_with_the_file(monkeypatch):
    def fake_load(name):
        if name == "entities.yaml":
            return {"countries": [{"id": "US", "name": "United States", "aliases": ["Freedonia"]},
                                  {"id": "FD", "name": "Freedonia"}]}
        return {"families": [{"name": "boat", "category": "boat"}]}

    monkeypatch.setattr(gazetteer, "load_yaml", fake_load)
    gazetteer._records.cache_clear()
    gazetteer._matcher.cache_clear()
    try:
        with pytest.raises(DataFileError, match="entities.yaml"):
            find_mentions("Freedonia")
    finally:
        monkeypatch.undo()
        gazetteer._records.cache_clear()
        gazetteer._matcher.cache_clear()


def test_bad_record_is_reported_with_the_file(monkeypatch):
    monkeypatch.setattr(gazetteer, "load_yaml",
                        lambda name: {"families": [{"name": "thing", "category": "spaceship"}]}
                        if name == "equipment.yaml" else {"countries": []})
    gazetteer._records.cache_clear()
    try:
        with pytest.raises(DataFileError, match="equipment.yaml.*category"):
            gazetteer._records()
    finally:
        monkeypatch.undo()
        gazetteer._records.cache_clear()
        gazetteer._matcher.cache_clear()


# --- spelling variants, alias prefix trees, new places, bare last names ------------------

@pytest.mark.parametrize("text, expected", [
    ("Exhibitors filled the Vietnam International Defense Expo halls.", ["vietnam-defence-expo"]),
    ("Exhibitors filled the Vietnam International Defence Expo halls.", ["vietnam-defence-expo"]),
    ("a stand at the VIETNAM DEFENSE EXPO", ["vietnam-defence-expo"]),
    ("a letter from the Department of Defence", ["department-of-defense"]),
    ("the Vietnamese Defence Ministry and the Defence Security Cooperation Agency",
     ["ministry-of-national-defense", "dsca"]),
    ("hulls sold as Excess Defence Articles", ["eda"]),
    ("the Viet Nam National Mine Action Center", ["vnmac"]),
])
def test_british_and_american_spellings_match_alike(text, expected):
    assert ids(text) == expected


def test_spelling_normalisation_keeps_length():
    from bilat.nlp.gazetteer import spelling
    for text in ["Defence and DEFENCE", "centres, Centre", "organisation"]:
        assert len(spelling(text)) == len(text)
    assert spelling("Defence centre organisation") == "Defense center organization"


def test_longer_alias_wins_over_a_spaced_variant_of_its_prefix():
    # "Viet Nam ..." and "Vietnam ..." aliases share a prefix tree; the longest alias must still win
    mentions = find_mentions("Buyers at the Vietnam International Defense Expo met the VietNam Coast Guard.")
    assert [(m.text, m.entity) for m in mentions] == [
        ("Vietnam International Defense Expo", "vietnam-defence-expo"),
        ("VietNam Coast Guard", "vietnam-coast-guard")]
    assert ids("crews of the Viet-Nam People's Navy") == ["vietnam-peoples-navy"]


@pytest.mark.parametrize("name, eid, country, lat, lon", [
    ("Phan Thiet", "phan-thiet", "VN", 10.9, 108.1),
    ("Gia Lam", "gia-lam", "VN", 21.0, 105.9),
    ("San Diego", "san-diego", "US", 32.7, -117.2),
    ("Seattle", "seattle", "US", 47.6, -122.3),
    ("Honolulu", "honolulu", "US", 21.3, -157.9),
    ("Hai Phong", "hai-phong", "VN", 20.8, 106.7),
    ("Can Tho", "can-tho", "VN", 10.0, 105.7),
    ("Dong Nai", "dong-nai", "VN", 11.1, 107.2),
    ("Quang Tri", "quang-tri", "VN", 16.8, 107.2),
    ("Hue", "hue", "VN", 16.5, 107.6),
])
def test_new_places(name, eid, country, lat, lon):
    mentions = find_mentions(f"The liaison team flew from {name} on a C-130.")
    assert (mentions[0].text, mentions[0].entity, mentions[0].type, mentions[0].country) == (name, eid, "place", country)
    coords = entity(eid)["coordinates"]
    assert abs(coords[0] - lat) < 0.3 and abs(coords[1] - lon) < 0.3


def test_places_with_diacritics_and_honolulu_is_not_hawaii():
    assert ids("Máy bay hạ cánh ở Phan Thiết và Cần Thơ.") == ["phan-thiet", "can-tho"]
    assert ids("The crew left Honolulu for Pearl Harbor.") == ["honolulu", "hawaii"]


def test_bare_last_name_after_the_full_name():
    text = ("Defense Minister Phan Văn Giang hosted Pete Hegseth in Hanoi. "
            "Giang said training would grow, and Hegseth agreed. “We are ready,” Giang added.")
    mentions = [m for m in find_mentions(text) if m.type == "person"]
    assert [(m.text, m.entity) for m in mentions] == [
        ("Phan Văn Giang", "phan-van-giang"), ("Pete Hegseth", "pete-hegseth"),
        ("Giang", "phan-van-giang"), ("Hegseth", "pete-hegseth"), ("Giang", "phan-van-giang")]
    for m in mentions:
        assert text[m.start:m.end] == m.text
    assert mentions[2].country == "VN" and mentions[2].name == "Phan Van Giang"


def test_bare_last_name_is_generic_over_people_in_the_data():
    text = "Prime Minister Pham Minh Chinh met Antony Blinken; later Chinh thanked the envoy."
    assert ids(text) == ["pham-minh-chinh", "antony-blinken", "pham-minh-chinh"]
    text = "Lloyd J. Austin III toured the ship. Austin praised the crew."
    assert ids(text) == ["lloyd-austin", "lloyd-austin"]


def test_bare_last_name_needs_the_full_name_first():
    assert ids("Chinh spoke first. Then Pham Minh Chinh left.") == ["pham-minh-chinh"]
    assert ids("Giang said the talks went well.") == []


def test_bare_last_name_inside_a_longer_name_is_not_the_person():
    text = "To Lam toured Gia Lam airport, then Lam Dong province. Lam said it went well."
    assert [(m.text, m.entity) for m in find_mentions(text)] == [
        ("To Lam", "to-lam"), ("Gia Lam airport", "gia-lam"), ("Lam", "to-lam")]
    text = "Phan Van Giang visited Ha Giang, and Giang Province officials met him."
    assert ids(text) == ["phan-van-giang"]


def test_bare_last_name_that_is_a_common_word_is_skipped():
    assert ids("Bui Thanh Son arrived. Son said the deal was near.") == ["bui-thanh-son"]


def test_bare_last_name_must_be_written_as_in_the_full_name():
    # Vietnamese "Trong" (in) is not "Trọng" (the name as written in the full mention)
    text = "Tổng Bí thư Nguyễn Phú Trọng tiếp khách. Trong buổi gặp, Trọng nói về hợp tác."
    mentions = [(m.text, m.entity) for m in find_mentions(text) if m.type == "person"]
    assert mentions == [("Nguyễn Phú Trọng", "nguyen-phu-trong"), ("Trọng", "nguyen-phu-trong")]
    assert ids("Joe Biden spoke. The giang river was calm; GIANG said nothing.") == ["joe-biden"]


def test_shared_last_name_goes_to_the_person_named_most_recently():
    text = "Nguyen Tan Cuong greeted Luong Cuong. Cuong later spoke."
    assert ids(text) == ["nguyen-tan-cuong", "luong-cuong", "luong-cuong"]
    text = "Luong Cuong greeted Nguyen Tan Cuong. Cuong later spoke."
    assert ids(text) == ["luong-cuong", "nguyen-tan-cuong", "nguyen-tan-cuong"]


def test_bare_last_names_link_throughout_a_long_text():
    paragraph = ("General Phan Van Giang and Secretary Pete Hegseth reviewed the cutter handover in Hai Phong. "
                 "Giang said the Vietnam Coast Guard would train more crews, and Hegseth praised the Defence "
                 "ties. Later Giang toured the South China Sea patrol base with Pham Minh Chinh. ")
    text = paragraph * 16
    assert 700 < len(text.split()) < 900
    assert sum(m.text == "Giang" for m in find_mentions(text)) == 32
