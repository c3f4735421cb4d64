"""Date mentions: bilat.nlp.dates.find_dates. Sentences are written for these tests."""
from __future__ import annotations

import datetime as dt

import pytest

from bilat.nlp.dates import DateMention, find_dates, parse_iso


def one(text: str, base: str | None = None) -> DateMention:
    found = find_dates(text, base)
    assert len(found) == 1, found
    d = found[0]
    assert text[d.start:d.end] == d.text
    return d


def values(text: str, base: str | None = None) -> list[str]:
    return [d.value for d in find_dates(text, base)]


# --------------------------------------------------------------------------- full dates

@pytest.mark.parametrize("text, phrase, value", [
    ("The frigate docked on December 14, 2024 in Cam Ranh.", "December 14, 2024", "2024-12-14"),
    ("Officials met on Dec. 14, 2024 to sign the plan.", "Dec. 14, 2024", "2024-12-14"),
    ("Officials met on Dec 14 2024 to sign the plan.", "Dec 14 2024", "2024-12-14"),
    ("The drill opened 14 December 2024 near Da Nang.", "14 December 2024", "2024-12-14"),
    ("The forum was held 7 March 2023 in Singapore.", "7 March 2023", "2023-03-07"),
    ("A record dated 2024-12-14 lists the donation.", "2024-12-14", "2024-12-14"),
    ("The deadline was Sept. 15, 2023 for all bids.", "Sept. 15, 2023", "2023-09-15"),
    ("It arrived on the 3rd of April 2022 at the port.", "3rd of April 2022", "2022-04-03"),
    ("Signed Monday, Jan. 6, 2025 in Hanoi.", "Monday, Jan. 6, 2025", "2025-01-06"),
])
def test_full_dates(text, phrase, value):
    d = one(text)
    assert (d.text, d.value, d.precision, d.relative, d.begin) == (phrase, value, "day", False, None)


def test_invalid_calendar_day_is_not_a_date():
    assert find_dates("The memo of February 30, 2024 is fake.") == [] or \
        all(d.precision != "day" for d in find_dates("The memo of February 30, 2024 is fake."))


def test_numeric_dates_month_first_in_english_day_first_when_forced():
    assert values("Filed 12/25/2024.") == ["2024-12-25"]
    assert values("Filed 25/12/2024.") == ["2024-12-25"]
    assert values("Filed 3/4/2024 by the clerk.") == ["2024-03-04"]
    assert values("Filed 03.04.2024 by the clerk.") == ["2024-04-03"]


# --------------------------------------------------------------------------- day and month without a year

def test_day_month_takes_the_base_year():
    d = one("The ministers spoke by phone on Jan. 8 about the cutters.", base="2025-03-01")
    assert (d.text, d.value, d.precision, d.relative) == ("Jan. 8", "2025-01-08", "day", True)


def test_day_month_nearest_to_base_crosses_year_backwards():
    assert values("Training ended Dec. 29 with a ceremony.", base="2026-01-03") == ["2025-12-29"]


def test_day_month_nearest_to_base_crosses_year_forwards():
    assert values("A port call is set for Jan. 4 next door.", base="2025-12-28") == ["2026-01-04"]


def test_day_first_without_year():
    assert values("The team left on 14 May for Hue.", base="2024-06-01") == ["2024-05-14"]


def test_day_range_without_year_is_start_day():
    d = one("The delegation visits Hanoi April 9–11 for talks.", base="2024-04-01")
    assert (d.text, d.value, d.begin, d.precision) == ("April 9–11", "2024-04-09", None, "day")


def test_day_range_with_year_is_start_day():
    d = one("The exercise ran Aug. 4-8, 2023 at sea.")
    assert (d.text, d.value, d.begin) == ("Aug. 4-8, 2023", "2023-08-04", None)
    d = one("The exercise ran 4–8 August 2023 at sea.")
    assert (d.value, d.begin) == ("2023-08-04", None)


