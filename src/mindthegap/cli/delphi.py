"""``mindthegap delphi …``: consensus rounds: create, import ratings, open and close rounds, results, feedback.

Files in and out hold one row per rater × statement × round. Each command parses its options, calls one
library function and prints; ``--json`` prints machine-readable output.
"""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.errors import InputError
from mindthegap.store import database

app = typer.Typer(
    help=(
        "Delphi consensus rounds across stakeholder groups, and policy-lever rounds.\n\n"
        "Example: [bold]mindthegap delphi draft --study northmoor --out drafts.csv[/bold]"
    ),
    no_args_is_help=True,
)

_JSON = typer.Option(False, "--json", help="Print machine-readable JSON.")
_STUDY = typer.Option(..., "--study", help="Study id.")
_KIND = typer.Option(
    "consensus", "--kind", help="consensus (statements) or levers (lever × principle items)."
)


def _rule(method: str, agree: float, disagree: float):
    from mindthegap.analysis.consensus import ConsensusRule

    try:
        return ConsensusRule(method, agree / 100, disagree / 100)
    except ValueError as exc:
        raise InputError(str(exc), column="--rule/--agree/--disagree") from None


@app.command("create")
def create(
    study: str = _STUDY,
    panels: Path = typer.Option(..., "--panels", help="CSV/XLSX: rater_id, group (one panel per rater)."),
    statements: Path = typer.Option(
        None, "--statements", help="CSV/XLSX: statement, text[, principle, lever]."
    ),
    kind: str = _KIND,
    as_json: bool = _JSON,
) -> None:
    """Set up a Delphi and open its first round.

    With --kind levers and no --statements, the items are every
    lever of the study's policies (and the eight shipped levers) × every principle.

    Example: [bold]mindthegap delphi create --study northmoor --panels panels.csv --statements statements.csv[/bold]
    """
    from mindthegap.io.delphi_files import read_panels, read_statements

    panel_frame = read_panels(panels)
    record = database.open_study(study)
    if statements is not None:
        items = read_statements(statements)
    elif kind == "levers":
        from mindthegap.analysis.levers import lever_items, study_levers
        from mindthegap.store.studies.repository import load_study

        loaded = load_study(study)
        items = lever_items(study_levers(loaded), [(p.id, p.name) for p in loaded.principles])
    else:
        raise InputError(
            "a consensus Delphi needs --statements", hint="draft some with 'mindthegap delphi draft'"
        )
    from mindthegap.store.delphi.repository import create_delphi

    done = create_delphi(record, items, panel_frame, kind=kind, path=statements or panels)
    print_json(done) if as_json else console.print(
        f"Opened round {done['round']} ({kind}) with {done['statements']} items; "
        f"{done['panel_members_added']} panel members added."
    )


@app.command("import")
def import_(
    file: Path = typer.Argument(
        ..., help="Ratings: rater_id, statement, round, rating[, group, comment, statement_text]."
    ),
    study: str = _STUDY,
    as_json: bool = _JSON,
) -> None:
    """Import ratings into the study's open rounds; the whole file is checked first and lands whole or not at all.

    Example: [bold]mindthegap delphi import round1.csv --study northmoor[/bold]
    """
    from mindthegap.io.delphi_files import read_ratings

    ratings = read_ratings(file, need_group=False)
    record = database.open_study(study)  # sets the store up before its models are imported
    from mindthegap.store.delphi.repository import import_ratings

    count = import_ratings(record, ratings, path=file)
    print_json({"file": str(file), "ratings": count}) if as_json else console.print(
        f"Imported {count:,} ratings."
    )


@app.command("round")
def round_(
    study: str = _STUDY,
    kind: str = _KIND,
    edits: Path = typer.Option(
        None, "--edits", help="CSV/XLSX: statement, text: new wording from the next round."
    ),
    close: int = typer.Option(None, "--close", help="Close this round without opening another."),
    as_json: bool = _JSON,
) -> None:
    """Close the open round and open the next, with edited wordings (the old wording is kept); or --close N.

    Example: [bold]mindthegap delphi round --study northmoor --edits reworded.csv[/bold]
    """
    record = database.open_study(study)  # sets the store up before its models are imported
    from mindthegap.store.delphi import repository as repo

    if close is not None:
        repo.close_round(record, close)
        out = {"closed": close}
    else:
        from mindthegap.io.delphi_files import read_statements

        changes = read_statements(edits) if edits is not None else None
        out = {"opened": repo.open_round(record, kind, changes, path=edits)}
    print_json(out) if as_json else console.print(", ".join(f"{k} round {v}" for k, v in out.items()))


