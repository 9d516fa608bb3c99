"""``mindthegap autocode``: train an auto-coder on coded comments and apply it to a corpus in chunks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer
from rich.markup import escape

from mindthegap.cli.autocode_options import APPLY_IN, CONTEXT_COLUMNS, MODEL, PART_WEIGHT
from mindthegap.cli.console import console, print_json, progress
from mindthegap.defaults import DEFAULT_SEED
from mindthegap.errors import InputError
from mindthegap.scale.local import read_chunks

app = typer.Typer(
    help=(
        "Code free text by example: learn your coding from the comments you have coded, then propose codes "
        "for the rest.\n\nExample: [bold]mindthegap autocode train coded.csv --text Comment "
        "--codes-file CODES.txt --out coder.mtgmodel[/bold] then [bold]mindthegap autocode apply coder.mtgmodel "
        "all.csv --text Comment --id ID --out coded.csv[/bold]"
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
)


@app.command("train")
def train(
    data: Path = typer.Argument(
        ..., help="CSV of coded comments: a text column and one 0/1 column per code."
    ),
    text: str = typer.Option(..., "--text", help="Name of the text column."),
    codes_file: Path = typer.Option(None, "--codes-file", help="Text file: one code column name per line."),
    labels_file: Path = typer.Option(None, "--labels-file", hidden=True, help="Old name of --codes-file."),
    out: Path = typer.Option(..., "--out", help="Where to save the trained model (e.g. coder.mtgmodel)."),
    sentiment_col: str = typer.Option(
        None,
        "--sentiment-col",
        help="Also learn sentiment from this column (1 very positive … 5 very negative).",
    ),
    embeddings: Path = typer.Option(
        None,
        "--embeddings",
        help="Folder of a local sentence-transformers model to add dense features (needs the embeddings extra).",
    ),
    context_columns: list[str] = CONTEXT_COLUMNS,
    part_weight: float = PART_WEIGHT,
    as_json: bool = typer.Option(False, "--json", help="Print a training summary as JSON."),
) -> None:
    """Train an auto-coder on coded comments; rows with empty text are skipped.

    Each comment is scored whole and by its sentences and clauses, so a theme raised once in a long one counts.

    The model file holds only JSON and numeric arrays, so opening one can never run code.

    Example: [bold]mindthegap autocode train fft.csv --text "FFT answer" --codes-file C.txt --out coder.mtgmodel
    --context-column "FFT question" --context-column "FFT categorical answer"[/bold]
    """
    from mindthegap.cli.console import renamed_option
    from mindthegap.scale.train import train_from_file

    codes_file = renamed_option(codes_file, labels_file, new="--codes-file", old="--labels-file")
    if codes_file is None:
        raise InputError(
            "missing option --codes-file", hint="give the text file of code column names, one a line"
        )
    with progress(not as_json) as bar:
        bar.add_task("training", total=None)
        summary = train_from_file(
            data,
            text=text,
            codes_file=codes_file,
            out=out,
            sentiment_col=sentiment_col,
            embeddings=embeddings,
            context=list(context_columns or []),
            part_weight=part_weight,
        )
    if as_json:
        print_json(summary)
    else:
        console.print(
            f"Trained on {summary['comments']:,} comments, {summary['codes']} codes "
            f"(cross-validated macro-F1 {summary['cross_validated_macro_f1']:.3f} ± "
            f"{summary['cross_validated_macro_f1_sd']:.3f}, micro-F1 {summary['cross_validated_micro_f1']:.3f} ± "
            f"{summary['cross_validated_micro_f1_sd']:.3f} over folds); saved to {out}"
        )


@app.command("apply")
def apply(
    model_path: Path = MODEL,
    input_path: Path = APPLY_IN,
    text: str = typer.Option(..., "--text", help="Name of the text column."),
    id_col: str = typer.Option(..., "--id", help="Name of the id column, copied to the output."),
    out: Path = typer.Option(..., "--out", help="Output .csv or .parquet (written only when complete)."),
    redact: bool = typer.Option(False, "--redact", help="Redact personal data first; adds redacted text."),
    sentiment: bool = typer.Option(False, "--sentiment", help="Add a 1–5 sentiment column."),
    engine: str = typer.Option("local", "--engine", help="local (this machine) or spark (a Spark cluster)."),
    master: str = typer.Option(
        None, "--master", help="Spark master URL, e.g. local[4] (with --engine spark)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print a summary as JSON."),
) -> None:
    """Apply a trained auto-coder to a corpus, streaming in chunks: id, 0/1 per code and p_<code> columns.

    Example: [bold]mindthegap autocode apply coder.mtgmodel fft.csv --text Comment --id ID --out coded.csv[/bold]
    """
    from mindthegap.text.autocoder import load_autocoder

    if not input_path.is_file():
        raise InputError("input file not found", path=input_path)
    out_suffix = out.suffix.lower()
    if out_suffix not in {".csv", ".parquet"}:
        raise InputError("output must end in .csv or .parquet", path=out)
    if engine not in {"local", "spark"}:
        raise InputError(f"unknown engine {engine!r}", hint="use --engine local or --engine spark")
    model = load_autocoder(model_path)
    if engine == "spark":
        from mindthegap.scale.spark import apply_model_spark

        summary = apply_model_spark(
            model_path,
            input_path,
            out,
            text_col=text,
            id_col=id_col,
            redact=redact,
            sentiment=sentiment,
            master=master,
        )
        if as_json:
            print_json(summary)
        else:
            console.print(f"Coded with Spark; wrote {out}")
        return

    from mindthegap.scale.local import apply_model_local

    with progress(not as_json) as bar:
        task = bar.add_task("coding comments", total=None)
        summary = apply_model_local(
            model, input_path, out, text_col=text, id_col=id_col, redact=redact, sentiment=sentiment,
            on_progress=lambda done, total: bar.update(task, completed=done, total=total),
        )  # fmt: skip
    if as_json:
        print_json(summary)
    else:
        console.print(f"Coded {summary['rows']:,} comments ({summary['rows_empty']:,} empty); wrote {out}")


@app.command("queue")
def queue(
    model_path: Path = MODEL,
    input_path: Path = typer.Argument(..., metavar="IN", help="Uncoded comments: .csv or .parquet."),
    text: str = typer.Option(..., "--text", help="Name of the text column."),
    id_col: str = typer.Option(..., "--id", help="Name of the id column."),
    batch: int = typer.Option(20, "--batch", min=1, help="How many comments to pick."),
    as_json: bool = typer.Option(False, "--json", help="Print the queue as JSON records."),
) -> None:
    """Pick the comments to code next: those the model is least sure about (plus a few at random).

    Example: [bold]mindthegap autocode queue coder.mtgmodel uncoded.csv --text Comment --id ID --batch 30[/bold]
    """
    from mindthegap.cli.console import frame_records
    from mindthegap.text.active_learning import next_to_code
    from mindthegap.text.autocoder import load_autocoder
    from mindthegap.text.autocoder_context import refuse_context_model

    model = load_autocoder(model_path)
    refuse_context_model(model, "autocode queue")
    frames = [f for f, _, _ in read_chunks(input_path, list(dict.fromkeys([id_col, text])))]
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[id_col, text])
    result = next_to_code(model, data[text].tolist(), ids=data[id_col].tolist(), batch=batch)
    if as_json:
        print_json(frame_records(result))
        return
    for row in result.itertuples(index=False):
        console.print(
            f"{row.id}\t{row.uncertainty:.2f}\t{row.most_uncertain_code}\t{row.text[:80]}", markup=False
        )


@app.command("themes")
def themes(
    input_path: Path = typer.Argument(..., metavar="IN", help="Uncoded comments: .csv or .parquet."),
    text: str = typer.Option(..., "--text", help="Name of the text column."),
    k_min: int = typer.Option(3, "--k-min", min=2, help="Fewest themes to consider."),
    k_max: int = typer.Option(10, "--k-max", min=2, help="Most themes to consider."),
    n_boot: int = typer.Option(10, "--n-boot", min=2, help="Bootstrap refits per number of themes."),
    seed: int = typer.Option(DEFAULT_SEED, help="Random seed."),
    as_json: bool = typer.Option(False, "--json", help="Print themes and quotes as JSON."),
) -> None:
    """Suggest themes in uncoded comments (NMF, number of themes chosen by stability) to seed new codes.

    Example: [bold]mindthegap autocode themes comments.csv --text Comment --k-max 8[/bold]
    """
    from mindthegap.cli.console import frame_records
    from mindthegap.text.themes import discover_themes

    if k_max < k_min:
        raise InputError("--k-max is smaller than --k-min")
    frames = [f for f, _, _ in read_chunks(input_path, [text])]
    data = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=[text])
    with progress(not as_json) as bar:
        bar.add_task("finding themes", total=None)
        result = discover_themes(
            data[text].tolist(), k_range=range(k_min, k_max + 1), n_boot=n_boot, seed=seed
        )
    if as_json:
        print_json(
            {
                "k": result.k,
                "stability": result.stability,
                "themes": frame_records(result.themes),
                "quotes": frame_records(result.quotes),
            }
        )
        return
    console.print(f"{result.k} themes (stability {result.stability[result.k]:.2f})")
    for row in result.themes.itertuples(index=False):
        console.print(
            f"[bold]Theme {row.theme}[/bold] ({row.n_comments:,} comments): {escape(row.top_terms)}"
        )
        for q in result.quotes[result.quotes["theme"] == row.theme]["text"]:
            console.print(f"    “{escape(q[:120])}”")


def _register() -> None:
    """Suggestions and their review live in :mod:`mindthegap.cli.autocode_review` (each module under 250 lines)."""
    from mindthegap.cli.autocode_review import review, suggest

    app.command("suggest")(suggest)
    app.command("review")(review)


_register()