def test_cross_month_day_range_is_start_day():
    d = one("The summit ran Sept. 29–Oct. 2, 2024 in Hanoi.")
    assert (d.value, d.begin, d.precision) == ("2024-09-29", None, "day")


def test_day_month_without_year_and_without_base_is_dropped():
    assert find_dates("The ministers spoke on Jan. 8 about cutters.") == []


def test_day_without_year_follows_full_date_in_same_paragraph():
    text = "On Aug. 30, 2018, the ship arrived. On Sept. 2, the crew went ashore."
    assert values(text, base="2025-06-01") == ["2018-08-30", "2018-09-02"]


def test_day_without_year_in_new_paragraph_uses_base():
    text = "On Aug. 30, 2018, the ship arrived.\nOn Sept. 2, the minister spoke."
    assert values(text, base="2025-09-10") == ["2018-08-30", "2025-09-02"]


# --------------------------------------------------------------------------- month and year

@pytest.mark.parametrize("text, phrase, value, qualifier", [
    ("The cutter was delivered in May 2021 to the coast guard.", "May 2021", "2021-05", None),
    ("Talks resumed in January 2020.", "January 2020", "2020-01", None),
    ("The MOU was signed in early March 2019 by both sides.", "early March 2019", "2019-03", "early"),
    ("Clean-up work finished in late September 2022.", "late September 2022", "2022-09", "late"),
    ("Phase two began mid-July 2024.", "mid-July 2024", "2024-07", "mid"),
    ("The plan dates from Feb. 2021.", "Feb. 2021", "2021-02", None),
])
def test_month_year(text, phrase, value, qualifier):
    d = one(text)
    assert (d.text, d.value, d.precision, d.qualifier) == (phrase, value, "month", qualifier)


def test_month_without_year_after_preposition():
    d = one("The carrier will return in August, officials said.", base="2024-05-02")
    assert (d.text, d.value, d.precision, d.relative) == ("August", "2024-08", "month", True)


def test_since_month_without_year_prefers_the_past():
    d = one("Since October, patrols have doubled.", base="2025-02-10")
    assert (d.value, d.qualifier) == ("2024-10", "since")


def test_may_the_verb_is_not_a_month():
    assert find_dates("The navy may 3D-print parts; it may march on.") == []


def test_sentence_final_period_not_in_month_span():
    d = one("The survey was done in December.", base="2023-01-10")
    assert d.text == "December"


# --------------------------------------------------------------------------- years, qualifiers, ranges

def test_plain_year():
    d = one("In 2014 the two navies held a drill.")
    assert (d.text, d.value, d.precision, d.qualifier, d.relative) == ("2014", "2014", "year", None, False)


def test_since_year():
    d = one("Patrols have grown since 2017 off the coast.")
    assert (d.text, d.value, d.qualifier) == ("since 2017", "2017", "since")


def test_by_year():
    d = one("The site should be clean by 2031, planners say.")
    assert (d.text, d.value, d.qualifier) == ("by 2031", "2031", "by")


@pytest.mark.parametrize("phrase, qualifier", [
    ("until 2028", "until"), ("before 2010", "before"), ("after 2012", "after"),
    ("pre-2016", "before"), ("post-2016", "after"), ("prior to 2014", "before"),
])
def test_preposition_qualifiers(phrase, qualifier):
    d = one(f"Funding stays flat {phrase} under the plan.")
    assert (d.text, d.qualifier) == (phrase, qualifier)


@pytest.mark.parametrize("phrase, value, qualifier", [
    ("early 2022", "2022", "early"), ("mid-2018", "2018", "mid"), ("late 2027", "2027", "late"),
    ("the end of 2026", "2026", "late"), ("the beginning of 2021", "2021", "early"),
])
def test_period_modifiers(phrase, value, qualifier):
    d = one(f"The review is due in {phrase} for the board.")
    assert (d.value, d.precision, d.qualifier) == (value, "year", qualifier)
    assert d.text.endswith(phrase.replace("the ", "", 1)) or d.text == phrase


