"""Coding long sources: the auto-coder on texts made of many real comments, scored whole and by parts.

A study's sources are often longer than a Friends and Family Test comment — an interview, a letter, a page of
feedback — and ``autocode suggest`` codes each source as a whole. This builds such sources from the dev split's
comments (``--per-source`` comments joined, 300 sources each; a source carries every code of any of its comments)
and codes them with a coder fitted on the train split, once with its part weight (the default, 0.5) and once
with the whole text only (0, as before scoring by parts). Nothing is chosen here: it reports micro-F1, precision,
recall and codes proposed per source.

Run: ``taskset -c 0 python benchmarks/feedback_coding_long.py [--per-source 1 5 20 60]``; prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feedback_coding import DATA, _texts_and_codes, load_task


def _scores(Y: np.ndarray, P: np.ndarray) -> dict:
    Yb, Pb = Y.astype(bool), P.astype(bool)
    tp = int((Yb & Pb).sum())
    precision, recall = tp / max(int(Pb.sum()), 1), tp / max(int(Yb.sum()), 1)
    return {
        "micro_f1": round(2 * precision * recall / max(precision + recall, 1e-12), 3),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "codes_per_source": round(float(P.sum(axis=1).mean()), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-source", type=int, nargs="+", default=[1, 5, 20, 60])
    parser.add_argument("--sources", type=int, default=300)
    args = parser.parse_args(argv)
    if not DATA.is_file():
        print(json.dumps({"skipped": f"data not found at {DATA}"}))
        return 0
    from mindthegap.text.autocoder import AutoCoder

    train, dev, labels = load_task()
    model = AutoCoder().fit(*_texts_and_codes(train, labels), codes=labels)
    texts, Y = _texts_and_codes(dev, labels)
    rng = np.random.default_rng(0)
    out: dict = {"part_weight": model.part_weight_, "sources": args.sources, "by_comments_per_source": {}}
    for k in args.per_source:
        picks = [rng.choice(len(texts), k, replace=False) for _ in range(args.sources)]
        sources = [" ".join(texts[i] for i in pick) for pick in picks]
        truth = np.array([Y[pick].max(axis=0) for pick in picks])
        row = {"true_codes_per_source": round(float(truth.sum(axis=1).mean()), 1)}
        weight = model.part_weight_
        for name, w in (("whole_and_parts", weight), ("whole_only", 0.0)):
            model.part_weight_ = w
            row[name] = _scores(truth, model.predict(sources))
        model.part_weight_ = weight
        out["by_comments_per_source"][k] = row
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
