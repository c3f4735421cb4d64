"""The brief as a PDF briefing paper (fpdf2), with Source Serif/Sans Pro for
Vietnamese when the font packages are installed, else core fonts and
transliterated text."""
from __future__ import annotations

import unicodedata
from pathlib import Path

from .paper import EMPTY, METHOD, Brief, Item, Part, Section, Table, more_sources, ref_title, safe_url
from .timeline import long_date


# -- PDF ------------------------------------------------------------------------------------------

_ASCII = {"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "--", "…": "...", "•": "*", "†": "+",
          "Đ": "D", "đ": "d", "·": "-", "³": "3", "²": "2", "€": "EUR ", "≥": ">=", "≤": "<="}


def _unicode_fonts() -> dict[str, str] | None:
    """Source Serif Pro (text) and Source Sans Pro (headings, tables, references),
    both with Vietnamese; None when the font packages are not installed."""
    try:
        import font_source_sans_pro
        import font_source_serif_pro
    except ImportError:
        return None
    serif = Path(font_source_serif_pro.__file__).parent / "files"
    sans = Path(font_source_sans_pro.__file__).parent / "files"
    fonts = {"serif": serif / "SourceSerifPro-Regular.ttf", "serifB": serif / "SourceSerifPro-Semibold.ttf",
             "sans": sans / "SourceSansPro-Regular.ttf", "sansB": sans / "SourceSansPro-Semibold.ttf",
             "sansI": sans / "SourceSansPro-It.ttf", "sansBI": sans / "SourceSansPro-SemiboldIt.ttf"}
    return {k: str(v) for k, v in fonts.items()} if all(v.is_file() for v in fonts.values()) else None


def transliterate(text: str) -> str:
    """Latin-1 text for the PDF core fonts: typographic marks replaced,
    Vietnamese diacritics dropped (NFKD), anything else as '?'."""
    text = "".join(_ASCII.get(c, c) for c in text)
    out = []
    for c in text:
        if ord(c) < 256:
            out.append(c)
            continue
        base = "".join(b for b in unicodedata.normalize("NFKD", c) if not unicodedata.combining(b))
        out.append(base if base and all(ord(b) < 256 for b in base) else "?")
    return "".join(out)


