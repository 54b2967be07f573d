"""The report as one HTML page for screen and A4 print, with the complete funding notice.

Standalone (it is no page of the website): its own small stylesheet, no script, no outside address.
The funding notice is marked up as on the website's pages (``data-stadtteil-eu``, ``data-stadtteil-funding``,
``data-funder``), so ``funding.check_page`` checks it the same way; in print both repeat on every sheet
(header and footer groups of a CSS table, as the site's own print style does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from ..funding import EU_STATEMENT, Funding
from ..models import Office
from .tables import Table, format_number


MISSING = "–"


@dataclass
class Section:
    id: str
    heading: str
    intro: str = ""
    parts: list = field(default_factory=list)    # Table, or (chart SVG, Table), or a paragraph (str)


def _table(table: Table) -> str:
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in table.columns)
    rows = []
    for row in table.rows:
        total = ' class="total"' if row and row[0] == "Zusammen" else ""
        cells = [f'<th scope="row">{escape(format_number(row[0]))}</th>']
        cells += [f'<td{" class=num" if isinstance(v, (int, float)) or v is None else ""}>'
                  f'{escape(format_number(v, MISSING))}</td>' for v in row[1:]]
        rows.append(f"<tr{total}>{''.join(cells)}</tr>")
    if not table.rows:
        rows.append(f'<tr><td colspan="{len(table.columns)}">keine</td></tr>')
    note = f'<p class="note">{escape(table.note)}</p>' if table.note else ""
    # A wide table scrolls on a phone: its box takes the keyboard focus, so it can be scrolled without a mouse.
    name = escape(table.name)
    return (f'<div class="table" id="t-{name}" role="region" tabindex="0" aria-labelledby="c-{name}">'
            f'<table data-name="{name}"><caption id="c-{name}">{escape(table.caption)}</caption>'
            f"<thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{note}</div>")


def _part(part) -> str:
    if isinstance(part, Table):
        return _table(part)
    if isinstance(part, tuple):
        chart, table = part
        return f'<div class="pair">{chart}{_table(table)}</div>'
    return f"<p>{escape(part)}</p>"


def _funding_bar(funding: Funding, logo_files: dict[str, str], office: Office) -> str:
    logos = "".join(
        f'<li><img data-funder="{escape(logo.id)}" src="{escape(logo_files[logo.id])}" alt="{escape(logo.alt)}" '
        f'height="40">{f"<span>{escape(EU_STATEMENT)}</span>" if logo.id == funding.eu.id else ""}</li>'
        for logo in funding.logos)
    address = ", ".join(x for x in (office.name, office.address.one_line(), office.phone or "", office.email or "") if x)
    return (f'<footer class="funding" data-stadtteil-funding aria-label="Förderhinweis">'
            f'<p class="funding__text">{escape(funding.text)}</p><ul class="funding__logos">{logos}</ul>'
            f'<p class="funding__office">{escape(address)}</p></footer>')


def page(title: str, subtitle: str, sections: list[Section], funding: Funding, logo_files: dict[str, str],
         office: Office) -> str:
    toc = "".join(f'<li><a href="#{s.id}">{escape(s.heading)}</a></li>' for s in sections)
    body = "".join(
        f'<section id="{s.id}" aria-labelledby="{s.id}-h"><h2 id="{s.id}-h">{escape(s.heading)}</h2>'
        + (f"<p>{escape(s.intro)}</p>" if s.intro else "") + "".join(_part(p) for p in s.parts) + "</section>"
        for s in sections)
    eu = funding.eu
    return f"""<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{STYLE}</style>
</head>
<body>
<div class="sheet">
<header class="eu" data-stadtteil-eu aria-label="Förderung durch die Europäische Union">
<img data-funder="{escape(eu.id)}" src="{escape(logo_files[eu.id])}" alt="Emblem der Europäischen Union" width="60" height="40">
<span class="eu__text">{escape(EU_STATEMENT)}</span>
</header>
<main>
<h1>{escape(title)}</h1>
<p class="subtitle">{escape(subtitle)}</p>
<nav aria-label="Inhalt"><h2 class="toc">Inhalt</h2><ol>{toc}</ol></nav>
{body}
</main>
{_funding_bar(funding, logo_files, office)}
</div>
</body>
</html>
"""


STYLE = """
:root { color: #000; background: #fff; font-family: Arial, Verdana, Tahoma, sans-serif; line-height: 1.4; }
body { margin: 0 auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.7rem; margin: 0.8rem 0 0.2rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid #000; margin-top: 2rem; }
h2.toc { border: 0; font-size: 1.1rem; margin-top: 1rem; }
a { color: #00347a; }
.subtitle { margin-top: 0; }
nav li { margin: 0.2rem 0; }
nav a { display: inline-block; min-height: 24px; }
.table:focus-visible { outline: 2px solid #00347a; outline-offset: 2px; }
table { border-collapse: collapse; margin: 0.6rem 0 0.2rem; font-size: 0.85rem; }
caption { text-align: left; font-weight: 700; padding-bottom: 0.2rem; }
th, td { border: 1px solid #555; padding: 0.15rem 0.4rem; vertical-align: top; text-align: left; }
thead th { background: #e6e6e6; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.total th, tr.total td { font-weight: 700; border-top: 2px solid #000; }
.note { font-size: 0.8rem; margin: 0.2rem 0 0.8rem; max-width: 45rem; }
.pair { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: flex-start; margin: 0.8rem 0; }
.pair svg.chart { flex: 1 1 26rem; max-width: 36rem; height: auto; }
.pair .table { flex: 1 1 16rem; overflow-x: auto; }
.table { overflow-x: auto; }
.eu { display: flex; align-items: center; gap: 0.6rem; padding: 0.4rem 0; border-bottom: 1px solid #999; }
.eu img { height: 40px; width: 60px; }
.eu__text, .funding__logos span { font-family: Arial, Verdana, Tahoma, sans-serif; font-weight: 400; color: #000; }
.funding { border-top: 1px solid #999; margin-top: 2rem; padding: 0.6rem 0; font-size: 0.8rem; }
.funding__text { margin: 0 0 0.4rem; }
.funding__logos { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.6rem 1.2rem; align-items: center; }
.funding__logos li { display: flex; align-items: center; gap: 0.4rem; }
.funding__logos img { height: 40px; width: auto; }
.funding__office { margin: 0.4rem 0 0; }
@page { size: A4; margin: 12mm 12mm 10mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  nav { display: none; }
  a { color: #000; text-decoration: none; }
  /* The EU emblem on top and the whole notice at the foot of every sheet (§ 6: logos on all print
     media): the header and footer groups of a CSS table repeat on each printed page in Chromium. */
  .sheet { display: table; width: 100%; table-layout: fixed; }
  .eu { display: table-header-group; }
  main { display: table-row-group; }
  .funding { display: table-footer-group; break-inside: avoid; }
  h2 { break-after: avoid; margin-top: 1.2rem; }
  section > h2 + p { break-after: avoid; }
  section { break-before: auto; }
  table, .pair, svg.chart { break-inside: avoid; }
  /* A4 is narrow: the chart above its table, both the full width, the widest table in small type. */
  .pair { display: block; }
  .pair svg.chart { display: block; width: 100%; max-width: 100%; }
  table { font-size: 7.5pt; }
  th, td { padding: 1px 3px; }
  .table { overflow: visible; }
}
"""
