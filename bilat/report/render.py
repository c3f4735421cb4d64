"""The brief as Markdown and as one self-contained HTML page.

Everything taken from documents is escaped: Markdown's special characters, and
all text in HTML, where the page loads nothing from elsewhere (inline CSS).
"""
from __future__ import annotations

import html
import re

from .paper import EMPTY, METHOD, Brief, Item, Section, more_sources, ref_title, safe_url
from .timeline import long_date


# -- Markdown --------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md_escape(text: str) -> str:
    """Document text made inert in Markdown: no emphasis, links, HTML or table cells."""
    return _MD_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", str(text)))


def md_cites(numbers: list[int], more: int = 0) -> str:
    return f" [{', '.join(map(str, numbers))}{more_sources(more)}]" if numbers else ""


def md_item(item: Item) -> str:
    return "".join(md_escape(p.text) + md_cites(p.citations, p.more) for p in item.parts) + item.end


def md_reference(number: int, ref) -> str:
    publisher = md_escape(ref.publisher or "Unknown publisher")
    title = md_escape(ref_title(ref))
    date = long_date(ref.published) if ref.published else "undated"
    location = ref.location.replace("`", "'")
    return (f"{number}. {publisher}. “{title}.” {date}. `{location}` (characters {ref.start}–{ref.end}).  \n"
            f"   > “{md_escape(ref.quote)}”")


def to_markdown(brief: Brief) -> str:
    out = [f"# {md_escape(brief.title)}", "",
           f"**Briefing paper** · {md_escape(brief.scope)} · {md_escape(brief.coverage)}"
           + (f" · sources up to {long_date(brief.as_of)}" if brief.as_of else ""), "",
           f"_{METHOD}_", ""]
    for number, section in enumerate(brief.sections, 1):
        out += [f"## {number}. {section.title}", ""]
        out += _md_section(section)
    out += ["## References", ""]
    for ref in brief.references:
        out += [md_reference(ref.number, ref), ""]
    return "\n".join(out).rstrip() + "\n"


def _md_section(section: Section) -> list[str]:
    if section.empty:
        return [f"_{EMPTY}_", ""]
    out = []
    for item in section.items:
        lead = f"**{md_escape(item.lead)}** — " if item.lead else ""
        out.append(f"- {lead}{md_item(item)}")
    if section.items:
        out.append("")
    if section.table:
        out.append("| " + " | ".join(section.table.columns) + " |")
        out.append("|" + "|".join("---" for _ in section.table.columns) + "|")
        for row in section.table.rows:
            out.append("| " + " | ".join(md_item(c) for c in row) + " |")
        out.append("")
    for note in section.notes:
        out.append(f"- {md_item(note)}")
    if section.notes:
        out.append("")
    for sub in section.subsections:
        out += [f"### {md_escape(sub.title)}", ""]
        if sub.meta:
            out += [f"_{md_escape(sub.meta)}_", ""]
        out += [f"- {md_item(i)}" for i in sub.items] + [""]
    if section.omitted:
        out += [f"_{md_escape(section.omitted)}_", ""]
    return out


# -- HTML ----------------------------------------------------------------------------------------