class _PDF:
    """The brief laid out on A4 with fpdf2."""

    ACCENT = (122, 31, 43)
    MUTED = (91, 100, 112)
    INK = (27, 31, 36)
    RULE = (201, 205, 211)

    def __init__(self, brief: Brief):
        try:
            from fpdf import FPDF
        except ImportError:
            raise ImportError("PDF output needs fpdf2 (pip install fpdf2)") from None

        self.brief = brief
        fonts = _unicode_fonts()
        self.unicode = fonts is not None
        outer = self

        class Doc(FPDF):
            def footer(self):
                self.set_y(-14)
                outer.font("sans", 8)
                self.set_text_color(*outer.MUTED)
                self.cell(0, 5, outer.t(f"bilat brief · {brief.title}"), align="L")
                self.set_x(self.l_margin)
                self.cell(0, 5, f"{self.page_no()}", align="R")

        self.pdf = pdf = Doc(orientation="P", unit="mm", format="A4")
        pdf.set_margins(22, 20, 22)
        pdf.set_auto_page_break(True, margin=20)
        pdf.set_title(self.t(brief.title))
        pdf.set_creator("bilat")
        if fonts:
            pdf.add_font("SourceSerif", "", fonts["serif"])
            pdf.add_font("SourceSerif", "B", fonts["serifB"])
            pdf.add_font("SourceSans", "", fonts["sans"])
            pdf.add_font("SourceSans", "B", fonts["sansB"])
            pdf.add_font("SourceSans", "I", fonts["sansI"])
            pdf.add_font("SourceSans", "BI", fonts["sansBI"])
            self.families = {"serif": "SourceSerif", "sans": "SourceSans"}
        else:
            self.families = {"serif": "Times", "sans": "Helvetica"}
        self.links = {}

    def t(self, text: str) -> str:
        return text if self.unicode else transliterate(text)

    def font(self, family: str, size: float, style: str = "") -> None:
        self.pdf.set_font(self.families[family], style, size)

    @property
    def width(self) -> float:
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def link(self, number: int) -> int:
        if number not in self.links:
            self.links[number] = self.pdf.add_link()
        return self.links[number]

    def rule(self, color=RULE, width=0.2) -> None:
        pdf = self.pdf
        pdf.set_draw_color(*color)
        pdf.set_line_width(width)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())

    # -- inline text with citations
    def write_item(self, item: Item, size: float = 10.5, family: str = "serif", height: float = 5.2) -> None:
        pdf = self.pdf
        for i, part in enumerate(item.parts):
            self.font(family, size)
            pdf.set_text_color(*self.INK)
            pdf.write(height, self.t(part.text))
            if part.citations:
                following = item.parts[i + 1].text if i + 1 < len(item.parts) else item.end
                self.keep_together(part, following.split(" ", 1)[0], size, family, height)
                self.write_cites(part, size, height)
        self.font(family, size)
        pdf.set_text_color(*self.INK)
        pdf.write(height, item.end)

    def keep_together(self, part: Part, after: str, size: float, family: str, height: float) -> None:
        """Break the line before a citation when it and the punctuation after it
        would not fit, so that no line starts with a lone period or comma."""
        pdf = self.pdf
        self.font("sans", size)  # fpdf2 measures superscript at the full size
        width = pdf.get_string_width(_plain_cites(part.citations, part.more))
        self.font(family, size)
        width += pdf.get_string_width(self.t(after))
        if pdf.get_x() + width > pdf.w - pdf.r_margin:
            pdf.ln(height)
            pdf.set_x(pdf.l_margin)

    def write_cites(self, part: Part, size: float, height: float) -> None:
        pdf = self.pdf
        self.font("sans", size)
        pdf.char_vpos = "SUP"
        pdf.set_text_color(*self.ACCENT)
        pdf.write(height, "[")
        for i, n in enumerate(part.citations):
            if i:
                pdf.write(height, ", ")
            pdf.write(height, str(n), link=self.link(n))
        pdf.write(height, more_sources(part.more) + "]")
        pdf.char_vpos = "LINE"
        pdf.set_text_color(*self.INK)

    def bullet(self, item: Item, indent: float = 5.0, marker: bool = True, lead_width: float = 0.0) -> None:
        pdf = self.pdf
        if pdf.will_page_break(11):
            pdf.add_page()
        left = pdf.l_margin
        pdf.set_x(left)
        if item.lead:
            self.font("sans", 8.5, "B")
            pdf.set_text_color(*self.MUTED)
            pdf.cell(lead_width - 3, 5.2, self.t(item.lead), align="R")
            indent = lead_width
        elif marker:
            pdf.set_fill_color(*self.ACCENT)
            pdf.rect(left + 0.6, pdf.get_y() + 1.9, 1.5, 1.5, style="F")
        pdf.set_left_margin(left + indent)
        pdf.set_x(left + indent)
        self.write_item(item)
        pdf.ln(5.2)
        pdf.set_left_margin(left)
        pdf.ln(1.4)

    # -- blocks
    def title_block(self) -> None:
        pdf, b = self.pdf, self.brief
        pdf.add_page()
        pdf.set_fill_color(*self.ACCENT)
        pdf.rect(pdf.l_margin, pdf.get_y(), self.width, 1.8, style="F")
        pdf.ln(5)
        self.font("sans", 8.5, "B")
        pdf.set_text_color(*self.ACCENT)
        kicker = "BRIEFING PAPER" + (f"  ·  {long_date(b.as_of).upper()}" if b.as_of else "")
        pdf.cell(0, 5, self.t(kicker), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        self.font("serif", 22, "B")
        pdf.set_text_color(*self.INK)
        pdf.multi_cell(0, 9, self.t(b.title), align="L", new_x="LMARGIN", new_y="NEXT")
        self.font("sans", 10.5)
        pdf.set_text_color(*self.MUTED)
        pdf.multi_cell(0, 5.5, self.t(b.scope), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
        self.rule()
        pdf.ln(2)
        rows = [("SOURCES", b.coverage)]
        if b.recent_from:
            rows.append(("LATEST", f"“What's happened” covers {long_date(b.recent_from)} onwards"))
        rows.append(("METHOD", METHOD))
        for key, value in rows:
            self.font("sans", 7.5, "B")
            pdf.set_text_color(*self.MUTED)
            pdf.cell(22, 4.8, key)
            self.font("sans", 9)
            pdf.multi_cell(0, 4.8, self.t(value), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        self.rule()
        pdf.ln(4)

    def heading(self, number: int | None, title: str) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.ln(4)
        self.font("sans", 10.5, "B")
        pdf.set_text_color(*self.ACCENT)
        text = f"{number}   {title}" if number else title
        pdf.cell(0, 6, self.t(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.5)
        self.rule()
        pdf.ln(3)

    def table(self, table: Table) -> None:
        from fpdf.fonts import FontFace

        pdf = self.pdf
        self.font("sans", 8.5)
        pdf.set_text_color(*self.INK)
        pdf.set_draw_color(*self.RULE)
        pdf.set_line_width(0.2)
        head = FontFace(family=self.families["sans"], emphasis="BOLD", size_pt=7.5, color=self.MUTED)
        pdf.set_fill_color(255, 255, 255)
        with pdf.table(col_widths=(46, 29, 19, 52, 16), text_align=("LEFT", "LEFT", "LEFT", "LEFT", "RIGHT"),
                       line_height=4.3, padding=(1.4, 1.5), borders_layout="HORIZONTAL_LINES",
                       cell_fill_mode="NONE", headings_style=head, first_row_as_headings=True) as t:
            header = t.row()
            for col in table.columns:
                header.cell(self.t(col.upper()))
            for cells in table.rows:
                row = t.row()
                for i, cell in enumerate(cells):
                    text = self.t("".join(p.text + _plain_cites(p.citations, p.more) for p in cell.parts))
                    style = FontFace(emphasis="BOLD") if i == 1 else None
                    row.cell(text, style=style)
        pdf.ln(2)

    def source_block(self, sub: Section) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 50:
            pdf.add_page()
        pub, _, title = sub.title.partition(": ")
        pdf.ln(1.5)
        self.font("sans", 9.5, "B")
        pdf.set_text_color(*self.INK)
        pdf.multi_cell(0, 5, self.t(pub.upper() + (f":  {title}" if title else "")), align="L", new_x="LMARGIN",
                       new_y="NEXT")
        if sub.meta:
            self.font("sans", 8, "I")
            pdf.set_text_color(*self.MUTED)
            pdf.multi_cell(0, 4.2, self.t(sub.meta), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        for item in sub.items:
            self.bullet(item)

    def references(self) -> None:
        pdf = self.pdf
        self.heading(None, "References")
        for ref in self.brief.references:
            if pdf.get_y() > pdf.h - 30:
                pdf.add_page()
            pdf.set_link(self.link(ref.number), y=pdf.get_y(), page=pdf.page_no())
            left = pdf.l_margin
            self.font("sans", 8.5)
            pdf.set_text_color(*self.MUTED)
            pdf.cell(8, 4.4, f"{ref.number}.", align="R")
            pdf.set_left_margin(left + 10)
            pdf.set_x(left + 10)
            self.font("sans", 7.6, "B")
            pdf.set_text_color(*self.INK)
            pdf.write(4.4, self.t((ref.publisher or "Unknown publisher").upper()))
            self.font("sans", 8.5)
            date = long_date(ref.published) if ref.published else "undated"
            pdf.write(4.4, self.t(f", “{ref_title(ref)},” {date}."))
            pdf.ln(4.4)
            pdf.set_text_color(*self.MUTED)
            url = safe_url(ref.location)
            self.font("sans", 7.5)
            pdf.write(4.4, self.t(f"{ref.location}, characters {ref.start}–{ref.end}"), link=url or "")
            pdf.ln(4.6)
            self.font("sans", 8.2, "I")
            pdf.set_text_color(70, 76, 84)
            pdf.multi_cell(0, 4.1, self.t(f"“{ref.quote}”"), align="L", new_x="LMARGIN", new_y="NEXT")
            pdf.set_left_margin(left)
            pdf.ln(1.8)

    def render(self, path) -> None:
        pdf = self.pdf
        self.title_block()
        for number, section in enumerate(self.brief.sections, 1):
            self.heading(number, section.title)
            if section.empty:
                self.font("serif", 10.5)
                pdf.set_text_color(*self.MUTED)
                pdf.multi_cell(0, 5.2, EMPTY, new_x="LMARGIN", new_y="NEXT")
                continue
            dated = any(i.lead for i in section.items)
            for item in section.items:
                self.bullet(item, lead_width=22 if dated else 0)
            if section.table:
                self.table(section.table)
            for note in section.notes:
                self.font("sans", 8.5)
                self.bullet(note)
            for sub in section.subsections:
                self.source_block(sub)
            if section.omitted:
                self.font("sans", 8.5, "I")
                pdf.set_text_color(*self.MUTED)
                pdf.multi_cell(0, 4.6, self.t(section.omitted), align="L", new_x="LMARGIN", new_y="NEXT")
        self.references()
        pdf.output(str(path))


def _plain_cites(numbers: list[int], more: int = 0) -> str:
    return f" [{', '.join(map(str, numbers))}{more_sources(more)}]" if numbers else ""


def to_pdf(brief: Brief, path) -> Path:
    """Write the brief as an A4 PDF (needs fpdf2). Text is set in Source Serif Pro
    and Source Sans Pro when the font packages are installed (Vietnamese
    included); otherwise in the core Times/Helvetica fonts with diacritics dropped."""
    _PDF(brief).render(path)
    return Path(path)
