"""Nested cross-validation of the auto-coder on the fitting part of real NHS feedback: the estimate to plan by.

``feedback_coding.py`` reports the coder's own cross-validated figures, which score every choice (thresholds,
per-code settings, the part weight) on the folds that made it — a little flattering. Here each *outer* fold of the
3,092 fitting comments (``feedback_coding.held_out_split``; the held-out part and dev are never read) refits the
whole procedure — internal cross-validation, choices, thresholds — on the other four fifths and scores the fold it
never saw. Repeated over several sets of outer folds (``--seeds``), because with codes of a dozen examples one
split moves macro-F1 by 0.01–0.02.

``--on train`` runs it on the whole train split instead (the held-out part too; dev is still never read), for
comparisons that need more comments than the fitting part holds.

Run: ``taskset -c 0 python benchmarks/feedback_coding_nested.py [--seeds 0 1 2] [--text-only] [--on train]
[--param part_weight=0]``. Prints JSON: per seed, the macro- and micro-F1 of each outer fold and their means.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedback_coding import CONTEXT, DATA, held_out_split, load_task


def _value(text: str):
    """A ``--param`` value: JSON where it parses (numbers, null, true), else the string."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def nested(fit_part, labels, *, seed: int, context: list[str] | None, params: dict, n_outer: int = 5) -> dict:
    """Macro- and micro-F1 of each outer fold, every fold scored by a coder fitted without it."""
    from mindthegap.text.autocoder import AutoCoder
    from mindthegap.text.autocoder_cv import f1_scores
    from mindthegap.text.folds import iterative_folds

    texts = fit_part["FFT answer"].astype(str).tolist()
    Y = fit_part[labels].fillna(0).astype(int).to_numpy()
    frame = fit_part[context].reset_index(drop=True) if context else None
    outer = iterative_folds(Y, n_outer, random_state=seed)
    folds, chosen = [], []
    for k in range(n_outer):
        train, test = np.flatnonzero(outer != k), np.flatnonzero(outer == k)
        model = AutoCoder(**params).fit(
            [texts[i] for i in train],
            Y[train],
            codes=labels,
            context=frame.iloc[train].reset_index(drop=True) if context else None,
        )
        predicted = model.predict(
            [texts[i] for i in test], context=frame.iloc[test].reset_index(drop=True) if context else None
        )
        folds.append(f1_scores(Y[test], predicted))
        chosen.append(getattr(model, "part_weight_", None))
    scores = np.array(folds)
    return {
        "macro_f1": round(float(scores[:, 0].mean()), 4),
        "micro_f1": round(float(scores[:, 1].mean()), 4),
        "macro_f1_by_fold": [round(float(x), 4) for x in scores[:, 0]],
        "micro_f1_by_fold": [round(float(x), 4) for x in scores[:, 1]],
        "part_weight_chosen": chosen,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="Seeds of the outer folds.")
    parser.add_argument("--text-only", action="store_true", help="Without the question and rating columns.")
    parser.add_argument(
        "--on",
        choices=["fitting", "train"],
        default="fitting",
        help="The 3,092 fitting comments (default) or the whole train split (3,776; its held-out part too).",
    )
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="An AutoCoder parameter (repeatable).",
    )
    args = parser.parse_args(argv)
    if not DATA.is_file():
        print(json.dumps({"skipped": f"data not found at {DATA}"}))
        return 0
    params = {name: _value(value) for name, value in (p.split("=", 1) for p in args.param)}
    train, _, labels = load_task()
    fit_part = held_out_split(train)[0] if args.on == "fitting" else train
    context = None if args.text_only else CONTEXT
    start = time.perf_counter()
    by_seed = {
        seed: nested(fit_part, labels, seed=seed, context=context, params=params) for seed in args.seeds
    }
    out = {
        "comments": len(fit_part),
        "context_columns": context,
        "params": params,
        "by_seed": by_seed,
        "macro_f1_mean_over_seeds": round(float(np.mean([r["macro_f1"] for r in by_seed.values()])), 4),
        "micro_f1_mean_over_seeds": round(float(np.mean([r["micro_f1"] for r in by_seed.values()])), 4),
        "seconds": round(time.perf_counter() - start, 1),
    }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
