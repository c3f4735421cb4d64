"""Ingest benchmark: synthetic corpus -> bilat.ingest -> figures.

Builds N distinct synthetic news documents (mostly .txt, some .md with YAML
front matter, some .html with page boilerplate) from a built-in pool of
sentence templates, using a seeded generator so runs repeat exactly. A small
share are near-copies of earlier documents (the syndication path). Then it
ingests the folder into a fresh SQLite database through the Python API, times
it, and times a second, idempotent run (everything "unchanged").

    python bench/ingest.py                      # 2,000 documents of ~800 words
    python bench/ingest.py --docs 200 --json    # one JSON object on stdout
    python bench/ingest.py --keep /tmp/bench    # keep corpus/ and bench.db
    python bench/ingest.py --tracemalloc        # also Python heap peak (slower)

Options: --docs N, --words W, --near-copies SHARE (default 0.02), --seed S.
"""
from __future__ import annotations

import argparse, json, random, resource, sys, tempfile, time, tracemalloc
from pathlib import Path

import bilat

POOL = [
    "Washington pledged {usd} in Foreign Military Financing for Vietnam's coast guard on {date}.",
    "The U.S. Coast Guard transferred the decommissioned cutter {cutter} to the Vietnam Coast Guard in {year}.",
    "Secretary of Defense {secdef} met Vietnamese Minister of National Defense {vnmin} in Hanoi on {date}.",
    "Recovery teams from the Defense POW/MIA Accounting Agency excavated {n} sites in {province} during {month}.",
    "Remains believed to belong to {n} American service members were repatriated at Da Nang airport on {date}.",
    "The two sides signed a memorandum of understanding on defense cooperation on {date}.",
    "A U.S. aircraft carrier called at Da Nang on {date}, the {ordinal} such visit since the war ended.",
    "Vietnamese officers joined a peacekeeping course funded with {usd} from the Global Peace Operations Initiative.",
    "The embassy said {n} Vietnamese pilots had completed T-6 trainer instruction in Texas by {month} {year}.",
    "Vietnam received {n} Metal Shark patrol boats under a {usd} maritime security package announced on {date}.",
    "USAID and the Pentagon set aside {usd} for dioxin remediation at Bien Hoa air base in fiscal {year}.",
    "Officials described the {year} visit as a step toward a comprehensive strategic partnership.",
    "The Maritime Security Initiative allotted {usd} to Vietnam for radar and training in {year}.",
    "Navy medical teams from Pacific Partnership treated {n} patients in {province} over {days} days in {month}.",
    "Deputy Defense Minister {vnmin} told reporters on {date} that cooperation would follow the four noes policy.",
    "Both delegations reviewed progress on war legacy issues, including unexploded ordnance in {province}.",
    "The third Hamilton-class cutter, {cutter}, arrived at Cam Ranh on {date} after a {days}-day voyage.",
    "A joint statement issued on {date} listed search for the missing as the first pillar of cooperation.",
    "Vietnam's defense white paper of {year} reaffirmed that the country would not join military alliances.",
    "The Pentagon notified Congress on {date} of a possible sale worth {usd}, according to the agency.",
    "About {n} Vietnamese students attended U.S. military English-language courses funded through IMET in {year}.",
    "Hanoi hosted the {ordinal} U.S.-Vietnam Defense Policy Dialogue on {date}.",
    "Analysts estimated U.S. security assistance to Vietnam at {usd} between {year} and {year2}.",
    "The DPAA field team of {n} specialists worked alongside Vietnamese counterparts in {province} for {days} days.",
    "A Vietnamese engineering unit deployed to a U.N. mission after training partly financed with {usd}.",
    "On {date}, the Vietnam Coast Guard commissioned the former cutter {cutter} as CSB {hull}.",
    "The lifting of the arms embargo was announced during a presidential visit on {date}.",
    "U.S. Indo-Pacific Command hosted Vietnamese officers for a disaster-response exercise in {month} {year}.",
    "Investigators interviewed {n} Vietnamese witnesses about aircraft losses near {province}.",
    "Congress appropriated {usd} for humanitarian mine action in Vietnam for fiscal year {year}.",
    "The chief of the Vietnam People's Navy visited San Diego on {date} and toured a littoral combat ship.",
    "Officials said the {usd} program would fund {n} patrol boats, spare parts and crew training.",
    "Vietnam provided archival documents on {n} unresolved cases to American researchers in {month} {year}.",
    "The cutter {cutter} will be based at Hai Phong and patrol the Gulf of Tonkin, the ministry said on {date}.",
    "The defense attache office in Hanoi opened a training center for coast guard mechanics in {year}.",
    "A U.S. Air Force C-17 carried equipment for a field hospital to Vietnam on {date}.",
    "The {year} action plan covered maritime security, search and rescue, and military medicine.",
    "Vietnamese and American divers surveyed a suspected crash site off {province} during {month}.",
    "Secretary {secdef} announced {usd} for coast guard infrastructure during a stop in Ho Chi Minh City on {date}.",
    "The joint vision statement signed on {date} expanded cooperation to cyber security and defense industry.",
    "By {month} {year}, {n} Americans were still listed as unaccounted for from the war in Vietnam.",
    "A delegation led by General {vnmin} observed a U.S. Army training rotation in Hawaii on {date}.",
    "The Vietnam National Mine Action Center received {usd} in U.S. grants in {year}.",
    "Sailors from both navies practiced search and rescue drills in the East Sea on {date}.",
    "Vietnam's coast guard operated {n} former U.S. cutters by the end of {year}.",
    "U.S. officials said the transfer of {cutter} was the largest excess defense article ever given to Vietnam.",
    "A bilateral working group on MIA cooperation met in {province} on {date} for its {ordinal} session.",
    "The government announced a {usd} package of unmanned aerial systems for maritime awareness on {date}.",
    "Training under the program began in {month} {year} with {n} coast guard officers enrolled.",
    "The port call of USS {ship} to Cam Ranh on {date} lasted {days} days.",
    "Funding for Vietnam under FMF rose to {usd} in fiscal {year}, budget documents show.",
    "The defense ministries exchanged letters on {date} extending the search cooperation agreement for {days} months.",
    "Vietnamese medical officers trained with U.S. Army units on trauma care in {month} {year}.",
    "A spokesman said {n} sets of remains were under review at the DPAA laboratory in Hawaii in {year}.",
    "Ambassador {amb} attended the handover ceremony at Tien Sa port on {date}.",
    "The {usd} dioxin cleanup at Bien Hoa was expected to take {days} years, officials said in {year}.",
    "Officers of both armies held staff talks on peacekeeping logistics in Hanoi on {date}.",
    "Vietnam bought {n} T-6C trainer aircraft under a contract worth {usd}, announced on {date}.",
    "The ministry said on {date} that the cutter {cutter} had completed {n} patrols since its transfer.",
    "Relations between the former adversaries were upgraded in {year}, {n} years after normalization.",
]
FILL = {
    "cutter": ["Morgenthau", "John Midgett", "Mellon", "Sherman", "Boutwell"],
    "secdef": ["Mattis", "Austin", "Esper", "Carter"], "vnmin": ["Phan Van Giang", "Ngo Xuan Lich", "Hoang Xuan Chien"],
    "province": ["Quang Tri", "Nghe An", "Quang Binh", "Ha Tinh", "Son La", "Thua Thien Hue", "Quang Nam"],
    "ship": ["Carl Vinson", "Theodore Roosevelt", "Ronald Reagan", "Blue Ridge"], "amb": ["Knapper", "Kritenbrink"],
    "month": ["January", "March", "April", "June", "August", "September", "October", "December"],
    "ordinal": ["second", "third", "fourth", "fifth", "ninth", "twelfth"],
}
HTML = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>'
        '<meta name="date" content="{iso}"></head><body><nav><a href="/">Home</a> | <a href="/defense">Defense</a>'
        '</nav><main><article><h1>{title}</h1>{paras}</article></main><aside>Most read: markets, weather, sports'
        '</aside><footer>© {year} Example News Network. All rights reserved. | Privacy | Contact</footer></body></html>\n')