def test_preposition_wins_over_modifier():
    d = one("The hulls should be ready by late 2029.")
    assert (d.text, d.value, d.qualifier) == ("by late 2029", "2029", "by")


def test_year_as_adjective():
    assert values("The 2013 framework and the 2023 joint leaders' statement were cited.") == ["2013", "2023"]
    assert values("A 2022 revised action plan was adopted.") == ["2022"]


@pytest.mark.parametrize("text, phrase", [
    ("Relations (2012–2019) grew steadily.", "2012–2019"),
    ("Data for 2012-2019 show a rise.", "2012-2019"),
    ("Aid rose from 2012 to 2019 in total.", "from 2012 to 2019"),
    ("Aid rose between 2012 and 2019 in total.", "between 2012 and 2019"),
    ("Aid rose from 2012 until 2019 in total.", "from 2012 until 2019"),
    ("The plan for 2012–19 was approved.", "2012–19"),
])
def test_year_ranges_value_is_end_begin_is_start(text, phrase):
    d = one(text)
    assert (d.text, d.value, d.begin, d.precision) == (phrase, "2019", "2012", "year")


def test_two_years_joined_by_and_are_not_a_range():
    assert values("Visits took place in 2015 and 2019.") == ["2015", "2019"]


def test_month_ranges():
    d = one("Repairs ran March–May 2024 at the yard.")
    assert (d.value, d.begin, d.precision) == ("2024-05", "2024-03", "month")
    d = one("Repairs ran from November 2023 to February 2024.")
    assert (d.text, d.value, d.begin) == ("from November 2023 to February 2024", "2024-02", "2023-11")
    d = one("Repairs ran between March and May 2024.")
    assert (d.value, d.begin) == ("2024-05", "2024-03")


def test_range_of_full_dates_written_with_words_is_a_period():
    d = one("The loan runs from Jan. 2, 2024 to March 31, 2025.")
    assert (d.value, d.begin, d.precision) == ("2025-03-31", "2024-01-02", "day")


def test_decades():
    d = one("Ties were frozen in the 1980s.")
    assert (d.text, d.value, d.begin) == ("1980s", "1989", "1980")
    d = one("Ties thawed in the late 1990s.")
    assert (d.text, d.value, d.begin, d.qualifier) == ("late 1990s", "1999", "1997", "late")


def test_quarters_halves_fiscal_years_seasons():
    d = one("Deliveries slipped to the third quarter of 2024.")
    assert (d.value, d.begin, d.precision) == ("2024-09", "2024-07", "month")
    assert values("Budget lines for FY2026 and fiscal year 2025.") == ["2026", "2025"]
    assert values("Figures for FY24 were lower.") == ["2024"]
    d = one("The survey closed in the summer of 2021.")
    assert (d.value, d.qualifier) == ("2021", "mid")
    d = one("The first half of 2023 was busy.")
    assert (d.value, d.begin) == ("2023-06", "2023-01")


# --------------------------------------------------------------------------- relative to the base date

BASE = "2025-11-05"  # a Wednesday


@pytest.mark.parametrize("phrase, value, precision", [
    ("last year", "2024", "year"), ("this year", "2025", "year"), ("next year", "2026", "year"),
    ("last month", "2025-10", "month"), ("this month", "2025-11", "month"), ("next month", "2025-12", "month"),
    ("yesterday", "2025-11-04", "day"), ("today", "2025-11-05", "day"), ("tomorrow", "2025-11-06", "day"),
    ("two years ago", "2023", "year"), ("three months ago", "2025-08", "month"),
    ("earlier this month", "2025-11", "month"), ("earlier this year", "2025", "year"),
])
def test_relative_to_base(phrase, value, precision):
    d = one(f"The deal was discussed {phrase} by the ministers.", base=BASE)
    assert (d.text, d.value, d.precision, d.relative) == (phrase, value, precision, True)


