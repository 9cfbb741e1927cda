"""A report as one self-contained HTML page: inline CSS (print rules included), the radar
chart as inline SVG, no script and no external asset, so it can be mailed or printed.

Every text from people (names, objectives, comments, notes) is escaped; the only markup
not built here is the chart, which ``radar`` escapes itself.
"""

from __future__ import annotations

from html import escape

from adapters.reports.report import Report
from adapters.reports.sections import Page, Table, page, reader_for

_CSS = """
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827;
  max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #e5e7eb; }
h3 { font-size: 1rem; margin-bottom: .25rem; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; margin: .5rem 0; }
th, td { border: 1px solid #e5e7eb; padding: .25rem .6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.verdict { display: inline-block; padding: .1rem .6rem; border-radius: .4rem; }
.verdict.on_track { background: #dcfce7; } .verdict.at_risk { background: #fef9c3; }
.verdict.off_track { background: #fee2e2; }
.verdict.insufficient_evidence { background: #e5e7eb; }
.note { color: #4b5563; font-size: .9rem; }
figure { margin: 1rem 0; }
footer { margin-top: 3rem; color: #6b7280; font-size: .8rem; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2 { break-after: avoid; }
  table, figure, section { break-inside: avoid; }
  .verdict { border: 1px solid #111827; }
  footer { position: fixed; bottom: 0; }
}
"""


def render_html(report: Report, lang: str | None = None) -> str:
    """``report`` in its programme's language (or ``lang``) and time zone."""
    p = page(report, reader_for(report, lang))
    e = escape
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(p.lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(p.title)}</title><style>{_CSS}</style></head><body>",
        f'<header><h1>{e(p.title)}</h1><dl class="facts">',
        *(f"<dt>{e(label)}</dt><dd>{e(value)}</dd>" for label, value in p.facts),
        "</dl></header>",
        f'<section id="verdict"><h2><span class="verdict {e(p.verdict_key)}">'
        f"{e(p.verdict)}</span></h2>",
        f"<h3>{e(p.labels['why'])}</h3>",
        _list(p.reasons) if p.reasons else f"<p>{e(p.labels['no_concerns'])}</p>",
        "</section>",
        *_evidence(p),
        f'<section id="objectives"><h2>{e(p.labels["objectives"])}</h2>',
        _table(p.objectives, numeric_from=3) if p.objectives else "",
        f"<p>{e(p.attainment)}</p></section>",
    ]
    if p.scores is not None:
        out += [
            f'<section id="scores"><h2>{e(p.labels["scores"])}</h2>',
            _table(p.scores, numeric_from=1),
        ]
        if p.chart is not None:
            out.append(f"<figure>{p.chart}<figcaption>{e(p.labels['chart'])}</figcaption></figure>")
        out.append("</section>")
    out.append(f'<section id="comments"><h2>{e(p.labels["comments"])}</h2>')
    for group, comments in p.comments:
        out += [f"<h3>{e(group)}</h3>", _list(comments)]
    if not p.comments:
        out.append(f"<p>{e(p.labels['no_comments'])}</p>")
    if p.withheld_comments is not None:
        out.append(f"<p>{e(p.withheld_comments)}</p>")
    out += [
        "</section>",
        f'<section id="attendance"><h2>{e(p.labels["attendance"])}</h2>',
        f"<p>{e(p.attendance)}</p>",
        _table(p.sessions) if p.sessions else "",
        "</section>",
    ]
    if p.expectations is not None:  # final, closing and follow-up evaluations
        out += [
            f'<section id="expectations"><h2>{e(p.labels["expectations"])}</h2>',
            _list(p.expectations),
            "</section>",
        ]
    out += [
        f'<section id="next"><h2>{e(p.labels["next"])}</h2>',
        _list(p.next_steps),
        "</section>",
        f"<footer>{e(p.labels['footer'])}</footer>",
        "</body></html>",
    ]
    return "\n".join(part for part in out if part) + "\n"


def _evidence(p: Page) -> list[str]:
    if p.evidence is None:
        return []
    title = escape(p.labels["evidence"])
    return [f'<section id="evidence"><h2>{title}</h2>', _list(p.evidence), "</section>"]


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _table(table: Table, numeric_from: int | None = None) -> str:
    def cell(i: int, value: str) -> str:
        css = ' class="num"' if numeric_from is not None and i >= numeric_from else ""
        return f"<td{css}>{escape(value)}</td>"

    head = "".join(f"<th>{escape(h)}</th>" for h in table.header)
    body = "".join(
        "<tr>" + "".join(cell(i, v) for i, v in enumerate(row)) + "</tr>" for row in table.rows
    )
    notes = "".join(f'<p class="note">{escape(n)}</p>' for n in table.notes)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}"