def sentence(rng: random.Random) -> str:
    year = rng.randint(1995, 2024)
    vals = {k: rng.choice(v) for k, v in FILL.items()}
    vals.update(year=year, year2=year + rng.randint(1, 8), n=rng.randint(2, 400), days=rng.randint(3, 45),
                hull=rng.randint(8001, 8099), usd=f"${rng.randint(1, 950)}.{rng.randint(0, 9)} million",
                date=f"{rng.choice(FILL['month'])} {rng.randint(1, 28)}, {year}")
    return rng.choice(POOL).format(**vals)


def write_doc(folder: Path, i: int, rng: random.Random, words: int, fmt: str) -> tuple[str, str, int]:
    """Write document ``i``; return its file name, file text and article word count."""
    sents, count = [f"Report {i} filed from desk {rng.randint(100, 999)} covers item {rng.randint(1, 10**6)}."], 0
    while count < words:
        sents.append(sentence(rng))
        count += len(sents[-1].split())
    rng.shuffle(sents)
    paras = [" ".join(sents[k:k + 4]) for k in range(0, len(sents), 4)]
    year, month, day = rng.randint(2005, 2024), rng.randint(1, 12), rng.randint(1, 28)
    title = f"Vietnam and US defense ties: update {i}"
    if fmt == "md":
        text = (f"---\ntitle: \"{title}\"\npublished: {year}-{month:02d}-{day:02d}\npublisher: Example Wire\n---\n\n"
                f"# {title}\n\n" + "\n\n".join(paras) + "\n")
    elif fmt == "html":
        text = HTML.format(title=title, iso=f"{year}-{month:02d}-{day:02d}", year=year,
                           paras="".join(f"<p>{p}</p>" for p in paras))
    else:
        text = f"{title}\n\nHANOI, {day} {FILL['month'][month % 8]} {year} -\n\n" + "\n\n".join(paras) + "\n"
    name = f"doc_{i:05d}.{fmt}"
    (folder / name).write_text(text, encoding="utf-8")
    return name, text, len(" ".join(sents).split())