def test_relative_with_period_modifier():
    d = one("The order was placed late last year.", base=BASE)
    assert (d.text, d.value, d.qualifier) == ("late last year", "2024", "late")


def test_this_week_is_month_of_its_monday():
    assert values("Talks this week covered patrols.", base=BASE) == ["2025-11"]
    assert values("Talks this week covered patrols.", base="2025-11-02") == ["2025-10"]  # a Sunday


@pytest.mark.parametrize("phrase, value", [
    ("on Monday", "2025-11-03"), ("on Wednesday", "2025-11-05"), ("on Thursday", "2025-10-30"),
    ("last Wednesday", "2025-10-29"), ("next Monday", "2025-11-10"),
])
def test_weekdays(phrase, value):
    d = one(f"The minister said {phrase} that the deal holds.", base=BASE)
    assert (d.value, d.precision, d.relative) == (value, "day", True)


def test_relative_needs_a_base():
    assert find_dates("The deal was discussed last year and yesterday, on Monday.") == []


def test_relative_needs_a_fine_enough_base():
    assert find_dates("The deal was discussed yesterday.", base="2025-11") == []
    assert values("The deal was discussed last month.", base="2025-11") == ["2025-10"]


def test_recently_and_todays_are_ignored():
    assert find_dates("Relations recently improved in today's region.", base=BASE) == []


# --------------------------------------------------------------------------- anchored to an earlier date

def test_a_year_later_anchors_to_preceding_date():
    found = find_dates("The embargo ended in 2016. A year later, a cutter arrived.", base=BASE)
    assert [(d.text, d.value, d.relative) for d in found] == [
        ("2016", "2016", False), ("A year later", "2017", True)]


def test_chain_of_anchored_dates():
    text = "The plan began in 2012. Two years later it grew. The following year it doubled."
    assert values(text, base=BASE) == ["2012", "2014", "2015"]


def test_months_after_a_month():
    text = "The MOU was signed in June 2019. Three months after, the first team deployed."
    found = find_dates(text)
    assert [(d.text, d.value, d.precision) for d in found][1] == ("Three months after", "2019-09", "month")


def test_later_that_year():
    assert values("In March 2017 the carrier was announced; later that year it sailed.") == ["2017-03", "2017"]


def test_anchored_without_preceding_date_is_dropped():
    assert find_dates("A year later, nothing had changed.", base=BASE) == []


def test_the_next_year_without_anchor_falls_back_to_base():
    assert values("Funding is promised for the following year.", base=BASE) == ["2026"]


# --------------------------------------------------------------------------- Vietnamese

@pytest.mark.parametrize("text, value, precision", [
    ("Đoàn đến Hà Nội ngày 14 tháng 12 năm 2024 để hội đàm.", "2024-12-14", "day"),
    ("Lễ ký diễn ra ngày 14/12/2024 tại Hà Nội.", "2024-12-14", "day"),
    ("Lễ ký diễn ra ngày 3/4/2024 tại Hà Nội.", "2024-04-03", "day"),
    ("Tàu cập cảng vào tháng 12/2024.", "2024-12", "month"),
    ("Tàu cập cảng vào tháng 12 năm 2024.", "2024-12", "month"),
    ("Hai bên ký kết trong năm 2024.", "2024", "year"),
])
def test_vietnamese(text, value, precision):
    d = one(text)
    assert (d.value, d.precision) == (value, precision)


def test_vietnamese_span_and_qualifiers():
    d = one("Dự án sẽ hoàn thành vào cuối năm 2026.")
    assert (d.text, d.value, d.qualifier) == ("cuối năm 2026", "2026", "late")
    d = one("Hợp tác phát triển từ năm 2015 đến năm 2020.")
    assert (d.text, d.value, d.begin) == ("từ năm 2015 đến năm 2020", "2020", "2015")


