"""The arguments and options the ``mindthegap autocode`` commands share or that teach at length."""

from __future__ import annotations

import typer

MODEL = typer.Argument(..., metavar="MODEL", help="Model saved by `mindthegap autocode train`.")
APPLY_IN = typer.Argument(
    ...,
    metavar="IN",
    help="Comments to code: .csv or .parquet, with the model's context columns if it has any.",
)
CONTEXT_COLUMNS = typer.Option(
    None,
    "--context-column",
    help="Optional: a categorical column known beside each comment, such as the question asked or the rating "
    "given, to learn from too (repeat for several; values are lower-cased, white space folded). `autocode apply` "
    "then reads the same columns; values unseen in training are ignored.",
)

PART_WEIGHT = typer.Option(
    0.5,
    "--part-weight",
    min=0.0,
    max=1.0,
    help="How much a comment's best sentence or clause counts beside the whole comment, 0 to 1 (0: the whole "
    "comment only; 0.5, the default, did best in cross-validation on real feedback).",
)
