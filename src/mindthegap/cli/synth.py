"""``mindthegap synth``: CFIR ratings, the co-production index and recommended strategies for a stored study."""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.errors import InputError
from mindthegap.store import database

app = typer.Typer(
    help=(
        "Synthesis: CFIR 2.0 ratings per case, the co-production index, implementation strategies matched to "
        "barriers.\n\nExample: [bold]mindthegap synth cfir propose northmoor[/bold] then [bold]mindthegap synth "
        "strategies northmoor[/bold]"
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
)
cfir = typer.Typer(
    help=(
        "CFIR 2.0 ratings: propose from coded evidence, confirm or change with a reason, list.\n\n"
        "Example: [bold]mindthegap synth cfir propose northmoor[/bold]"
    )
)
app.add_typer(cfir, name="cfir")
support = typer.Typer(
    help=(
        "Implementation support: who used the supports the study lists, and how helpful.\n\n"
        "Example: [bold]mindthegap synth support import support-use.csv --study northmoor[/bold]"
    )
)
app.add_typer(support, name="support")
_STUDY = typer.Argument(..., help="The study id.")
_JSON = typer.Option(False, "--json", help="Print machine-readable JSON.")


@cfir.command("propose")
def cfir_propose(
    study: str = _STUDY,
    case: str = typer.Option("service", "--case", help="What a case is: service or team."),
) -> None:
    """Propose −2…+2 per case and construct from the coded evidence; analysts' decisions are kept.

    Example: [bold]mindthegap synth cfir propose northmoor --case service[/bold]
    """
    if case not in ("service", "team"):
        raise InputError(f"--case {case!r} is neither service nor team")
    database.open_study(study)
    from mindthegap.report.synthesis import propose_cfir

    console.print(f"{propose_cfir(study, case=case)} CFIR ratings proposed for study {study!r}")


@cfir.command("rate")
def cfir_rate(
    study: str = _STUDY,
    case: str = typer.Option(..., "--case", help="The case (service or team id)."),
    construct: str = typer.Option(
        ..., "--construct", help="The CFIR 2.0 construct, e.g. 'Relative Priority'."
    ),
    rating: str = typer.Option(..., "--rating", help="-2, -1, 0, 1, 2 or X (no evidence)."),
    reason: str = typer.Option(
        "", "--reason", help="Why (needed when the rating differs from the proposal)."
    ),
    analyst: str = typer.Option(..., "--analyst", help="Who decides (a username or initials)."),
) -> None:
    """Confirm or change one rating; the reason and any earlier decision are kept.

    Example: [bold]mindthegap synth cfir rate northmoor --case forensic --construct Teaming --rating 1
    --analyst jb[/bold]
    """
    value = None if rating.strip().upper() == "X" else _rating(rating)
    record = database.open_study(study)
    from mindthegap.store.synthesis.repository import decide

    row = decide(record, case, construct, rating=value, reason=reason, analyst=analyst)
    console.print(f"{row.case} / {row.construct}: {row.status} at {rating} (proposed {row.proposed})")


def _rating(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise InputError(f"--rating {text!r} is not -2, -1, 0, 1, 2 or X") from None


@cfir.command("list")
def cfir_list(study: str = _STUDY, as_json: bool = _JSON) -> None:
    """List the study's CFIR ratings with their status and reasons.

    Example: [bold]mindthegap synth cfir list northmoor --json[/bold]
    """
    record = database.open_study(study)
    from mindthegap.store.synthesis.repository import ratings_frame

    table = ratings_frame(record).drop(columns=["evidence", "history"])
    if as_json:
        print_json(frame_records(table))
        return
    _print(table, ["case", "construct", "proposed", "rating", "status", "reason"])


@support.command("import")
def support_import(
    file: Path = typer.Argument(
        ..., help="CSV/XLSX: participant or level, support, used, helpfulness, comment."
    ),
    study: str = typer.Option(..., "--study", help="The study id."),
) -> None:
    """Import support use and helpfulness (replaces the study's earlier record; the whole file is checked).

    Example: [bold]mindthegap synth support import support-use.csv --study northmoor[/bold]
    """
    database.open_study(study)
    from mindthegap.store.synthesis.support_import import import_support_uses

    console.print(f"{import_support_uses(study, file)} support-use rows stored for study {study!r}")


@app.command("requirements")
def requirements_cmd(
    study: str = _STUDY,
    requirements: Path = typer.Option(
        None, "--requirements", help="Your own requirements framework (YAML, the shipped file's layout)."
    ),
    as_json: bool = _JSON,
) -> None:
    """The requirements framework rated against the study's evidence: met, partly met, not met, no evidence.

    Example: [bold]mindthegap synth requirements northmoor --json[/bold]
    """
    database.open_study(study)
    from mindthegap.report.synthesis import requirements_rated

    table = requirements_rated(study, requirements=requirements)
    if as_json:
        print_json(frame_records(table))
        return
    _print(table, ["name", "rating", "rule"], title="Requirements framework")


@app.command("coproduction")
def coproduction_cmd(study: str = _STUDY, as_json: bool = _JSON) -> None:
    """The co-production index by team, its change between waves and the characteristics absent.

    Example: [bold]mindthegap synth coproduction northmoor[/bold]
    """
    database.open_study(study)
    from mindthegap.report.synthesis import coproduction

    result = coproduction(study)
    if as_json:
        print_json({k: frame_records(v) for k, v in result.items()})
        return
    _print(result["index"], ["team", "characteristic", "n", "index"], title="Co-production index by team")
    _print(result["absent"], ["team", "characteristic", "status"], title="Absent characteristics")


@app.command("strategies")
def strategies_cmd(
    study: str = typer.Argument(None, help="The study id (or use --list)."),
    mapping: Path = typer.Option(None, "--mapping", help="Your own barrier → strategy mapping (YAML)."),
    barriers: Path = typer.Option(
        None,
        "--barriers",
        help="More barriers (CSV: case, framework, barrier, severity, evidence), e.g. pressures.",
    ),
    top: int = typer.Option(5, "--top", min=1, help="Strategies per service."),
    list_all: bool = typer.Option(False, "--list", help="List the 73 ERIC strategies and their ids."),
    as_json: bool = _JSON,
) -> None:
    """Implementation strategies ranked per service, each with the barriers and evidence that triggered it.

    Example: [bold]mindthegap synth strategies northmoor --top 3[/bold]
    """
    if list_all:
        from mindthegap.frameworks.strategies import eric_strategies

        table = eric_strategies()
        print_json(frame_records(table)) if as_json else _print(table, ["strategy", "name", "cluster"])
        return
    if study is None:
        raise InputError("give a STUDY, or --list for the strategies")
    database.open_study(study)
    from mindthegap.report.synthesis import recommendations

    table = recommendations(study, mapping=mapping, extra=barriers, top=top)
    if as_json:
        print_json(frame_records(table))
        return
    _print(table, ["case", "rank", "name", "score", "triggered_by"], title="Recommended strategies")


def _print(table, columns: list[str], title: str | None = None) -> None:
    from rich.table import Table

    out = Table(title=title)
    for col in columns:
        out.add_column(col)
    for row in table[columns].itertuples(index=False):
        out.add_row(
            *("" if v is None or v != v else f"{v:.1f}" if isinstance(v, float) else str(v) for v in row)
        )
    console.print(out)