def test_vietnamese_relative_and_yearless():
    assert values("Năm ngoái hai bên đã hội đàm.", base=BASE) == ["2024"]
    assert values("Cuộc họp diễn ra ngày 2/11 tại Hà Nội.", base=BASE) == ["2025-11-02"]


# --------------------------------------------------------------------------- not dates

@pytest.mark.parametrize("text", [
    "The C-130 and F-16 flew with a T-6 and a P-3C at level-2 readiness.",
    "A donation of $2025 and US$2,018 million was logged.",
    "It cost 2,100,000 dong and moved 1,200 soldiers.",
    "The 13th congress marked the 30th anniversary; he is the 29th secretary.",
    "Support rose 30% and then 2019% in the model.",
    "Call +84 24 3825 2040 or 024 3934 2016 for details.",
    "About 2000 troops and 1950 sailors took part.",
    "The crews cleared 2030 km and 2045 tonnes of soil.",
    "Some 1999 people attended, with 2020 million dong raised.",
    "See p. 2017 and No. 2018 of the gazette.",
    "The ratio was 2.2019 and the code 12,2019.",
    "The cutter is 378-foot long and carries 45 crew.",
])
def test_not_dates(text):
    assert find_dates(text, base=BASE) == []


def test_citation_year_is_a_date_pages_are_not():
    assert values("Asian Survey 2, no. 2 (2018): 5–14.") == ["2018"]


def test_years_out_of_range_are_ignored():
    assert find_dates("Events of 1885 and 2150 are out of scope.") == []


# --------------------------------------------------------------------------- contract

def test_sorted_non_overlapping_offsets():
    text = ("On Nov. 4, 2025 the ministers met; since 2016 ties grew; between 2016 and 2021 aid doubled; "
            "last year a cutter came; a year later another. In June, talks.")
    found = find_dates(text, base="2025-11-05")
    assert found == sorted(found, key=lambda d: d.start)
    for a, b in zip(found, found[1:]):
        assert a.end <= b.start
    for d in found:
        assert text[d.start:d.end] == d.text
        assert d.precision == {4: "year", 7: "month", 10: "day"}[len(d.value)]


@pytest.mark.parametrize("text, base", [
    (None, None), ("", "2025"), (b"2025", None), (12345, None), ("\x00" * 50, "garbage"),
    ("2025-" * 2000, "2025-13-45"), ("Nov. 31, 2025 and 2025-02-30", "2025-02-29"), ("May " * 500, None),
])
def test_never_raises(text, base):
    assert isinstance(find_dates(text, base), list)


def test_base_can_be_coarse_or_a_timestamp():
    assert values("It happened last year.", base="2025") == ["2024"]
    assert values("It happened last year.", base="2025-11-02T06:12:00") == ["2024"]
    assert values("It happened on Monday.", base=dt.date(2025, 11, 5)) == ["2025-11-03"]


def test_parse_iso():
    assert parse_iso("2025") == dt.date(2025, 1, 1)
    assert parse_iso("2025-11") == dt.date(2025, 11, 1)
    assert parse_iso("2025-11-02") == dt.date(2025, 11, 2)
    assert parse_iso("2025-11-02T06:12:00") == dt.date(2025, 11, 2)
    assert parse_iso("2025-13") is None
    assert parse_iso("not a date") is None
    assert parse_iso(None) is None



def test_years_after_a_following_date():
    d = one("Exports began three years after 2016 under the new rules.")
    assert (d.text, d.value, d.relative) == ("three years after 2016", "2019", True)
    d = one("The base opened two years after the 2018 agreement.")
    assert (d.text, d.value) == ("two years after the 2018", "2020")


def test_years_after_an_undated_event_is_dropped():
    assert find_dates("It came two years after the war ended.", base=BASE) == []
    assert values("A memo was signed in 2014. Two years after the memo, talks began.", base=BASE) == ["2014"]


