"""Measure keys (bilat/resolve/measures.py, bilat/data/measures.yaml): figures
about the same thing get one id however they are worded; different things
(cost and funding, totals and increments, remains repatriated and identified)
never share one."""
from __future__ import annotations

import pytest

import bilat
from bilat.data import DataFileError
from bilat.resolve import measures as m
from bilat.resolve.measures import fallback_key, measure_of, preceding_text
from conftest import CORPUS, SEEDS


def fig(quote: str, measure: str | None = None, subject: str | None = None, unit: str = "USD",
        counted: str | None = None, change: str = "level", value: float = 1) -> dict:
    return {"quote": quote, "measure": measure, "subject": subject, "unit": unit,
            "counted": counted, "change": change, "value": value}


def mid(figure: dict, context: str | None = None) -> str | None:
    found = measure_of(figure, context)
    return found.id if found else None


# --- catalogue matching on figures written for these tests -------------------------

def test_same_measure_worded_differently_gets_one_id():
    a = fig("Washington's cumulative grants to the Biên Hòa dioxin cleanup have reached US$275 million, "
            "the embassy said.", "cumulative grants to dioxin cleanup", "Biên Hòa", value=275e6)
    b = fig("Total American aid committed for decontaminating the former Bien Hoa airbase now comes to "
            "$310 million.", "total American aid committed", "Bien Hoa airbase", value=310e6)
    c = fig("Hanoi officials said US money pledged so far for the airbase at Bien Hoa is about $290 million.",
            "US money pledged so far", None, value=290e6)
    assert mid(a) == mid(b) == mid(c) == "bien_hoa_funding_total"
    assert measure_of(a).label.startswith("US funding for Bien Hoa")


def test_a_quote_that_refers_back_is_placed_with_the_text_before_it():
    quote = "The American contribution to this project has grown to $260 million."
    figure = fig(quote, "American contribution to this project", None, value=260e6)
    assert mid(figure) is None  # on its own the quote names no site
    before = "Heading\n\nWork to detoxify the soil at Biên Hòa air base entered a new phase in March. "
    assert mid(figure, before) == "bien_hoa_funding_total"
    # the nearest earlier sentence that names a site decides
    before = ("The Đà Nẵng job ended years ago. Crews at Bien Hoa have dug up the worst hot spots. "
              "Officials spoke at length about schedules.")
    assert mid(figure, before) == "bien_hoa_funding_total"
    # a quote that does not refer back does not borrow a site from the text before it
    plain = fig("Donors gave $260 million.", "donor money", None, value=260e6)
    assert mid(plain, "Crews at Bien Hoa have dug up the worst hot spots.") is None


def test_an_earlier_sentence_with_the_same_amount_is_the_antecedent():
    before = ("Late in the talks the Americans promised another $75 million for the Biên Hòa dioxin work. "
              "They also discussed bomb clearance and chemical contamination. The weather was fine.")
    later = fig("The minister asked that the said extra $75 million be disbursed quickly.",
                "extra budget", None, change="increment", value=75e6)
    assert mid(later, before) == "bien_hoa_funding_added"
    assert mid(later, before.replace("75", "80")) is None


def test_cost_is_not_funding():
    cost = fig("Engineers now expect the Bien Hoa remediation to cost roughly $400 million in all.",
               "expected cost of the remediation", "Bien Hoa", value=400e6)
    assert mid(cost) == "bien_hoa_cost_estimate"
    quote = "Of the $390 million price tag at Bien Hoa, the US has so far funded $280 million."
    assert mid(fig(quote, "price tag", "Bien Hoa", value=390e6)) == "bien_hoa_cost_estimate"
    assert mid(fig(quote, "funds provided so far", "Bien Hoa", value=280e6)) == "bien_hoa_funding_total"
    # with neither label saying which, the mixed sentence is left unassigned
    assert mid(fig(quote, "sum", None, value=280e6)) is None


def test_total_and_increment_are_different_measures():
    quote = "A further $45 million for Bien Hoa was announced, taking American funding to $345 million."
    added = fig(quote, "further funding", "Bien Hoa", change="increment", value=45e6)
    total = fig(quote, "American funding", "Bien Hoa", change="level", value=345e6)
    assert mid(added) == "bien_hoa_funding_added"
    assert mid(total) == "bien_hoa_funding_total"