def build_corpus(folder: Path, docs: int, words: int, near_share: float, seed: int) -> dict:
    rng = random.Random(seed)
    n_near = round(docs * near_share)
    written, total_words = [], 0
    for i in range(docs - n_near):
        fmt = rng.choices(["txt", "md", "html"], weights=[70, 15, 15])[0]
        name, text, n = write_doc(folder, i, rng, words, fmt)
        written.append((name, text, n))
        total_words += n
    for j in range(n_near):  # named zz_* so they sort (and are ingested) after their originals
        name, text, n = rng.choice(written)
        note = "This report was syndicated from Example Wire."
        text = text.replace(" the ", " a ", 2)
        text = text.replace("</article>", f"<p>{note}</p></article>") if name.endswith("html") else f"{text}\n{note}\n"
        (folder / f"zz_near_{j:04d}{Path(name).suffix}").write_text(text, encoding="utf-8")
        total_words += n + 7
    return {"documents": docs, "near_copies": n_near, "total_words": total_words}


def db_size(db: Path) -> int:
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def run(args: argparse.Namespace, work: Path) -> dict:
    corpus, db = work / "corpus", work / "bench.db"
    corpus.mkdir(parents=True, exist_ok=True)
    if db.exists():
        sys.exit(f"{db} already exists; --keep needs an empty folder")
    t0 = time.perf_counter()
    figures = build_corpus(corpus, args.docs, args.words, args.near_copies, args.seed)
    figures["build_seconds"] = round(time.perf_counter() - t0, 2)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if args.tracemalloc:
        tracemalloc.start()
    t0 = time.perf_counter()
    report = bilat.ingest([str(corpus)], db=str(db))
    secs = time.perf_counter() - t0
    if args.tracemalloc:
        figures["tracemalloc_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux, bytes on macOS
    scale = 2**20 if sys.platform == "darwin" else 2**10
    figures.update(
        seconds=round(secs, 2), docs_per_second=round(args.docs / secs, 1),
        words_per_second=round(figures["total_words"] / secs), peak_rss_mb=round(rss / scale, 1),
        rss_before_ingest_mb=round(rss_before / scale, 1), db_mb=round(db_size(db) / 2**20, 1),
        status=report.counts(), failures=[(i.source, i.reason) for i in report.failed][:5],
    )
    with bilat.open_store(str(db)) as store:
        stats = store.stats()
    figures.update(stored_documents=stats["documents"], stored_words=stats["words"], facts=stats["facts"])
    t0 = time.perf_counter()
    again = bilat.ingest([str(corpus)], db=str(db))
    secs2 = time.perf_counter() - t0
    figures.update(rerun_seconds=round(secs2, 2), rerun_docs_per_second=round(args.docs / secs2, 1),
                   rerun_status=again.counts())
    return figures


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=2000, help="documents to generate (default 2000)")
    ap.add_argument("--words", type=int, default=800, help="target words per document (default 800)")
    ap.add_argument("--near-copies", type=float, default=0.02, help="share of near-copies (default 0.02)")
    ap.add_argument("--seed", type=int, default=1975)
    ap.add_argument("--tracemalloc", action="store_true", help="also report the Python heap peak (slow)")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    ap.add_argument("--keep", metavar="DIR", help="build corpus/ and bench.db in DIR and keep them")
    args = ap.parse_args(argv)
    if args.keep:
        figures = run(args, Path(args.keep))
    else:
        with tempfile.TemporaryDirectory(prefix="bilat-bench-") as tmp:
            figures = run(args, Path(tmp))
    print_figures(figures, args.json)


def print_figures(figures: dict, as_json: bool = False) -> None:
    """One JSON object, or aligned ``name  value`` lines (shared by the bench scripts)."""
    if as_json:
        print(json.dumps(figures))
        return
    width = max(map(len, figures))
    for key, value in figures.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