@app.command("status")
def status(study: str = _STUDY, as_json: bool = _JSON) -> None:
    """Rounds (open or closed), statements and their versions, and the panels.

    Example: [bold]mindthegap delphi status --study northmoor[/bold]
    """
    record = database.open_study(study)  # sets the store up before its models are imported
    from mindthegap.store.delphi.repository import status as delphi_status

    out = delphi_status(record)
    if as_json:
        print_json(out)
        return
    for r in out["rounds"]:
        console.print(f"round {r['round']} ({r['kind']}): {r['status']}")
    edited = [s["statement"] for s in out["statements"] if s["versions"] > 1]
    console.print(
        f"{len(out['statements'])} statements ({len(edited)} edited); panels: {', '.join(out['panels'])}"
    )


@app.command("results")
def results(
    file: Path = typer.Argument(
        None, help="A ratings file (rater_id, group, statement, round, rating); or --study."
    ),
    study: str = typer.Option(None, "--study", help="Study id (instead of a file)."),
    kind: str = _KIND,
    method: str = typer.Option("percent", "--rule", help="percent (default) or rand (RAND/UCLA)."),
    agree: float = typer.Option(70, "--agree", help="Percent rating 7–9 needed for 'in'."),
    disagree: float = typer.Option(15, "--disagree", help="Most percent rating 1–3 allowed for 'in'."),
    min_n: int = typer.Option(
        None, "--min-n", help="Suppress groups under this size (default 11, or the study's)."
    ),
    out: Path = typer.Option(None, "--out", help="Also write the summary to this .csv or .parquet file."),
    as_json: bool = _JSON,
) -> None:
    """Per statement and stakeholder group: n, median, % 7–9, % 1–3 and the verdict; small groups suppressed.

    Example: [bold]mindthegap delphi results ratings.csv --json[/bold]
    """
    from mindthegap.io.delphi_results import results as delphi_results
    from mindthegap.privacy import DEFAULT_MIN_N, validate_min_n

    rule = _rule(method, agree, disagree)
    if (file is None) == (study is None):
        raise InputError("give a ratings file or --study, not both or neither")
    if study:
        record = database.open_study(study)  # sets the store up before its models are imported
        from mindthegap.store.delphi.results import kind_ratings, study_delphi

        frames, plan = study_delphi(record)
        found = delphi_results(kind_ratings(frames, kind), plan=plan, rule=rule)
    else:
        from mindthegap.io.delphi_files import read_ratings

        n = validate_min_n(min_n if min_n is not None else DEFAULT_MIN_N, source="--min-n")
        found = delphi_results(read_ratings(file), rule=rule, min_n=n)
    if out is not None:
        from mindthegap.io.tables import write_table

        write_table(found["summary"], out)
        if study:
            from mindthegap.cli.audited import written

            written("delphi results", study=study, out=out, rows=len(found["summary"]))
    if as_json:
        print_json({"rule": rule.describe(), **{k: frame_records(v) for k, v in found.items()}})
        return
    console.print(f"Rule: {rule.describe()}")
    console.print(found["summary"].to_string(index=False))
    parted = found["divergence"][found["divergence"]["part"]]
    console.print(f"{parted['statement'].nunique()} statements where policymakers part from another group.")


@app.command("feedback")
def feedback(
    study: str = _STUDY,
    round_number: int = typer.Option(..., "--round", help="The round just closed."),
    rater: str = typer.Option(
        None, "--rater", help="A rater's pseudonym: their sheet shows their own rating."
    ),
    html: Path = typer.Option(None, "--html", help="Write a printable HTML sheet here."),
    as_json: bool = _JSON,
) -> None:
    """Feedback between rounds: each group's distribution and median, and the rater's own previous rating.

    Example: [bold]mindthegap delphi feedback --study northmoor --round 1 --rater RV-0001 --html sheet.html[/bold]
    """
    record = database.open_study(study)  # sets the store up before its models are imported
    from mindthegap.report.delphi_feedback import feedback_html, feedback_rows, feedback_text
    from mindthegap.store.delphi.results import study_delphi

    frames, plan = study_delphi(record)
    ratings = frames["ratings"][frames["ratings"]["round"] == round_number]
    if ratings.empty:
        raise InputError(f"round {round_number} has no ratings", column="--round", hint="see 'delphi status'")
    rows = feedback_rows(ratings, frames["statements"], round_number, plan=plan, rater_id=rater)
    if html is not None:
        from mindthegap.files import atomic_write_text

        title = f"Round {round_number}: how the panels rated"
        atomic_write_text(html, feedback_html(rows, title=title, round_=round_number))
        from mindthegap.cli.audited import written

        written("delphi feedback", study=study, out=html, round=round_number, rater=bool(rater))
    print_json(rows) if as_json else console.print(feedback_text(rows, round_=round_number), markup=False)


from mindthegap.cli import delphi_drafts  # noqa: E402,F401  (registers draft and links on this group)
