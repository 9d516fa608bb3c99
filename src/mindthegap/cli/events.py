"""``mindthegap events``: import an events programme and report its reach; ``mindthegap network``."""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console, frame_records, print_json

app = typer.Typer(
    help=(
        "The events programme: events, attendance, feedback, notes, network ties and headcounts; who came.\n\n"
        "Example: [bold]mindthegap events import events.csv --study northmoor[/bold] then "
        "[bold]mindthegap events reach --study northmoor[/bold]"
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
)
_STUDY = typer.Option(..., "--study", help="The stored study the file belongs to.")
_OF_STUDY = typer.Option(..., "--study", help="The stored study.")
_JSON = typer.Option(False, "--json", help="Print machine-readable JSON.")
_KIND = typer.Option(
    None,
    "--kind",
    help="events, attendance, feedback, notes, ties, tie_counts or headcounts (default: from the columns).",
)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="CSV, XLSX or Parquet: one events-programme file."),
    study: str = _STUDY,
    kind: str = _KIND,
) -> None:
    """Check the whole file against the study and store it, or store nothing and list every problem.

    Example: [bold]mindthegap events import attendance.csv --study northmoor[/bold]
    """
    from mindthegap.store.database import open_study

    record = open_study(study)  # sets Django up before the models are imported
    from mindthegap.store.events.queries import import_file

    kind, n = import_file(record, file, kind)
    console.print(f"imported {n} {kind} row{'s' if n != 1 else ''} into study {study!r}")


@app.command("reach")
def reach(study: str = _OF_STUDY, json: bool = _JSON) -> None:
    """Who came and who never did, by discipline, service and level; repeat attendance; levels per event.

    Example: [bold]mindthegap events reach --study northmoor --json[/bold]
    """
    from mindthegap.store.database import open_study

    record = open_study(study)
    from mindthegap.store.events.queries import study_reach

    tables = study_reach(record)
    if json:
        print_json({name: frame_records(t) for name, t in tables.items()})
        return
    reach_table = tables["reach"]
    console.print("[bold]Reach[/bold] (share of each group's headcount who came to at least one event)")
    for r in reach_table.itertuples(index=False):
        group = next(
            (getattr(r, d) for d in ("discipline", "service", "level") if getattr(r, d) != "All"), "All"
        )
        shown = "suppressed" if r.suppressed else f"{r.attended} of {r.headcount} ({r.share:.0%})"
        console.print(f"  {r.dimension:<11} {group:<28} {shown}")
    console.print("[bold]Repeat attendance[/bold]")
    for r in tables["repeat"].itertuples(index=False):
        console.print(f"  {r.band:<18} {'suppressed' if r.suppressed else r.people}")
    events = tables["events"]
    if len(events):
        console.print(
            f"[bold]Events[/bold]: {len(events)}; all five levels in the room at {int(events['all_levels'].sum())}, "
            f"a single level at {int(events['single_level'].sum())}"
        )


def network(
    study: str = _OF_STUDY,
    json: bool = _JSON,
    graphml: Path = typer.Option(
        None, "--graphml", help="Also write every wave's network to this GraphML file."
    ),
    permutations: int = typer.Option(
        1000, "--permutations", min=99, help="Permutations for the change test."
    ),
) -> None:
    """Who works with whom: density, E-I index, brokers, isolates and change between waves (suppressed).

    Example: [bold]mindthegap network --study northmoor --graphml northmoor.graphml[/bold]
    """
    from mindthegap.store.database import open_study

    record = open_study(study)
    from mindthegap.store.events.queries import study_network, write_graphml

    tables = study_network(record, n_perm=permutations)
    if graphml is not None:
        from mindthegap.cli.console import err_console

        n = write_graphml(record, graphml)
        from mindthegap.cli.audited import written

        written("network", study=record, out=graphml, people=n)
        err_console.print(f"wrote {n} people to {graphml}")
    if json:
        print_json({name: frame_records(t) for name, t in tables.items()})
        return
    for r in tables["waves"].itertuples(index=False):
        console.print(
            f"[bold]{r.wave}[/bold]: people {r.people if r.people is not None else 'suppressed'}, "
            f"density {r.density:.4f}, E-I discipline {r.ei_discipline:+.2f}, service {r.ei_service:+.2f}, "
            f"isolates {r.isolates if r.isolates is not None else 'suppressed'}"
        )
    for r in tables["change"].itertuples(index=False):
        if r.suppressed:
            console.print(f"change in {r.measure}: suppressed")
        else:
            console.print(f"change in {r.measure}: {r.change:+.4f} (permutation p = {r.p_value:.3f})")
    for r in tables.get("count_measures", pd_empty()).itertuples(index=False):
        if r.group == "All":
            shown = (
                "suppressed"
                if r.suppressed
                else (
                    f"{int(r.ties)} ties counted, E-I discipline {r.ei_discipline:+.2f}, service {r.ei_service:+.2f}"
                )
            )
            console.print(f"[bold]{r.wave}[/bold] (counts by discipline × service): {shown}")


def pd_empty():
    import pandas as pd

    return pd.DataFrame()