def test_over_the_next_year_is_relative_to_base():
    assert values("The 2013 plan will be reviewed over the next year.", base=BASE) == ["2013", "2026"]


def test_weekday_before_a_full_date_is_part_of_it():
    found = find_dates("The ships left on Friday, 7 June 2024 at dawn.", base=BASE)
    assert [(d.text, d.value) for d in found] == [("Friday, 7 June 2024", "2024-06-07")]


def test_dates_inside_urls_are_ignored():
    text = "Source: https://news.example.org/2023/09/11/visit-2022 (accessed 2024)."
    assert values(text) == ["2024"]


def test_vietnamese_day_range_and_hom():
    d = one("Hội thảo diễn ra ngày 4-6/12/2024 tại Hà Nội.")
    assert (d.value, d.begin, d.precision) == ("2024-12-04", None, "day")
    assert values("Hai bên gặp nhau hôm 9/10.", base="2024-10-20") == ["2024-10-09"]


def test_vietnamese_relative_modifier():
    d = one("Dự án khởi công đầu năm nay.", base=BASE)
    assert (d.value, d.qualifier) == ("2025", "early")


def test_month_without_year_follows_month_year_in_same_paragraph():
    assert values("In June 2015 the plan was agreed. In September, ships came.", base=BASE) == ["2015-06", "2015-09"]


def test_number_after_day_and_is_a_count_not_a_day_range():
    d = one("Talks ended on Nov. 2 and 3 ships sailed.", base=BASE)
    assert (d.text, d.value) == ("Nov. 2", "2025-11-02")


# --------------------------------------------------------------------------- counting back, event anchors, bare months

def test_comparison_counts_back_from_a_date_in_its_own_sentence():
    found = find_dates("Patrol boats in service reached 60 in 2023, up from 45 a year earlier.", base=BASE)
    assert [(d.text, d.value, d.relative) for d in found] == [("2023", "2023", False),
                                                              ("a year earlier", "2022", True)]


def test_comparison_without_a_date_in_its_sentence_uses_the_base_not_an_older_sentence():
    text = "The academy opened in 1998. Training slots now number 30, compared with 22 a year earlier."
    found = find_dates(text, base="2025-06-01")
    assert [(d.text, d.value) for d in found] == [("1998", "1998"), ("a year earlier", "2024")]
    assert values(text) == ["1998"]  # no base: dropped, never 1997


def test_comparison_in_months_and_a_year_before_without_object():
    d = one("Patrol hours rose 12% from six months earlier, the unit said.", base="2025-06-10")
    assert (d.text, d.value, d.precision) == ("six months earlier", "2024-12", "month")
    found = find_dates("The base was built in 1965. Spare-part orders fell to 80 from 95 a year before.",
                       base="2025-06-10")
    assert [d.value for d in found] == ["1965", "2024"]


def test_comparison_may_use_a_date_later_in_its_sentence():
    assert values("Readiness was higher than a year earlier, according to the 2024 review.",
                  base=BASE) == ["2023", "2024"]


def test_narrative_counting_back_still_follows_the_story():
    assert values("The radar went up in 2018. Two years earlier, engineers surveyed the hill.",
                  base=BASE) == ["2018", "2016"]
    assert values("The hull was laid down in March 2020. Its design had been fixed a year earlier.",
                  base=BASE) == ["2020-03", "2019"]


def test_months_after_an_undated_event_are_dropped_not_anchored_elsewhere():
    text = "The frigate berthed at Cam Ranh in August 2022, barely two months after the minister's trip."
    assert [(d.text, d.value) for d in find_dates(text, base=BASE)] == [("August 2022", "2022-08")]
    text = ("Talks have run since 2011. The drill came nearly three years after Hanoi opened the port "
            "to foreign navies in March 2014.")
    assert values(text, base=BASE) == ["2011", "2014-03"]


