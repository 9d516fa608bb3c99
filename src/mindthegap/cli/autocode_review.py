"""``mindthegap autocode suggest`` and ``mindthegap autocode review``: the auto-coder's suggestions for a stored
study."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from mindthegap.cli.console import console, print_json
from mindthegap.errors import InputError
from mindthegap.store.database import open_study


def suggest(
    model_path: Path = typer.Argument(
        ..., metavar="MODEL", help="Model saved by `mindthegap autocode train`."
    ),
    study: str = typer.Option(..., "--study", help="The stored study whose sources to code."),
    min_confidence: float = typer.Option(
        0.0, "--min-confidence", min=0.0, max=1.0, help="Store only suggestions at least this sure (0–1)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a summary as JSON."),
) -> None:
    """Propose codes for a study's sources: stored as unreviewed codings with the model's confidence.

    Suggestions are not findings: reports leave them out until a person accepts them, here with
    [bold]mindthegap autocode review[/bold] or in the web app. Running it again never repeats a suggestion (nor one
    a person rejected); run it again with a lower --min-confidence to add those the higher threshold held back.

    Example: [bold]mindthegap autocode suggest coder.mtgmodel --study riverside --min-confidence 0.6[/bold]
    """
    from mindthegap.text.autocoder import load_autocoder
    from mindthegap.text.autocoder_context import refuse_context_model

    model = load_autocoder(model_path)
    refuse_context_model(model, "autocode suggest")  # a study's sources carry no context columns
    record = open_study(study)
    from mindthegap.store.feedback.suggestions import pending_suggestions, store_suggestions

    stored = store_suggestions(record, model, min_confidence=min_confidence)
    waiting = pending_suggestions(record).count()
    if as_json:
        print_json({"study": study, "stored": stored, "awaiting_review": waiting})
        return
    console.print(
        f"Stored {stored:,} suggestions; {waiting:,} await review (mindthegap autocode review --study {study})."
    )


def review(
    study: str = typer.Option(..., "--study", help="The stored study."),
    accept: list[int] = typer.Option(
        None, "--accept", metavar="ID", help="Accept the suggestion with this id (repeatable)."
    ),
    reject: list[int] = typer.Option(
        None, "--reject", metavar="ID", help="Reject the suggestion with this id (repeatable)."
    ),
    code: str = typer.Option(None, "--code", help="List only suggestions of this code."),
    limit: int = typer.Option(20, "--limit", min=1, help="How many suggestions to list."),
    reviewer: str = typer.Option(
        None, "--reviewer", help="Who is deciding (default: your login name), kept with each decision."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """List the machine's suggestions awaiting review, most confident first, or accept and reject them by id.

    The decisions in one command are all-or-nothing: if one id is wrong, none of them is recorded.

    Examples: [bold]mindthegap autocode review --study riverside[/bold] then
    [bold]mindthegap autocode review --study riverside --accept 41 --accept 42 --reject 57[/bold]
    """
    import getpass

    record = open_study(study)
    accept, reject = list(accept or []), list(reject or [])
    if set(accept) & set(reject):
        raise InputError(f"suggestion {sorted(set(accept) & set(reject))[0]} is both accepted and rejected")
    if accept or reject:
        _decide(record, accept, reject, reviewer or getpass.getuser(), as_json)
    else:
        _list(record, code, limit, as_json)


def _decide(record, accept: list[int], reject: list[int], reviewer: str, as_json: bool) -> None:
    from mindthegap.store.feedback.suggestions import pending_suggestions, review_suggestions

    review_suggestions(record, accept=accept, reject=reject, reviewer=reviewer)
    waiting = pending_suggestions(record).count()
    if as_json:
        print_json({"accepted": len(accept), "rejected": len(reject), "awaiting_review": waiting})
    else:
        console.print(f"Accepted {len(accept)}, rejected {len(reject)}; {waiting:,} still await review.")


def _list(record, code: str | None, limit: int, as_json: bool) -> None:
    from mindthegap.store.feedback.suggestions import suggestion_excerpt, suggestion_rows

    total, rows = suggestion_rows(record, code=code, limit=limit)
    if as_json:
        print_json({"awaiting_review": total, "suggestions": rows})
        return
    if not rows:
        console.print("No suggestions await review.")
        return
    console.print(f"{total:,} suggestions await review; the {len(rows)} most confident:")
    for row in rows:
        excerpt = suggestion_excerpt(row["text"], limit=101)  # 100 characters and "…"
        console.print(
            f"[bold]{row['id']}[/bold]\t{row['confidence']:.2f}\t{escape(row['code'])}\t"
            f"{escape(row['source'])}: {escape(excerpt)}"
        )