CSS = """
:root { --ink: #1b1f24; --muted: #5b6470; --rule: #c9cdd3; --accent: #7a1f2b; --paper: #fff; --bg: #eceae6; }
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--ink); font: 16px/1.55 "Iowan Old Style", "Palatino Linotype", Palatino,
       "Book Antiqua", Georgia, "Times New Roman", serif; font-variant-numeric: oldstyle-nums proportional-nums; }
.paper { max-width: 860px; margin: 32px auto; background: var(--paper); padding: 56px 72px 64px;
         box-shadow: 0 1px 3px rgba(0,0,0,.12), 0 8px 24px rgba(0,0,0,.06); }
.sans, .kicker, .scope, h2, h3, th, .meta, .lead, .when, .kind, .tag, .refs .loc, footer {
  font-family: "Source Sans Pro", "Segoe UI", "Helvetica Neue", Arial, sans-serif; }
.titleblock { border-top: 6px solid var(--accent); padding-top: 18px; margin-bottom: 28px; }
.kicker { text-transform: uppercase; letter-spacing: .16em; font-size: 12px; color: var(--accent); margin: 0 0 6px;
          font-weight: 600; }
h1 { font-size: 34px; line-height: 1.15; margin: 0 0 10px; font-weight: 600; letter-spacing: -.01em; }
.scope { color: var(--muted); margin: 0; font-size: 14px; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 18px; font-size: 13px; color: var(--muted);
        border-top: 1px solid var(--rule); border-bottom: 1px solid var(--rule); padding: 10px 0; margin-top: 16px; }
.meta dt { font-weight: 600; text-transform: uppercase; letter-spacing: .08em; font-size: 11px; padding-top: 2px; }
.meta dd { margin: 0; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .14em; color: var(--accent); margin: 36px 0 12px;
     padding-bottom: 6px; border-bottom: 1px solid var(--rule); font-weight: 700; }
h2 .num { color: var(--muted); margin-right: .6em; }
h3 { font-size: 15px; margin: 22px 0 2px; font-weight: 600; }
p.submeta { margin: 0 0 6px; font-size: 12.5px; color: var(--muted); font-family: inherit; font-style: italic; }
ul.items { list-style: none; padding: 0; margin: 0; }
ul.items li { position: relative; padding-left: 18px; margin: 0 0 8px; }
ul.items li::before { content: ""; position: absolute; left: 2px; top: .7em; width: 6px; height: 6px;
                      background: var(--accent); }
ul.dated li { padding-left: 104px; }
ul.dated li::before { display: none; }
.lead { position: absolute; left: 0; width: 94px; font-size: 13px; font-weight: 600; color: var(--muted);
        top: .15em; text-align: right; padding-right: 12px; border-right: 2px solid var(--rule); }
sup.cite { font-size: 10.5px; line-height: 0; white-space: nowrap; font-family: "Source Sans Pro", Arial, sans-serif;
           color: var(--muted); }
sup.cite a { color: var(--accent); text-decoration: none; }
sup.cite a:hover { text-decoration: underline; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 4px 0 10px; }
th { text-align: left; font-size: 11px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted);
     border-top: 2px solid var(--ink); border-bottom: 1px solid var(--ink); padding: 6px 8px; font-weight: 700; }
td { border-bottom: 1px solid var(--rule); padding: 7px 8px; vertical-align: top; }
tr:last-child td { border-bottom: 2px solid var(--ink); }
td.value { font-weight: 600; white-space: nowrap; font-variant-numeric: lining-nums tabular-nums; }
td.asof, td.n { white-space: nowrap; font-variant-numeric: lining-nums tabular-nums; }
td.n { text-align: right; }
td.prev { color: var(--muted); font-size: 13px; }
.notes { font-size: 13px; color: var(--muted); }
.empty, .omitted { color: var(--muted); font-style: italic; }
.omitted { font-size: 13px; margin: 8px 0 0; }
.source { border-left: 3px solid var(--rule); padding-left: 14px; margin: 16px 0; }
.source h3 .pub { font-variant: small-caps; letter-spacing: .04em; font-weight: 700; }
.source ul.items li::before { background: var(--muted); }
section.open ul.items li::before { background: #b7791f; border-radius: 50%; }
.refs ol { padding-left: 0; list-style: none; font-size: 13px; line-height: 1.45; counter-reset: none; }
.refs li { margin: 0 0 10px; padding-left: 34px; position: relative; }
.refs .n { position: absolute; left: 0; width: 26px; text-align: right; color: var(--muted);
           font-variant-numeric: lining-nums; }
.refs .pub { font-variant: small-caps; letter-spacing: .05em; font-weight: 600; }
.refs .loc { display: block; color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.refs .loc a { color: var(--accent); }
.refs blockquote { margin: 3px 0 0; padding-left: 10px; border-left: 2px solid var(--rule); font-style: italic;
                   color: #3a4048; }
.refs li:target { background: #fbf3e4; }
ol.timeline { list-style: none; padding: 0; margin: 0; }
ol.timeline li { display: grid; grid-template-columns: 110px 1fr; gap: 14px; padding: 7px 0;
                 border-bottom: 1px solid var(--rule); }
.when { font-weight: 600; color: var(--muted); font-size: 13px; font-variant-numeric: lining-nums; }
.kind, .tag { font-size: 10.5px; text-transform: uppercase; letter-spacing: .1em; color: var(--accent);
              margin-right: .5em; }
.tag { color: #b7791f; }
footer { margin-top: 36px; font-size: 12px; color: var(--muted); border-top: 1px solid var(--rule); padding-top: 10px; }
@media print { html { background: none; } .paper { box-shadow: none; margin: 0; padding: 0; max-width: none; }
               @page { size: A4; margin: 20mm 18mm; } a { color: inherit; } }
"""