def test_the_site_named_by_the_figure_wins_over_another_site_in_the_sentence():
    quote = ("Đà Nẵng's finished cleanup, which cost Washington some $110 million, is smaller than the "
             "job under way at Biên Hòa.")
    figure = fig(quote, "cleanup cost", "Đà Nẵng", value=110e6)
    assert mid(figure) == "da_nang_remediation_cost"
    assert mid(fig(quote, "cleanup cost", None, value=110e6)) is None  # two sites, no label: ambiguous


def test_repatriated_and_identified_are_different_measures():
    quote = ("A ceremony sent home the remains of 6 missing US servicemen, and forensic experts have "
             "now identified 745 of the Americans lost in the war.")
    repatriated = fig("Over the years 1,002 sets of remains of US personnel have been repatriated.",
                      "sets of remains repatriated", None, unit="count", counted="set of remains", value=1002)
    identified = fig(quote, "Americans identified", None, unit="count", counted="american", value=745)
    assert mid(repatriated) == "us_mia_repatriated"
    assert mid(identified) == "us_mia_identified"
    mixed = "Teams have repatriated 1,010 cases so far and identified 748 of them, the agency said."
    assert mid(fig(mixed, "cases repatriated", None, unit="count", counted="case")) == "us_mia_repatriated"
    assert mid(fig(mixed, "cases identified", None, unit="count", counted="case")) == "us_mia_identified"
    # missions in the same sentence are their own measure
    missions = fig("In 2024, 12 joint recovery missions searched for missing American airmen in three provinces.",
                   "joint recovery missions", "MIA", unit="count", counted="mission")
    assert mid(missions) == "us_mia_missions"


def test_vietnamese_martyrs_are_not_us_remains():
    quote = "Vietnam received the remains of 21 volunteer soldiers and experts who died in Laos."
    figure = fig(quote, "remains of volunteer soldiers repatriated from Laos", None, unit="count",
                 counted="soldier")
    assert mid(figure) not in {"us_mia_repatriated", "us_mia_identified"}


def test_a_unit_mismatch_never_matches():
    words = dict(quote="Total US funding for the Bien Hoa cleanup is now 300 million.",
                 measure="total US funding", subject="Bien Hoa")
    assert mid(fig(**words, unit="USD")) == "bien_hoa_funding_total"
    assert mid(fig(**words, unit="EUR")) is None
    assert mid(fig(**words, unit="count", counted="dollar")) is None
    remains = dict(quote="The remains of 995 US service members have been repatriated.",
                   measure="US service members repatriated", counted="service member")
    assert mid(fig(**remains, unit="count")) == "us_mia_repatriated"
    assert mid(fig(**remains, unit="percent")) is None
    assert mid(fig(**remains, unit="USD")) is None


def test_an_unrelated_figure_gets_none_and_a_fallback_key():
    figure = fig("Vietnam's coffee shipments to America rose 12 percent last year.",
                 "growth of coffee shipments", "coffee", unit="percent", value=12)
    assert measure_of(figure) is None
    key = fallback_key(figure)
    assert key.startswith("auto:percent:-:") and "coffee" in key
    assert not any(key == e.id for e in m.measures())


def test_the_fallback_key_is_stable_across_wording_order():
    a = fig("Radar sites got $8 million.", "funding for coastal radar stations", "coast guard", value=8e6)
    b = fig("It gave $9 million to radar.", "Coastal radar station funding", "Coast Guard", value=9e6)
    assert fallback_key(a) == fallback_key(b)
    added = dict(a, change="increment")
    assert fallback_key(added) != fallback_key(a) and fallback_key(added).endswith(":added")
    other_unit = dict(a, unit="count", counted="radar stations")
    assert fallback_key(other_unit) != fallback_key(a)
    assert ":radar_station:" in fallback_key(other_unit)  # counted noun singularised


def test_diacritics_are_folded():
    assert m.fold("Biên Hòa, Đà Nẵng") == "bien hoa, da nang"
    volume = fig("Crews have treated 150,000 cubic metres of soil at Đà Nẵng airport.",
                 "soil treated", "Đà Nẵng airport", unit="m3", value=150000)
    assert mid(volume) == "da_nang_volume_treated"


def test_catalogue_loads_and_ids_are_unique():
    ids = [x.id for x in m.measures()]
    assert len(ids) == len(set(ids)) and len(ids) >= 30
    for required in ("bien_hoa_funding_total", "bien_hoa_funding_added", "bien_hoa_cost_estimate",
                     "da_nang_remediation_cost", "uxo_funding_total", "ao_disability_funding_total",
                     "us_mia_repatriated", "us_mia_identified", "us_mia_missions", "vn_mia_documents_provided",
                     "fmf_funding_total", "fms_sales_value", "dcs_export_authorisations", "gpoi_funding",
                     "bien_hoa_volume_treated", "da_nang_volume_treated", "uxo_area_cleared",
                     "defense_engagements_cancelled", "dialogue_mechanisms", "scaneagle_contract_value",
                     "imet_funding", "vn_personnel_trained", "hadr_funding", "pacific_partnership_patients"):
        assert required in ids