def test_bare_month_after_for():
    d = one("A second ship visit is planned for November.", base="2025-03-10")
    assert (d.text, d.value, d.precision, d.relative) == ("November", "2025-11", "month", True)
    assert values("The audit for October found gaps.", base="2025-12-02") == ["2025-10"]


def test_bare_month_after_a_plan_looks_forward():
    # nearest to the base would be 2024-11; a plan points ahead
    assert values("Officials said joint drills are scheduled for November.", base="2025-03-20") == ["2025-11"]
    assert values("The cutter will return to Da Nang in October.", base="2025-12-10") == ["2026-10"]


def test_that_summer_takes_the_year_of_the_date_before_it():
    found = find_dates("The survey team arrived in May 2021. That summer, it mapped two sites.", base=BASE)
    assert [(d.text, d.value, d.qualifier) for d in found] == [("May 2021", "2021-05", None),
                                                               ("That summer", "2021", "mid")]
    assert values("Crews came in 2019 and later that autumn left.", base=BASE) == ["2019", "2019"]


def test_same_day_next_day_later_that_day():
    text = "The memo was signed on Aug. 12, 2022. Earlier the same day, the delegation toured the yard."
    assert values(text) == ["2022-08-12", "2022-08-12"]
    assert values("Talks ended on 3 April 2024; later that day the ships left.") == ["2024-04-03", "2024-04-03"]
    assert values("Divers deployed on 9 July 2023. The following day, remains were found.") == \
        ["2023-07-09", "2023-07-10"]


def test_day_anchors_need_a_day_in_the_same_paragraph():
    assert values("Divers deployed in July 2023. The next day, the weather turned.") == ["2023-07"]
    assert values("Divers deployed on 9 July 2023.\n\nThat same day, a storm hit.") == ["2023-07-09"]


def test_bare_that_summer_is_not_a_modifier():
    assert values("In 2019 talks began. Officials said that summer drills would expand.", base=BASE) == ["2019"]


def test_a_bare_weekday_after_a_future_verb_is_the_coming_one():
    base = "2025-11-01"  # a Saturday
    assert values("The minister met reporters on Sunday.", base) == ["2025-10-26"]
    assert values("The secretary, who is due in Hanoi on Sunday, will meet the minister.", base) == ["2025-11-02"]
    assert values("The ship will arrive in Da Nang on Tuesday.", base) == ["2025-11-04"]


def test_a_bare_month_after_the_publication_date_is_last_years_unless_the_sentence_looks_ahead():
    # news reports what happened: "in May awarded" in a November article is the May before
    assert values("In the air, the Pentagon in May awarded Insitu a contract.", "2019-11-20") == ["2019-05"]
    assert values("Vietnam opened the port in December, officials said.", "2019-11-20") == ["2018-12"]
    # a look ahead anywhere in the sentence keeps the nearest one
    assert values("The exercise in May will involve six ships.", "2019-11-20") == ["2020-05"]
    assert values("The navy expects the cutter in January.", "2019-11-20") == ["2020-01"]
    assert values("Talks held in March produced a deal.", "2019-11-20") == ["2019-03"]


def test_years_ago_this_week_keeps_the_month():
    assert values("A year ago this week, the president flew to Hanoi.", "2024-09-09") == ["2023-09"]
    assert values("Two years ago this month the ship arrived.", "2024-09-09") == ["2022-09"]
    assert values("A year ago, the president flew to Hanoi.", "2024-09-09") == ["2023"]


def test_a_month_of_last_this_or_next_year():
    assert values("The carrier's call in March last year was the first.", "2019-11-20") == ["2018-03"]
    assert values("Talks resume in June next year.", "2019-11-20") == ["2020-06"]
    assert values("The ship came on June 5 of last year.", "2019-11-20") == ["2018-06-05"]
    assert values("In March this year the cutter arrived.", "2019-11-20") == ["2019-03"]