def html_page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta name="generator" content="bilat">\n<title>{html.escape(title)}</title>\n'
            f'<style>{CSS}</style>\n</head>\n<body>\n<main class="paper">\n{body}\n</main>\n</body>\n</html>\n')


def cite_html(numbers: list[int], more: int = 0) -> str:
    if not numbers:
        return ""
    links = ", ".join(f'<a href="#ref-{n}">{n}</a>' for n in numbers)
    return f'<sup class="cite">[{links}{html.escape(more_sources(more))}]</sup>'


def _html_item(item: Item) -> str:
    return "".join(html.escape(p.text) + cite_html(p.citations, p.more) for p in item.parts) + html.escape(item.end)


def reference_html(number: int, ref) -> str:
    esc = html.escape
    date = long_date(ref.published) if ref.published else "undated"
    url = safe_url(ref.location)
    loc = (f'<a href="{esc(url, quote=True)}">{esc(url)}</a>' if url else esc(ref.location))
    return (f'<li id="ref-{number}"><span class="n">{number}.</span>'
            f'<span class="pub">{esc(ref.publisher or "Unknown publisher")}</span>, '
            f'“{esc(ref_title(ref))},” {esc(date)}. '
            f'<span class="loc">{loc}, characters {ref.start}–{ref.end}</span>'
            f'<blockquote>“{esc(ref.quote)}”</blockquote></li>')


def _html_section(section: Section) -> str:
    esc = html.escape
    if section.empty:
        return f'<p class="empty">{esc(EMPTY)}</p>'
    out = []
    if section.items:
        dated = any(i.lead for i in section.items)
        lis = []
        for item in section.items:
            lead = f'<span class="lead">{esc(item.lead)}</span>' if item.lead else ""
            lis.append(f"<li>{lead}{_html_item(item)}</li>")
        out.append(f'<ul class="items{" dated" if dated else ""}">{"".join(lis)}</ul>')
    if section.table:
        classes = ["measure", "value", "asof", "prev", "n"]
        head = "".join(f'<th class="{c}">{esc(col)}</th>' for c, col in zip(classes, section.table.columns))
        rows = "".join("<tr>" + "".join(f'<td class="{c}">{_html_item(cell)}</td>' for c, cell in zip(classes, row))
                       + "</tr>" for row in section.table.rows)
        out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    if section.notes:
        out.append('<ul class="items notes">' + "".join(f"<li>{_html_item(n)}</li>" for n in section.notes) + "</ul>")
    for sub in section.subsections:
        pub, _, title = sub.title.partition(": ")
        meta = f'<p class="submeta">{esc(sub.meta)}</p>' if sub.meta else ""
        items = "".join(f"<li>{_html_item(i)}</li>" for i in sub.items)
        out.append(f'<div class="source"><h3><span class="pub">{esc(pub)}</span>'
                   f'{": " + esc(title) if title else ""}</h3>{meta}<ul class="items">{items}</ul></div>')
    if section.omitted:
        out.append(f'<p class="omitted">{esc(section.omitted)}</p>')
    return "".join(out)


def to_html(brief: Brief) -> str:
    esc = html.escape
    meta = [("Sources", brief.coverage)]
    if brief.recent_from:
        meta.append(("Latest", f"“What's happened” covers {long_date(brief.recent_from)} onwards"))
    meta.append(("Method", METHOD))
    meta_html = "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in meta)
    date = f" · {esc(long_date(brief.as_of))}" if brief.as_of else ""
    parts = [(f'<header class="titleblock"><p class="kicker">Briefing paper{date}</p>'
              f'<h1>{esc(brief.title)}</h1><p class="scope">{esc(brief.scope)}</p>'
              f'<dl class="meta">{meta_html}</dl></header>')]
    for number, section in enumerate(brief.sections, 1):
        parts.append(f'<section class="{esc(section.key)}" id="{esc(section.key)}">'
                     f'<h2><span class="num">{number}</span>{esc(section.title)}</h2>{_html_section(section)}</section>')
    refs = "".join(reference_html(r.number, r) for r in brief.references)
    parts.append(f'<section class="refs" id="references"><h2>References</h2><ol>{refs}</ol></section>')
    parts.append(f"<footer>bilat brief · {esc(brief.coverage)}</footer>")
    return html_page(brief.title, "\n".join(parts))