@pytest.mark.parametrize("data, message", [
    ({"measures": [{"id": "x", "label": "X", "units": ["USD"], "all": ["("]}]}, "bad pattern"),
    ({"measures": [{"id": "x", "label": "X", "units": ["USD"], "change": "delta"}]}, "'change'"),
    ({"measures": [{"id": "x", "label": "X", "units": ["USD"], "facets": {"site": "hue"}}]}, "unknown facet"),
    ({"measures": [{"id": "x", "label": "X", "units": ["USD"], "alll": []}]}, "unknown key"),
    ({"measures": [{"id": "x", "label": "X", "units": ["USD"]}, {"id": "x", "label": "Y", "units": ["USD"]}]},
     "duplicate id"),
    ({"facets": {"site": {"values": {"hue": ["hue"]}}},
      "measures": [{"id": "x", "label": "X", "units": ["USD"], "facets": {"site": "!danang"}}]}, "no value"),
    ({"measures": []}, "'measures'"),
])
def test_a_broken_catalogue_is_reported_with_the_file_name(monkeypatch, data, message):
    monkeypatch.setattr(m, "load_yaml", lambda name: data)
    m.catalogue.cache_clear()
    try:
        with pytest.raises(DataFileError) as err:
            m.catalogue()
        assert str(err.value).startswith("bilat/data/measures.yaml: ") and message in str(err.value)
    finally:
        m.catalogue.cache_clear()


# --- the real exports of the seeds and the sample corpus ------------------------------

@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from bilat.report.export import export_records

    inputs = [str(CORPUS)] + ([str(SEEDS)] if SEEDS.is_dir() else [])
    db = str(tmp_path_factory.mktemp("measures") / "m.db")
    report = bilat.ingest(inputs, db=db)
    assert report.ok, [(i.source, i.reason) for i in report.failed]
    rows = []
    with bilat.open_store(db) as store:
        texts: dict[str, str] = {}
        for record in export_records(store, kind="figure", every_appearance=False):
            if record["doc"] not in texts:
                texts[record["doc"]] = store.document(record["doc"])["text"]
            context = preceding_text(texts[record["doc"]], record.get("start"))
            rows.append((record, mid(record, context)))
    return rows


def _values(rows, measure_id):
    return sorted({round(r["value"]) for r, i in rows if i == measure_id})


def _ids(rows, values, unit, change="level"):
    return {i for r, i in rows if r["unit"] == unit and (r.get("change") or "level") == change
            and round(r["value"]) in values}


def test_real_figures_form_one_series_per_measure(exported):
    seeds = SEEDS.is_dir()
    totals = {245_000_000, 300_000_000, 430_000_000} | ({218_000_000} if seeds else set())
    assert _ids(exported, totals, "USD") == {"bien_hoa_funding_total"}
    assert set(_values(exported, "bien_hoa_funding_total")) == totals

    assert _ids(exported, {130_000_000}, "USD", "increment") == {"bien_hoa_funding_added"}
    assert _values(exported, "bien_hoa_funding_added") == [130_000_000]

    repatriated = {990} | ({734, 994} if seeds else set())
    assert _ids(exported, repatriated, "count") == {"us_mia_repatriated"}
    assert set(_values(exported, "us_mia_repatriated")) == repatriated

    identified = {700, 730, 740}
    assert _ids(exported, identified, "count") == {"us_mia_identified"}
    assert set(_values(exported, "us_mia_identified")) == identified

    assert _values(exported, "bien_hoa_cost_estimate") == [390_000_000]  # cost is not funding
    expected_units = {"bien_hoa_funding_total": "USD", "bien_hoa_funding_added": "USD",
                      "us_mia_repatriated": "count", "us_mia_identified": "count"}
    for record, measure_id in exported:
        if measure_id in expected_units:
            assert record["unit"] == expected_units[measure_id], (record["doc"], record["value"])


def test_real_figures_outside_the_catalogue_get_distinct_levels_and_increments(exported):
    for record, measure_id in exported:
        key = fallback_key(record)
        assert key.startswith(f"auto:{record['unit']}:")
        assert key.endswith(":added") == (record.get("change") == "increment")
