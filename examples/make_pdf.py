"""Generate 13_policy-brief.pdf for the bilat sample corpus.

Run with the project virtualenv (fpdf2 is a test extra):

    .venv/bin/python examples/make_pdf.py

The PDF has a real text layer (core Helvetica font, so the text is plain
ASCII), the title/author/subject in its document information, and a fixed
creation date so that re-running the script produces the same bytes.
All text was written for the bilat project.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).resolve().parent
OUT = HERE / "corpus" / "13_policy-brief.pdf"

TITLE = "Vietnam-U.S. Defense Cooperation, 2011-2025: A Timeline Brief"
AUTHOR = "bilat sample desk"
DATELINE = "Hanoi | 5 November 2025"
BYLINE = "Policy Brief | bilat sample desk (written for the bilat sample corpus)"
CREATED = dt.datetime(2025, 11, 5, 9, 0, 0, tzinfo=dt.timezone.utc)

# (heading or None, paragraph text)
SECTIONS: list[tuple[str | None, str]] = [
    (
        None,
        "U.S. Secretary of Defense Pete Hegseth (also styled Secretary of War) "
        "made an official visit to Hanoi on "
        "2-3 November 2025 and held talks with Vietnam's Minister of National "
        "Defence, General Phan Van Giang. The visit fell in the 30th anniversary "
        "year of diplomatic relations. According to the Vietnamese ministry's "
        "readout, both sides cited the 2011 defense memorandum and an updated "
        "joint vision statement adopted in 2024, and named war legacies, "
        "training, UN peacekeeping and cybersecurity among their priorities.",
    ),
    (
        "1. Frameworks",
        "September 2011: memorandum of understanding on advancing bilateral "
        "defense cooperation, covering five areas including maritime security "
        "and search and rescue. June 2015: Joint Vision Statement on defense relations, "
        "signed in Hanoi. May 2016: the remaining U.S. ban on lethal arms sales "
        "was lifted during President Obama's visit. September 2023: relations "
        "were elevated to a Comprehensive Strategic Partnership during President "
        "Biden's visit to Hanoi.",
    ),
    (
        "2. Maritime capacity and equipment",
        "Three former U.S. Coast Guard Hamilton-class cutters have gone to the "
        "Vietnam Coast Guard: CSB 8020 (ex-Morgenthau, May 2017), CSB 8021 "
        "(ex-John Midgett, transferred in 2020 and arriving in Vietnam in 2021) "
        "and CSB 8022 (ex-Mellon, announced in 2023 and arriving in Vietnam in "
        "2025). U.S. financing also supplied 24 Metal Shark patrol boats and six "
        "ScanEagle unmanned aircraft ordered in 2019. Vietnam is buying 12 T-6C "
        "Texan II trainers; the first five arrived in November 2024. U.S. "
        "aircraft carriers have called at Da Nang three times: Carl Vinson (March "
        "2018), Theodore Roosevelt (March 2020) and Ronald Reagan (June 2023).",
    ),
    (
        "3. Peacekeeping and expos",
        "In October 2018 Vietnam sent a level-2 field hospital to South Sudan, "
        "its first unit of this kind in UN peacekeeping, with U.S. help on "
        "training and equipment. Vietnam held international defense expos in Hanoi in "
        "December 2022 and December 2024, both with U.S. participation.",
    ),
    (
        "4. War legacies",
        "The Da Nang airport dioxin cleanup was completed in 2018. At Bien Hoa, "
        "Washington announced an additional US$130 million in 2025, which the "
        "Vietnamese readout said brings total U.S. grant funding for the project "
        "to about US$430 million. On missing personnel, the readout cited about "
        "160 joint field missions and roughly 990 cases of remains repatriated. "
        "Since 1973, about 740 American service members lost in Vietnam have been "
        "identified.",
    ),
]

SOURCES = (
    "Sources: Vietnam Ministry of National Defence readout of the Phan Van Giang-"
    "Hegseth talks (2 November 2025); U.S. State Department fact sheet 'U.S. "
    "Security Cooperation with Vietnam' (2023); U.S. Coast Guard release on the "
    "ex-Mellon transfer (June 2025); USAID releases on Da Nang (2018) and Bien Hoa "
    "(2019-2025); Pacific Air Forces release on the T-6C delivery (November 2024)."
)


def build() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(TITLE)
    pdf.set_author(AUTHOR)
    pdf.set_subject("Timeline of Vietnam-United States defense cooperation, 2011-2025")
    pdf.set_keywords("Vietnam, United States, defense cooperation, bilat, sample corpus")
    pdf.set_creator("bilat examples/make_pdf.py")
    pdf.set_creation_date(CREATED)
    pdf.set_lang("en-US")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()

    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_font("Helvetica", "B", 15)
    pdf.multi_cell(width, 7.5, TITLE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(width, 5, DATELINE, new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(width, 5, BYLINE, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)

    for heading, text in SECTIONS:
        if heading:
            pdf.set_font("Helvetica", "B", 11)
            pdf.multi_cell(width, 6, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(width, 5, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2.5)

    pdf.set_font("Helvetica", "I", 9)
    pdf.multi_cell(width, 4.5, SOURCES, new_x="LMARGIN", new_y="NEXT")
    return pdf


def main() -> None:
    for _, text in SECTIONS:
        text.encode("ascii")  # core fonts: keep the document plain ASCII
    build().output(str(OUT))
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
