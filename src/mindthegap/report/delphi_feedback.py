"""The feedback sheet raters read between Delphi rounds, as printable HTML or plain text.

For each statement: the wording of the next round (and the old wording where it was edited), the rater's own
rating in the round just closed, and each group's distribution of ratings as percentages with its median.
A group the publication plan hides shows "too few to show". The sheet for one rater carries that rater's own
ratings, so it is for them alone; without a rater it is the panel-wide sheet.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import escape

from mindthegap.analysis.consensus_rounds import SCORES, distribution, own_ratings
from mindthegap.analysis.publication import PublicationPlan
from mindthegap.analysis.suppression import ALL
from mindthegap.io.delphi_files import group_label

HIDDEN = "too few to show"


def wording(statements: pd.DataFrame, statement: str, round_: int) -> str:
    """The statement's wording in use in ``round_`` (the latest version from that round or before)."""
    rows = statements[(statements["statement"] == statement) & (statements["from_round"] <= round_)]
    if rows.empty:
        rows = statements[statements["statement"] == statement]
    return str(rows.sort_values("version").iloc[-1]["text"])


def feedback_rows(
    ratings: pd.DataFrame,
    statements: pd.DataFrame,
    round_: int,
    *,
    plan: PublicationPlan | None = None,
    rater_id: str | None = None,
    min_n: int = 11,
) -> list[dict]:
    """One dict per statement: ``statement``, ``text`` (next round's), ``previous_text`` (if edited),
    ``own_rating`` and ``groups`` (label, n, median, percentages 1–9 or None where hidden)."""
    dist = distribution(ratings, round_, plan=plan, min_n=min_n)
    mine = own_ratings(ratings, rater_id, round_).set_index("statement") if rater_id else pd.DataFrame()
    out = []
    for statement, part in dist.groupby("statement", sort=False):
        now, before = wording(statements, statement, round_ + 1), wording(statements, statement, round_)
        groups = []
        for r in part.to_dict("records"):
            shown = not r["suppressed"]
            groups.append(
                {
                    "group": "All raters" if r["group"] == ALL else group_label(r["group"]),
                    "n": int(r["n"]) if shown else None,
                    "median": float(r["median"]) if shown else None,
                    "percentages": [round(float(r[f"pct_{s}"])) for s in SCORES] if shown else None,
                }
            )
        own = mine["rating"].get(statement) if len(mine) else None
        out.append(
            {
                "statement": statement,
                "text": now,
                "previous_text": before if before != now else None,
                "own_rating": None if own is None or pd.isna(own) else int(own),
                "groups": groups,
            }
        )
    return out


def feedback_html(rows: list[dict], *, title: str, round_: int) -> str:
    """A self-contained, printable HTML page of :func:`feedback_rows`."""
    parts = [
        "<!doctype html><html lang='en-GB'><head><meta charset='utf-8'>",
        f"<title>{escape(title)}</title><style>body{{font-family:sans-serif;max-width:50em;margin:2em auto;"
        "color:#1a1a1a}table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #595959;"
        "padding:.2em .5em;text-align:right}th:first-child,td:first-child{text-align:left}"
        ".old{color:#595959}</style></head><body>",
        f"<h1>{escape(title)}</h1><p>How each group rated each statement in round {round_} (1 = strongly "
        "disagree, 9 = strongly agree), as percentages of the group. Groups too small to show safely are "
        "not shown.</p>",
    ]
    for row in rows:
        parts.append(f"<h2>{escape(row['text'])}</h2>")
        if row["previous_text"]:
            parts.append(
                f"<p class='old'>Reworded since round {round_}; it read: “{escape(row['previous_text'])}”</p>"
            )
        if row["own_rating"] is not None:
            parts.append(f"<p>Your rating in round {round_}: <strong>{row['own_rating']}</strong></p>")
        head = "".join(f"<th scope='col'>{s}</th>" for s in SCORES)
        parts.append(f"<table><tr><th scope='col'>Group</th><th scope='col'>Median</th>{head}</tr>")
        for g in row["groups"]:
            if g["percentages"] is None:
                cells = f"<td colspan='{len(SCORES) + 1}'>{HIDDEN}</td>"
            else:
                cells = f"<td>{g['median']:g}</td>" + "".join(f"<td>{p}%</td>" for p in g["percentages"])
            parts.append(f"<tr><th scope='row'>{escape(g['group'])}</th>{cells}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def feedback_text(rows: list[dict], *, round_: int) -> str:
    """The same sheet as plain text, for a terminal or an e-mail."""
    lines = []
    for row in rows:
        lines.append(row["text"])
        if row["previous_text"]:
            lines.append(f"  (reworded; it read: {row['previous_text']})")
        if row["own_rating"] is not None:
            lines.append(f"  your rating in round {round_}: {row['own_rating']}")
        for g in row["groups"]:
            if g["percentages"] is None:
                lines.append(f"  {g['group']}: {HIDDEN}")
            else:
                bands = [sum(g["percentages"][i : i + 3]) for i in (0, 3, 6)]
                lines.append(
                    f"  {g['group']}: median {g['median']:g}; 1–3 {bands[0]}%, 4–6 {bands[1]}%, 7–9 {bands[2]}%"
                )
        lines.append("")
    return "\n".join(lines)
