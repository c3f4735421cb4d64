"""One fact, many sources: merged facts, figure series, conflicts, source
profiles and entities, on a real SQLite store.

Three kinds of evidence:

* short news-like documents written here, each case in its own store: a true
  conflict, near-misses that must not conflict, a series, merges that must
  and must not happen, a syndicated copy, incremental updates;
* the shared seed documents (skipped when ../shared/seeds is absent);
* the sample corpus (examples/corpus), also through the command line.

The numbers in the documents written here are fictional but plausible.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from itertools import combinations
from pathlib import Path

import pytest
from sqlalchemy import select

import bilat
from bilat import pipeline
from bilat.errors import NotFound
from bilat.store.schema import fact_merges, facts as facts_table, merged_facts as merged_table
from conftest import CORPUS, ROOT, SEEDS, needs_shared, seed

# --- documents written for these tests -------------------------------------------
# name -> (title, dateline, body). Each becomes "title\n\ndateline\n\nbody".

DOCS = {
    # (a) a true conflict: two outlets, same month, same measure, incompatible values
    "conflict_harbor.txt": (
        "Bien Hoa cleanup funding reaches new mark", "Hanoi | 12 March 2024",
        "Total US funding for the Bien Hoa dioxin cleanup now stands at US$300 million, the US Embassy said on "
        "Tuesday. Engineers at the former air base in Dong Nai province are treating contaminated soil in a new "
        "containment area, and officials expect the excavation season to start before the rains. Local residents "
        "have asked for regular updates on air and water testing around the perimeter of the site."),
    "conflict_ledger.txt": (
        "Auditors question pace of dioxin work", "Ho Chi Minh City | 20 March 2024",
        "Washington has provided a total of US$180 million in funding for the Bien Hoa dioxin cleanup, according "
        "to a tally by the Delta Ledger. The figure counts only grants announced in official releases since work "
        "began, the newspaper said, and excludes planned contributions. Vietnamese provincial officials declined "
        "to comment on the gap between the two accounts of the programme."),
    # one visit, dated to its month by one outlet and only to its year by another
    "visit_month.txt": (
        "Defense chief's Hanoi trip", "Hanoi | 30 September 2023",
        "In September 2023, the U.S. Secretary of Defense visited Hanoi for talks on maritime security cooperation "
        "and war legacy work with Vietnam's Minister of National Defense."),
    "visit_year.txt": (
        "A year of defense ties", "Washington | 20 December 2023",
        "Earlier in 2023, the U.S. Secretary of Defense visited Hanoi for talks on maritime security cooperation "
        "and war legacy work, officials recalled."),
    # one agreement, named in English by one source and in Vietnamese by another
    "mou_english.txt": (
        "Search and rescue pact signed", "Hanoi | 14 June 2024",
        "On 12 June 2024, Vietnam and the United States signed a memorandum of understanding on search and "
        "rescue cooperation at sea."),
    "mou_vietnamese.txt": (
        "Ký kết hợp tác tìm kiếm cứu nạn", "Hà Nội | 15 June 2024",
        "On 12 June 2024, Vietnam and the United States signed the Biên bản ghi nhớ về hợp tác tìm kiếm cứu nạn "
        "trên biển, a memorandum of understanding, officials said."),
    # (b) near-miss: the same measure six months later (a series, not a conflict)
    "later_september.txt": (
        "Bien Hoa donors meet in Dong Nai", "Bien Hoa | 17 September 2024",
        "Total US funding for the Bien Hoa dioxin cleanup has risen to US$340 million, the US Agency for "
        "International Development said at a meeting with provincial leaders. The agency also presented soil "
        "sampling results from the northern part of the base."),
    # (b) near-miss: a floor and an exact value of the same period
    "floor_900.txt": (
        "MIA teams press on in central provinces", "Hue | 6 May 2024",
        "More than 900 sets of remains of American service members have been repatriated from Vietnam since 1973, "
        "the Defense POW/MIA Accounting Agency said. Field teams will return to Quang Tri province after the "
        "rainy season, officials added."),
    "exact_940.txt": (
        "Repatriation ceremony held at Da Nang airport", "Da Nang | 24 May 2024",
        "A total of 940 sets of remains of American service members have now been repatriated from Vietnam, a US "
        "Embassy spokesperson said at the ceremony. The flag-draped cases were carried aboard a military aircraft "
        "bound for Hawaii."),
    # (b) near-miss: "about 300 million" and 310 million (inside the approx band)
    "approx_300.txt": (
        "Donors eye next phase at Bien Hoa", "Bien Hoa | 4 June 2024",
        "Total US funding for the Bien Hoa dioxin cleanup is about US$300 million, according to a USAID "
        "statement. Contractors have begun building a new landfill to isolate less contaminated soil."),
    "exact_310.txt": (
        "Bien Hoa project passes midpoint", "Hanoi | 25 June 2024",
        "The United States has committed US$310 million in total funding to the Bien Hoa dioxin remediation "
        "project, the embassy said in a fact sheet. Vietnamese air force officers joined the site tour with "
        "local residents."),
    # (b) near-miss: one document's own change "from $300 million to $430 million"
    "change_readout.txt": (
        "New pledge lifts Bien Hoa total", "Hanoi | 3 November 2025",
        "The new pledge raises total US funding for the Bien Hoa dioxin cleanup from US$300 million to US$430 "
        "million, the defense ministry said in its readout. Both delegations also discussed search for the "
        "missing and training cooperation."),
    "confirm_430.txt": (
        "Analysts weigh Bien Hoa timeline", "Singapore | 20 November 2025",
        "Total US funding for the Bien Hoa dioxin cleanup now stands at US$430 million, a regional think tank "
        "noted in a briefing paper. The authors expect excavation of the most contaminated zones to continue "
        "for several years."),
    # (b) near-miss: different measures with the same value, and with different values, same month
    "uxo_300.txt": (
        "Demining aid to Quang Tri expands", "Dong Ha | 10 April 2024",
        "Total US funding for unexploded ordnance clearance and mine action in Vietnam has reached US$300 million "
        "since 1993, the embassy said. Teams cleared farmland near the old demilitarized zone this spring."),
    "bienhoa_300.txt": (
        "Bien Hoa cleanup gets an update", "Bien Hoa | 18 April 2024",
        "Total US funding for the Bien Hoa dioxin cleanup stands at US$300 million, officials told visiting "
        "journalists. Trucks moved treated soil away from the runway area during the visit."),
    "bienhoa_cost_390.txt": (
        "What the Bien Hoa cleanup will cost", "Hanoi | 26 April 2024",
        "The estimated total cost of the Bien Hoa dioxin remediation is about US$390 million, planners said. "
        "Most of the money will go to thermal treatment of the worst soil."),
    # (c) a series across three documents at three dates (a falling count: current is the latest, not the largest)
    "missing_2019.txt": (
        "Families await news of the missing", "Hanoi | 9 September 2019",
        "Some 1,587 American service members remain unaccounted for from the Vietnam War, the agency said. "
        "Investigators interviewed elderly witnesses in Nghe An."),
    "missing_2021.txt": (
        "Search teams resume after pandemic pause", "Hanoi | 14 October 2021",
        "A total of 1,584 American service members are still unaccounted for in Vietnam, according to the "
        "accounting agency. Excavation work resumed at a hillside site in Quang Binh."),
    "missing_2024.txt": (
        "Accounting mission marks anniversary", "Hanoi | 2 July 2024",
        "There are now 1,578 American service members still unaccounted for in Vietnam, the embassy said on "
        "Tuesday. Vietnamese and American specialists held a joint review of archival records."),
    # (d) the same MoU cited by two documents; a different MoU of the same year
    "mou_medicine.txt": (
        "Military medicine ties deepen", "Hanoi | 5 March 2020",
        "In 2019 the two defense ministries signed a memorandum of understanding on military medicine "
        "cooperation, which now covers trauma training. Doctors from both armies met at a military hospital "
        "in Hanoi."),
    "mou_medicine_again.txt": (
        "Army doctors trade notes on trauma care", "Da Nang | 17 August 2021",
        "The joint course builds on the 2019 memorandum of understanding on military medicine signed by the "
        "Vietnamese and US defense ministries. Nurses practised evacuation drills on the beach."),
    "mou_rescue.txt": (
        "Search and rescue pact tested at sea", "Hai Phong | 30 June 2020",
        "Under a 2019 memorandum of understanding on search and rescue signed by Vietnam and the United States, "
        "the two coast guards held a drill. Helicopters lifted volunteers from a drifting fishing boat."),
    # (d) the same figure claim in two documents
    "danang_closing.txt": (
        "Da Nang airport cleanup completed", "Da Nang | 8 November 2018",
        "The Da Nang airport dioxin cleanup cost the United States about US$110 million, USAID said at the "
        "closing ceremony. Land returned to the airport will be used for new aprons."),
    "danang_lessons.txt": (
        "Lessons from Da Nang for Bien Hoa", "Hanoi | 20 December 2018",
        "Finished this year, the Da Nang airport dioxin remediation cost about US$110 million in US funding, "
        "engineers noted. They argued the thermal method should be adapted for larger sites."),
    # (d) close but different figures of one measure and year: 300 vs 302 million (0.7 % apart)
    "close_300.txt": (
        "Embassy updates dioxin figures", "Hanoi | 8 February 2023",
        "Total US funding for the Bien Hoa dioxin cleanup stands at US$300 million, the embassy said. "
        "A new water treatment plant opened at the edge of the base."),
    "close_302.txt": (
        "Provincial council hears cleanup report", "Bien Hoa | 15 August 2023",
        "Total US funding for the Bien Hoa dioxin cleanup stands at US$302 million, the provincial council was "
        "told. Councillors asked when the first land parcels would be handed back."),
    # (d) a chain: 200.8 and 199.2 are each within 0.5 % of 200, but 0.8 % apart from each other
    "chain_200.txt": (
        "Dioxin programme reports steady progress", "Hanoi | 6 February 2022",
        "Total US funding for the Bien Hoa dioxin cleanup stands at US$200 million, the embassy said. "
        "Crews finished a new drainage canal on the western side of the base."),
    "chain_2008.txt": (
        "Bien Hoa budget figures released", "Bien Hoa | 11 May 2022",
        "Total US funding for the Bien Hoa dioxin cleanup stands at US$200.8 million, the project office said. "
        "Engineers tested a new method for drying excavated sediment."),
    "chain_1992.txt": (
        "Cleanup tally published by think tank", "Singapore | 19 September 2022",
        "Total US funding for the Bien Hoa dioxin cleanup stands at US$199.2 million, a research institute "
        "calculated. The institute relied on announcements by the US Agency for International Development."),
    # (d) two deliveries to the same recipient in the same year, of different equipment
    "boats_arrive.txt": (
        "Last patrol boats arrive", "Hai Phong | 12 December 2020",
        "The last six Metal Shark patrol boats funded by the United States arrived for the Vietnam Coast Guard in "
        "2020, completing a batch of 24."),
    "cutter_handover.txt": (
        "Second cutter handed over", "Seattle | 15 December 2020",
        "The former cutter John Midgett was handed over to the Vietnam Coast Guard in 2020 and is expected to "
        "arrive in Vietnam next year."),
    # (d) one event (the 2023 upgrade) told three ways; which reports join must not depend on timing
    "csp_outlook.txt": (
        "Outlook for defense ties", "Singapore | 6 February 2024",
        "This positive trajectory is expected to continue under the CSP established during President Joe "
        "Biden's visit to Hanoi in September 2023."),
    "csp_year.txt": (
        "A year of implementation", "Hanoi | 22 December 2024",
        "Diplomats from both countries described 2024 as a year of implementation after the relationship was "
        "elevated to a comprehensive strategic partnership in September 2023."),
    "csp_timeline.txt": (
        "Timeline of a partnership", "Hanoi | 5 November 2025",
        "September 2023: relations were elevated to a Comprehensive Strategic Partnership during President "
        "Biden's visit to Hanoi."),
}

# (e) a longer article and a syndicated copy of it (one changed sentence, an added note)
SYNDICATED_BODY = [
    "Vietnam and the United States opened a new training center for coast guard mechanics in Hai Phong on "
    "Wednesday, the US Embassy said.",
    "The center will train about 120 technicians a year to maintain patrol vessels, engines and navigation "
    "radars handed over under US security assistance programs.",
    "US Ambassador Marc Knapper said the center reflected the growing trust between the two coast guards and "
    "their shared interest in safe and lawful use of the sea.",
    "Vietnamese officers said the first class of students had already begun a six-month course on diesel "
    "engines and hull repair, taught in part by American instructors.",
    "The building was renovated with US funding of US$4.2 million, according to the embassy, and includes "
    "workshops, classrooms and a dormitory for visiting trainees from other provinces.",
    "Its first task is servicing the 24 Metal Shark patrol boats the United States has delivered to the Vietnam "
    "Coast Guard since 2017.",
    "Officials from both sides said further courses on radar maintenance and small boat operations are planned "
    "for next year, subject to funding.",
]
SYNDICATED_NOTE = ("This article first appeared in Harbor Review and is republished under a content-sharing "
                   "arrangement.")
CORROBORATION = (
    "Coast guard schools draw foreign help", "Hanoi | 28 August 2024",
    "A new mechanics training center in Hai Phong opened this month, according to the US Embassy. Its "
    "technicians will maintain the 24 Metal Shark patrol boats that the United States supplied to the Vietnam "
    "Coast Guard. Vietnam's coast guard plans to send its first graduates to patrol units in the south.")


def write(folder: Path, name: str, title: str | None = None, dateline: str | None = None,
          body: str | None = None) -> Path:
    """Write DOCS[name] (or the given text) as a plain-text article; return its path."""
    if title is None:
        title, dateline, body = DOCS[name]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"{title}\n\n{dateline}\n\n{body}\n", encoding="utf-8")
    return path


def build(tmp_path: Path, *names: str) -> tuple[bilat.Store, list[Path]]:
    """A fresh store holding DOCS[names], ingested in the order given."""
    paths = [write(tmp_path / "docs", n) for n in names]
    report = bilat.ingest([str(p) for p in paths], db=str(tmp_path / "t.db"))
    assert report.ok, [(i.source, i.reason) for i in report.failed]
    assert report.counts() == {"new": len(names)}, report.counts()
    return bilat.open_store(tmp_path / "t.db"), paths


@pytest.fixture
def make_store(tmp_path):
    opened = []

    def make(*names: str):
        store, paths = build(tmp_path, *names)
        opened.append(store)
        return store

    yield make
    for s in opened:
        s.close()


def series_by_key(store, key: str):
    found = [s for s in store.figure_series() if s.key == key]
    assert len(found) == 1, [s.key for s in store.figure_series()]
    return found[0]


def docs_of(point) -> set[str]:
    return {r.get("name") for r in point.reports}


def side_docs(conflict) -> list[set[str]]:
    return [{r["doc"] for r in side["reports"]} for side in conflict.as_dict()["sides"]]


def snapshot(store) -> dict[str, tuple[int, frozenset[str]]]:
    """Merged fact id -> (sources, its report ids)."""
    return {m["id"]: (m["sources"], frozenset(r["fact_id"] for r in m["reports"])) for m in store.merged_facts()}


def orphans(store) -> list[str]:
    """Merged facts with no report at all (in the tables, not just in listings)."""
    with store.engine.connect() as conn:
        linked = {r for (r,) in conn.execute(select(fact_merges.c.merged_id))}
        ids = [r for (r,) in conn.execute(select(merged_table.c.id))]
        dangling = conn.execute(
            select(fact_merges.c.fact_id).where(fact_merges.c.fact_id.not_in(select(facts_table.c.id)))).all()
    assert not dangling, f"links to deleted reports: {dangling}"
    return [i for i in ids if i not in linked]


def assert_figure_merges_precise(merged: list[dict]) -> None:
    """Within one merged figure every pair of reports agrees within 0.5 % and has one unit."""
    for m in merged:
        if m["kind"] != "figure":
            continue
        units = {r["fields"].get("unit") for r in m["reports"]}
        assert len(units) == 1, (m["label"], units)
        values = [float(r["fields"]["value"]) for r in m["reports"]]
        for a, b in combinations(values, 2):
            assert abs(a - b) <= 0.005 * max(abs(a), abs(b)), (
                m["label"], values, [(r["name"], r["quote"]) for r in m["reports"]])


# --- (a) a true conflict ---------------------------------------------------------------

def test_true_conflict_lists_both_sides_and_their_documents(make_store):
    store = make_store("conflict_harbor.txt", "conflict_ledger.txt")
    found = store.conflicts()
    assert len(found) == 1, [c.reason for c in found]
    conflict = found[0]
    assert conflict.series.key == "measure:bien_hoa_funding_total"
    values = sorted(p.value for p in (conflict.a, conflict.b))
    assert values == [180e6, 300e6]
    assert sorted(map(sorted, side_docs(conflict))) == [["conflict_harbor.txt"], ["conflict_ledger.txt"]]
    record = conflict.as_dict()
    assert "cannot both be true" in record["reason"]
    for side in record["sides"]:
        (report,) = side["reports"]
        assert report["quote"] and str(int(side["value"] / 1e6)) in report["quote"]
        assert report["published"].startswith("2024-03")


# --- (b) near-misses: none of these is a conflict -----------------------------------------

def test_same_measure_in_different_months_is_a_series(make_store):
    store = make_store("conflict_harbor.txt", "later_september.txt")
    assert store.conflicts() == []
    series = series_by_key(store, "measure:bien_hoa_funding_total")
    statuses = {p.value: p.status for p in series.points}
    assert statuses == {300e6: "superseded", 340e6: "current"}
    assert series.current.value == 340e6


def test_a_floor_is_consistent_with_a_larger_exact_value(make_store):
    store = make_store("floor_900.txt", "exact_940.txt")
    series = series_by_key(store, "measure:us_mia_repatriated")
    by_value = {p.value: p for p in series.points}
    assert by_value[900].qualifier == "at_least" and by_value[940].qualifier == "exact"
    assert by_value[900].as_of[:7] == by_value[940].as_of[:7] == "2024-05"  # same period
    assert store.conflicts() == []


def test_about_300_million_is_consistent_with_310_million(make_store):
    store = make_store("approx_300.txt", "exact_310.txt")
    series = series_by_key(store, "measure:bien_hoa_funding_total")
    assert {(p.value, p.qualifier) for p in series.points} == {(300e6, "approx"), (310e6, "exact")}
    assert store.conflicts() == []


def test_one_documents_own_change_is_not_a_conflict(make_store):
    store = make_store("change_readout.txt")
    series = series_by_key(store, "measure:bien_hoa_funding_total")
    assert {p.value: p.status for p in series.points} == {300e6: "superseded", 430e6: "current"}
    assert store.conflicts() == []


def test_a_change_stays_a_change_when_another_source_confirms_the_new_value(make_store):
    # The readout says "from $300 million to $430 million"; a second outlet the same
    # month says $430 million. Nobody claims $300 million is the November level, so
    # there is nothing to disagree about. (On the real data: seed 002 and corpus 13.)
    store = make_store("change_readout.txt", "confirm_430.txt")
    series = series_by_key(store, "measure:bien_hoa_funding_total")
    assert series.current.value == 430e6 and series.current.sources == 2
    assert store.conflicts() == [], [c.reason for c in store.conflicts()]


def test_different_measures_neither_merge_nor_conflict(make_store):
    store = make_store("uxo_300.txt", "bienhoa_300.txt", "bienhoa_cost_390.txt")
    figures = store.merged_facts("figure")
    by_series = {m["series"]: m for m in figures}
    assert {"measure:uxo_funding_total", "measure:bien_hoa_funding_total",
            "measure:bien_hoa_cost_estimate"} <= set(by_series)
    # the same value under two measures: two facts of one source each
    assert by_series["measure:uxo_funding_total"]["sources"] == 1
    assert by_series["measure:bien_hoa_funding_total"]["sources"] == 1
    assert by_series["measure:uxo_funding_total"]["id"] != by_series["measure:bien_hoa_funding_total"]["id"]
    # funding of 300 and a cost estimate of 390 in the same month: two measures, no conflict
    assert store.conflicts() == []


# --- (c) a series over three documents -----------------------------------------------------

def test_series_over_three_documents_marks_the_latest_current(make_store):
    store = make_store("missing_2024.txt", "missing_2019.txt", "missing_2021.txt")  # not in date order
    series = series_by_key(store, "measure:us_mia_unaccounted")
    assert [(p.value, p.as_of[:7]) for p in series.points] == [
        (1587, "2019-09"), (1584, "2021-10"), (1578, "2024-07")]
    assert [p.status for p in series.points] == ["superseded", "superseded", "current"]
    assert series.current.value == 1578  # the latest, although the smallest
    assert [docs_of(p) for p in series.points] == [{"missing_2019.txt"}, {"missing_2021.txt"},
                                                   {"missing_2024.txt"}]
    assert store.conflicts() == []
    shown = store.figure_series(measure="unaccounted")
    assert [s.key for s in shown] == ["measure:us_mia_unaccounted"]


# --- (d) merging -----------------------------------------------------------------------------

def test_same_mou_in_two_documents_is_one_fact_with_a_reason_per_report(make_store):
    store = make_store("mou_medicine.txt", "mou_rescue.txt", "mou_medicine_again.txt")
    mous = [m for m in store.merged_facts("agreement") if m["fields"].get("type") == "mou"]
    assert len(mous) == 2, [(m["label"], m["sources"]) for m in mous]  # medicine and rescue stay apart
    medicine = next(m for m in mous if "medicine" in m["fields"]["name"])
    rescue = next(m for m in mous if "rescue" in m["fields"]["name"])
    assert medicine["sources"] == 2 and rescue["sources"] == 1
    assert medicine["key"] == rescue["key"]  # same type, year and parties: only the topic tells them apart
    detail = store.merged_fact(medicine["id"][:10])
    assert detail["id"] == medicine["id"]
    reasons = {r["name"]: r["reason"] for r in detail["reports"]}
    assert set(reasons) == {"mou_medicine.txt", "mou_medicine_again.txt"}
    assert reasons["mou_medicine.txt"] == "first report of this fact"
    assert "same type, year and parties" in reasons["mou_medicine_again.txt"]
    assert "medicine" in reasons["mou_medicine_again.txt"]
    for r in detail["reports"]:
        assert "memorandum of understanding on military medicine" in r["quote"]
        assert r["start"] < r["end"] and r["published"]
    # a report's own id leads to its merged fact
    report_id = detail["reports"][1]["fact_id"]
    assert store.merged_fact(report_id[:12])["id"] == medicine["id"]
    # and the unrelated MoU's reason names the difference when asked directly
    assert store.merged_fact(rescue["id"])["reports"][0]["reason"] == "first report of this fact"


def test_same_figure_claim_in_two_documents_merges(make_store):
    store = make_store("danang_closing.txt", "danang_lessons.txt")
    (fact,) = [m for m in store.merged_facts("figure") if m["series"] == "measure:da_nang_remediation_cost"]
    assert fact["sources"] == 2
    assert {r["name"] for r in fact["reports"]} == {"danang_closing.txt", "danang_lessons.txt"}
    assert all(float(r["fields"]["value"]) == 110e6 for r in fact["reports"])
    joined = next(r for r in fact["reports"] if r["name"] == "danang_lessons.txt")["reason"]
    assert "agree within 0.5%" in joined


def test_close_but_different_figures_stay_apart(make_store):
    store = make_store("close_300.txt", "close_302.txt")
    points = series_by_key(store, "measure:bien_hoa_funding_total").points
    assert sorted(p.value for p in points) == [300e6, 302e6]
    assert all(p.sources == 1 for p in points)
    assert len({p.merged_id for p in points}) == 2


def test_a_merged_figure_never_spans_more_than_the_tolerance(make_store):
    # 200.8 and 199.2 are each within 0.5 % of 200 but 0.8 % apart from each other;
    # whatever joins, no merged fact may hold two values further apart than 0.5 %.
    store = make_store("chain_200.txt", "chain_2008.txt", "chain_1992.txt")
    assert_figure_merges_precise(store.merged_facts("figure"))


def test_deliveries_of_different_equipment_stay_apart(make_store):
    # Both quotes name the recipient ("Vietnam Coast Guard") and the year; one is about
    # patrol boats, the other about a cutter. Sharing the recipient's name is not sharing a topic.
    store = make_store("boats_arrive.txt", "cutter_handover.txt")
    for m in store.merged_facts("event"):
        assert m["sources"] == 1, (m["label"], [(r["name"], r["reason"]) for r in m["reports"]])


def test_merging_does_not_depend_on_the_clock(tmp_path, monkeypatch):
    """The same documents in the same order give the same merged facts, whether
    they are stored within one second or over several."""
    import itertools

    from bilat.store import merged as merged_module

    names = ("csp_outlook.txt", "csp_year.txt", "csp_timeline.txt")
    groupings = []
    for run, clock in (("frozen", lambda: "2030-01-01T00:00:00+00:00"),
                       ("ticking", (lambda c: lambda: f"2030-01-01T00:{next(c):06d}")(itertools.count()))):
        monkeypatch.setattr(merged_module, "_now", clock, raising=False)
        store, _ = build(tmp_path / run, *names)
        with store:
            groupings.append(sorted(tuple(sorted(r["name"] for r in m["reports"]))
                                    for m in store.merged_facts("event")))
    assert groupings[0] == groupings[1]


# --- (e) syndication is not corroboration ----------------------------------------------

def test_syndicated_copy_does_not_count_as_a_source(tmp_path):
    docs = tmp_path / "docs"
    original = write(docs, "harbor_original.txt", "US helps open coast guard training center",
                     "Hai Phong | 14 August 2024", " ".join(SYNDICATED_BODY))
    copy_body = SYNDICATED_BODY[:-1] + [
        "Further courses on radar maintenance and small boat operations are planned for next year, officials "
        "said.", SYNDICATED_NOTE]
    copy = write(docs, "wire_republished.txt", "Coast guard mechanics center opens in Hai Phong",
                 "Hanoi | 15 August 2024", " ".join(copy_body))
    db = str(tmp_path / "t.db")
    report = bilat.ingest([str(original), str(copy)], db=db)
    assert [i.status for i in report.items] == ["new", "syndicated"]
    with bilat.open_store(db) as store:
        merged = store.merged_facts()
        assert merged and all(m["sources"] == 1 for m in merged)
        (boats,) = [m for m in store.merged_facts("transfer") if m["fields"].get("quantity") == 24]
        assert [r["name"] for r in boats["reports"]] == ["harbor_original.txt"]
    # an independent article does corroborate: 2 sources, not 3
    other = write(docs, "ledger_schools.txt", *CORROBORATION)
    assert bilat.ingest([str(other)], db=db).counts() == {"new": 1}
    with bilat.open_store(db) as store:
        boats = store.merged_fact(boats["id"])
        assert boats["sources"] == 2
        assert {r["name"] for r in boats["reports"]} == {"harbor_original.txt", "ledger_schools.txt"}
        assert max(m["sources"] for m in store.merged_facts()) == 2
        profiles = {p["name"]: p for p in store.source_profiles()}
        assert "wire_republished.txt" not in profiles
        assert profiles["harbor_original.txt"]["corroborated_share"] > 0


# --- (f) incremental updates ---------------------------------------------------------------

BASE = ["danang_closing.txt", "mou_medicine.txt", "mou_rescue.txt", "missing_2019.txt", "conflict_harbor.txt"]


def test_adding_a_document_touches_only_what_it_reports(tmp_path):
    docs, db = tmp_path / "docs", str(tmp_path / "t.db")
    paths = [write(docs, n) for n in BASE]
    assert bilat.ingest([str(p) for p in paths], db=db).counts() == {"new": len(BASE)}
    with bilat.open_store(db) as store:
        before = snapshot(store)
        (target,) = [m["id"] for m in store.merged_facts("figure")
                     if m["series"] == "measure:da_nang_remediation_cost"]
        assert store.conflicts() == []
    assert before[target][0] == 1

    added = write(docs, "danang_lessons.txt")
    assert bilat.ingest([str(added)], db=db).counts() == {"new": 1}
    with bilat.open_store(db) as store:
        after = snapshot(store)
    assert after[target][0] == before[target][0] + 1
    assert before[target][1] < after[target][1]
    for mid, (sources, reports) in before.items():
        assert mid in after, "a merged fact changed id when an unrelated document was added"
        if mid != target:
            assert after[mid] == (sources, reports)

    # a conflicting report shows up as a conflict at once
    conflicting = write(docs, "conflict_ledger.txt")
    bilat.ingest([str(conflicting)], db=db)
    with bilat.open_store(db) as store:
        assert len(store.conflicts()) == 1
        after = snapshot(store)

    # the same inputs again change nothing
    everything = paths + [added, conflicting]
    again = bilat.ingest([str(p) for p in everything], db=db)
    assert again.counts() == {"unchanged": len(everything)}
    with bilat.open_store(db) as store:
        assert snapshot(store) == after


def test_reextraction_keeps_merged_facts_consistent(tmp_path):
    docs, db = tmp_path / "docs", str(tmp_path / "t.db")
    names = BASE + ["danang_lessons.txt", "mou_medicine_again.txt"]
    bilat.ingest([str(write(docs, n)) for n in names], db=db)
    with bilat.open_store(db) as store:
        before = snapshot(store)
        assert orphans(store) == []
        # the first report of a two-source fact, and a document that is sole source of its facts
        items = pipeline.reextract(store, ["danang_closing.txt", "mou_rescue.txt"])
        assert [i.status for i in items] == ["reextracted", "reextracted"]
        assert orphans(store) == []
        assert snapshot(store) == before
        assert all(m["reports"] for m in store.merged_facts())
        pipeline.reextract(store)  # everything
        assert orphans(store) == []
        assert snapshot(store) == before


def test_reextraction_that_drops_a_report_leaves_no_orphan(tmp_path):
    docs, db = tmp_path / "docs", str(tmp_path / "t.db")
    bilat.ingest([str(write(docs, n)) for n in ("mou_rescue.txt", "danang_closing.txt")], db=db)
    with bilat.open_store(db) as store:
        doc_id = store.resolve_ref("mou_rescue.txt")
        store.replace_facts(doc_id, [])  # as if the extractor no longer found anything there
        assert orphans(store) == []
        assert all(r["document_id"] != doc_id for m in store.merged_facts() for r in m["reports"])
        assert store.merged_facts()  # the other document's facts are untouched


def test_new_version_of_a_document_replaces_its_reports(tmp_path):
    docs, db = tmp_path / "docs", str(tmp_path / "t.db")
    bilat.ingest([str(write(docs, n)) for n in ("danang_closing.txt", "danang_lessons.txt", "mou_rescue.txt")],
                 db=db)
    with bilat.open_store(db) as store:
        old_id = store.resolve_ref("danang_closing.txt")
        (cost,) = [m for m in store.merged_facts("figure") if m["series"] == "measure:da_nang_remediation_cost"]
        assert cost["sources"] == 2
        only_old = [m["id"] for m in store.merged_facts()
                    if {r["document_id"] for r in m["reports"]} == {old_id}]
    # the same file, corrected: the cost sentence is gone
    write(docs, "danang_closing.txt", "Da Nang airport cleanup completed", "Da Nang | 8 November 2018",
          "Land returned to Da Nang airport after the dioxin cleanup will be used for new aprons, officials said "
          "at the closing ceremony.")
    report = bilat.ingest([str(docs / "danang_closing.txt")], db=db)
    assert [i.status for i in report.items] == ["version"]
    with bilat.open_store(db) as store:
        new_id = store.resolve_ref("danang_closing.txt")
        assert new_id != old_id
        merged = store.merged_facts()
        assert all(r["document_id"] != old_id for m in merged for r in m["reports"])
        cost = store.merged_fact(cost["id"])
        assert cost["sources"] == 1 and {r["name"] for r in cost["reports"]} == {"danang_lessons.txt"}
        for mid in only_old:  # gone, unless the new version states the same fact again
            try:
                again = store.merged_fact(mid)
            except NotFound:
                continue
            assert {r["document_id"] for r in again["reports"]} == {new_id}
        assert orphans(store) == []
        names = {p["name"] for p in store.source_profiles()}
        assert names == {"danang_closing.txt", "danang_lessons.txt", "mou_rescue.txt"}


# --- the seeds -------------------------------------------------------------------------------

@needs_shared
def test_seeds_2011_mou_is_one_fact_from_002_and_004(seeds_store):
    mous = [m for m in seeds_store.merged_facts("agreement")
            if m["fields"].get("type") == "mou" and str(m["fields"].get("date") or "").startswith("2011")]
    assert len(mous) == 1, [(m["label"], [r["name"] for r in m["reports"]]) for m in mous]
    names = {r["name"] for r in mous[0]["reports"]}
    assert {seed("002").name, seed("004").name} <= names
    assert mous[0]["sources"] >= 2
    detail = seeds_store.merged_fact(mous[0]["id"])
    assert all(r["reason"] for r in detail["reports"])
    assert all("2011" in r["quote"] for r in detail["reports"])


@needs_shared
def test_seeds_repatriation_series(seeds_store):
    series = series_by_key(seeds_store, "measure:us_mia_repatriated")
    points = {(p.value, p.qualifier): p for p in series.points}
    p734 = points[(734, "exact")]
    assert p734.as_of.startswith("2023-06") and p734.status == "superseded"
    assert docs_of(p734) == {seed("004").name}
    floor = points[(990, "at_least")]
    assert floor.as_of is None and floor.status == "undated, consistent"
    assert series.current.value == 994 and series.current.as_of.startswith("2025-11")
    assert seed("002").name in docs_of(series.current)


@needs_shared
def test_seeds_bien_hoa_funding_series(seeds_store):
    series = series_by_key(seeds_store, "measure:bien_hoa_funding_total")
    statuses = {p.value: p.status for p in series.points}
    assert statuses.get(218e6) == "superseded"
    assert 300e6 in statuses
    assert series.current.value == 430e6
    assert docs_of(series.current) >= {seed("002").name}
    assert [p.value for p in series.points if p.as_of and p.as_of < "2025"] == [218e6]


@needs_shared
def test_seeds_source_profiles_rank_vague_piece_last(seeds_store):
    ranked = [p["name"] for p in seeds_store.source_profiles()]
    assert ranked[-1] == seed("001").name
    assert set(ranked[:2]) == {seed("002").name, seed("004").name}
    by_publisher = seeds_store.source_profiles(by="publisher")
    assert sum(p["documents"] for p in by_publisher) == len(ranked)


@needs_shared
def test_seeds_figure_merges_are_precise(seeds_store):
    assert_figure_merges_precise(seeds_store.merged_facts("figure"))


# --- the sample corpus (and seeds + corpus) ------------------------------------------------

@pytest.fixture(scope="module")
def corpus_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("corpus") / "corpus.db"
    report = bilat.ingest([str(CORPUS)], db=str(db))
    assert report.ok, report.failed
    return db


@pytest.fixture(scope="module")
def corpus_store(corpus_db):
    store = bilat.open_store(corpus_db)
    yield store
    store.close()


@pytest.fixture(scope="module")
def combined_store(tmp_path_factory):
    """Seeds (when present) and the sample corpus in one store."""
    db = tmp_path_factory.mktemp("combined") / "all.db"
    inputs = ([str(SEEDS)] if SEEDS.is_dir() else []) + [str(CORPUS)]
    report = bilat.ingest(inputs, db=str(db))
    assert report.ok, report.failed
    store = bilat.open_store(db)
    yield store
    store.close()


def test_corpus_bien_hoa_conflict_is_the_only_conflict(corpus_store):
    found = corpus_store.conflicts()
    assert len(found) == 1, [c.reason for c in found]
    (conflict,) = found
    assert conflict.series.key == "measure:bien_hoa_funding_total"
    sides = {p.value: docs_of(p) for p in (conflict.a, conflict.b)}
    assert sides == {300e6: {"11_bien-hoa-funding-2024.txt"}, 245e6: {"12_defense-expo-2024.html"}}


def test_corpus_identified_series_has_740_current(corpus_store):
    series = series_by_key(corpus_store, "measure:us_mia_identified")
    dated = [(p.value, p.status, min(docs_of(p))) for p in series.points if p.as_of]
    assert dated == [(700, "superseded", "04_da-nang-cleanup-complete.txt"),
                     (730, "superseded", "09_comprehensive-strategic-partnership.html"),
                     (740, "current", "13_policy-brief.pdf")]
    # the brief's "roughly 990 cases of remains repatriated" is another measure
    assert all(p.value != 990 for p in series.points)


def test_corpus_syndicated_port_call_is_one_source(corpus_store):
    port_calls = [m for m in corpus_store.merged_facts("event") if m["fields"].get("type") == "port_call"
                  and str(m["fields"].get("date") or "").startswith("2020-03")]
    assert port_calls
    for m in port_calls:
        names = {r["name"] for r in m["reports"]}
        assert "07_roosevelt-port-call-republished.md" not in names
        assert m["sources"] == len({r["document_id"] for r in m["reports"]})


def test_corpus_vague_opinion_ranks_last(corpus_store):
    ranked = corpus_store.source_profiles()
    assert ranked[-1]["name"] == "14_opinion-shared-horizons.txt" and ranked[-1]["facts"] == 0


def test_all_merged_figures_are_precise(combined_store):
    merged = combined_store.merged_facts("figure")
    assert any(m["sources"] >= 2 for m in merged)
    assert_figure_merges_precise(merged)
    assert all(m["series"] for m in merged)  # every merged figure belongs to a measure


def test_all_merged_facts_have_consistent_keys(combined_store):
    for m in combined_store.merged_facts():
        assert m["sources"] == len({r["document_id"] for r in m["reports"]})
        kinds = {r["kind"] for r in m["reports"]}
        assert kinds == {m["kind"]}
        if m["kind"] == "agreement":
            assert len({(r["fields"].get("type"), str(r["fields"].get("date") or "")[:4]) for r in m["reports"]}) == 1
        if m["kind"] == "transfer":
            assert len({r["fields"].get("quantity") for r in m["reports"]}) == 1
        if m["kind"] == "event":
            assert len({r["fields"].get("type") for r in m["reports"]}) == 1


def test_combined_store_conflicts_are_only_the_deliberate_one(combined_store):
    # Seed 002 says total aid rose "from $300 million to $430 million" (Nov 2025) and the
    # corpus brief 13 confirms $430 million: a change plus a corroboration, not a dispute.
    found = combined_store.conflicts()
    pairs = [sorted(p.value for p in (c.a, c.b)) for c in found]
    assert pairs == [[245e6, 300e6]], [c.reason for c in found]


# --- the command line -----------------------------------------------------------------------

def run_cli(db: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BILAT_DB"}
    env["PYTHONIOENCODING"] = "utf-8"
    env["NO_COLOR"] = "1"
    result = subprocess.run([sys.executable, "-m", "bilat.cli", *args, "--db", str(db)], cwd=ROOT, env=env,
                            capture_output=True, text=True, encoding="utf-8", timeout=180)
    assert result.returncode == 0, result.stderr
    return result


def cli_json(db: Path, *args: str):
    return json.loads(run_cli(db, *args, "--format", "json").stdout)


def test_cli_facts_and_fact(corpus_db):
    rows = cli_json(corpus_db, "facts", "--min-sources", "2")
    assert rows and all(r["sources"] >= 2 for r in rows)
    assert [r["sources"] for r in rows] == sorted((r["sources"] for r in rows), reverse=True)
    (mou,) = [r for r in rows if r["kind"] == "agreement" and r["fields"].get("type") == "mou"
              and str(r["fields"].get("date")).startswith("2011")]
    names = {r["name"] for r in mou["reports"]}
    assert {"01_defense-mou-joint-vision.md", "02_arms-embargo-lifted.txt", "13_policy-brief.pdf"} <= names
    assert all(r["kind"] == "agreement" for r in cli_json(corpus_db, "facts", "--kind", "agreement"))

    detail = cli_json(corpus_db, "fact", mou["id"][:12])
    assert detail["id"] == mou["id"] and detail["sources"] == mou["sources"]
    assert all(r["reason"] and r["quote"] for r in detail["reports"])
    text = run_cli(corpus_db, "fact", mou["id"][:12]).stdout
    assert "joined: first report of this fact" in text and "joined: same type, year and parties" in text
    assert "13_policy-brief.pdf" in text


def test_cli_figures_history(corpus_db):
    series = cli_json(corpus_db, "figures", "--measure", "identified", "--history")
    (identified,) = [s for s in series if s["key"] == "measure:us_mia_identified"]
    assert identified["current"]["value"] == 740
    assert [p["value"] for p in identified["points"] if p["as_of"]] == [700, 730, 740]
    assert [p["status"] for p in identified["points"] if p["as_of"]] == ["superseded", "superseded", "current"]
    table = run_cli(corpus_db, "figures", "--measure", "identified", "--history").stdout
    assert "superseded" in table and "current" in table and "740" in table
    current_only = run_cli(corpus_db, "figures", "--measure", "identified").stdout
    assert "740" in current_only and "superseded" not in current_only


def test_cli_conflicts(corpus_db):
    (conflict,) = cli_json(corpus_db, "conflicts")
    assert conflict["key"] == "measure:bien_hoa_funding_total"
    sides = {side["value"]: [r["doc"] for r in side["reports"]] for side in conflict["sides"]}
    assert sides == {300e6: ["11_bien-hoa-funding-2024.txt"], 245e6: ["12_defense-expo-2024.html"]}
    text = run_cli(corpus_db, "conflicts").stdout
    assert "cannot both be true" in text
    assert "11_bien-hoa-funding-2024.txt" in text and "12_defense-expo-2024.html" in text


def test_cli_sources_by_publisher(corpus_db):
    rows = cli_json(corpus_db, "sources", "--by", "publisher")
    publishers = {r["publisher"]: r for r in rows}
    assert "Mekong Wire (sample)" in publishers and "Harbor Review (sample)" in publishers
    assert [r["facts_per_1000_words"] for r in rows] == sorted((r["facts_per_1000_words"] for r in rows),
                                                               reverse=True)
    assert sum(r["documents"] for r in rows) == 13  # 14 files, one of them a syndicated copy
    by_doc = cli_json(corpus_db, "sources")
    assert by_doc[-1]["name"] == "14_opinion-shared-horizons.txt"


def test_cli_entities_and_entity(corpus_db):
    people = cli_json(corpus_db, "entities", "--type", "person")
    assert people and all(p["type"] == "person" for p in people)
    assert {"Pete Hegseth", "Phan Van Giang", "Joe Biden"} <= {p["name"] for p in people}
    hegseth = cli_json(corpus_db, "entity", "Hegseth")
    assert hegseth["name"] == "Pete Hegseth" and hegseth["type"] == "person"
    assert "Hegseth" in hegseth["aliases"]
    assert "13_policy-brief.pdf" in {d["name"] for d in hegseth["documents"]}
    assert any(f["kind"] == "event" for f in hegseth["facts"])
    us = cli_json(corpus_db, "entity", "Hoa Kỳ")
    assert us["name"] == "United States" and {"Hoa Kỳ", "U.S."} <= set(us["aliases"])
    text = run_cli(corpus_db, "entity", "Hegseth").stdout
    assert "Pete Hegseth" in text and "seen as:" in text


def test_cli_export_merged(corpus_db):
    out = run_cli(corpus_db, "export", "--merged").stdout
    records = [json.loads(line) for line in out.splitlines() if line.strip()]
    assert records
    for record in records:
        assert record["n_sources"] == len({s["doc"] for s in record["sources"]})
        assert all(s["quote"] and s["joined"] and s["report_id"] for s in record["sources"])
    mous = [r for r in records if r["kind"] == "agreement" and r.get("type") == "mou"
            and str(r.get("date")).startswith("2011")]
    assert max(r["n_sources"] for r in mous) >= 3
    assert "07_roosevelt-port-call-republished.md" not in {s["doc"] for r in records for s in r["sources"]}
    csv_text = run_cli(corpus_db, "export", "--merged", "--format", "csv", "--kind", "figure").stdout
    header = csv_text.splitlines()[0].split(",")
    assert "n_sources" in header and "documents" in header
    assert len(csv_text.splitlines()) == 1 + sum(1 for r in records if r["kind"] == "figure")


def test_conflicts_match_checking_every_pair():
    """find_conflicts skips pairs that cannot share a period; it must find exactly
    what comparing every pair of one series finds."""
    import random

    from conftest import random_series

    from bilat.resolve.series import find_conflicts, overlaps, same_period

    series = random_series(random.Random(7), "m", 160)
    points = series.points
    expected = [
        (a.merged_id, b.merged_id) for a, b in combinations(
            [p for p in points if p.change != "increment" and p.as_of], 2)
        if a.as_of[:4] == b.as_of[:4] and same_period(a.as_of, b.as_of)
        and a.documents - b.documents and b.documents - a.documents and not overlaps(a, b)]
    found = [(c.a.merged_id, c.b.merged_id) for c in find_conflicts([series])]
    assert len(expected) > 50
    assert sorted(found) == sorted(expected)
    assert all("cannot both be true" in c.reason for c in find_conflicts([series])[:3])


def test_an_event_dated_to_its_year_joins_the_same_event_dated_to_its_month(make_store):
    store = make_store("visit_month.txt", "visit_year.txt")
    visits = [m for m in store.merged_facts("event") if m["fields"].get("type") == "visit"]
    assert len(visits) == 1, [(m["label"], m["fields"].get("date"), m["sources"]) for m in visits]
    (visit,) = visits
    assert visit["sources"] == 2
    assert str(visit["fields"]["date"]).startswith("2023-09")  # the more precise date wins
    assert {str(r["fields"]["date"])[:7] for r in visit["reports"]} == {"2023", "2023-09"}


def test_a_vietnamese_and_an_english_name_of_one_agreement_merge(make_store):
    store = make_store("mou_english.txt", "mou_vietnamese.txt")
    mous = [m for m in store.merged_facts("agreement") if m["fields"].get("type") == "mou"]
    assert len(mous) == 1, [(m["fields"].get("name"), m["sources"]) for m in mous]
    assert mous[0]["sources"] == 2
    reasons = {r["name"]: r["reason"] for r in mous[0]["reports"]}
    assert "Vietnamese and English" in reasons["mou_vietnamese.txt"] or "Vietnamese and English" in reasons[
        "mou_english.txt"]


def test_event_keys_reach_across_year_and_month():
    from bilat.resolve.merge import key_of

    year = key_of({"kind": "event", "type": "visit", "date": "2023"})
    month = key_of({"kind": "event", "type": "visit", "date": "2023-09-12"})
    assert month.value in year.alternates and year.value in month.alternates
    other = key_of({"kind": "event", "type": "visit", "date": "2023-10"})
    assert month.value not in other.alternates and other.value != month.value  # two months stay apart
