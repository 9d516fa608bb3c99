"""Theme discovery: planted topics are recovered and the stability criterion picks their number."""

from __future__ import annotations

import numpy as np
import pytest

from mindthegap.errors import InputError
from mindthegap.text.themes import discover_themes

TOPICS = {
    "parking": ["parking", "car park", "parking fees", "spaces", "pay machine"],
    "waiting": ["waiting", "waited hours", "delay", "long queue", "appointment late"],
    "food": ["food", "meals", "cold dinner", "menu choice", "hot drinks"],
    "staff": ["nurses", "kind staff", "caring doctor", "friendly team", "listened"],
}


def corpus(n: int = 160, seed: int = 2) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(seed)
    names = list(TOPICS)
    texts, truth = [], []
    for i in range(n):
        topic = names[i % len(names)]
        words = list(rng.choice(TOPICS[topic], 3, replace=False)) + list(
            rng.choice(["today", "again", "ward"], 1)
        )
        texts.append(" ".join(words))
        truth.append(topic)
    return texts, truth


def test_recovers_planted_topics():
    """Reference: the planted topic of each synthetic comment; themes should be pure."""
    texts, truth = corpus()
    result = discover_themes(texts, k_range=range(2, 7), n_boot=4, seed=1)
    assert result.k == 4
    assert result.stability[4] > 0.9
    truth = np.array(truth)
    for t in range(result.k):
        members = truth[result.assignments == t]
        _, counts = np.unique(members, return_counts=True)
        assert counts.max() / counts.sum() > 0.9
    assert len(result.quotes) == 4 * 3
    assert result.themes["n_comments"].sum() == len(texts)


def test_too_little_text():
    with pytest.raises(InputError, match="fewer than 20"):
        discover_themes(["a b c"] * 5)


def test_a_missing_comments_file_is_named_in_one_line(cli_here, tmp_path):
    """`autocode themes` on a file that is not there says so, as `autocode apply` does, rather than an internal
    error. Reference: the message `autocode apply` gives for the same mistake."""
    code, _, err = cli_here("autocode", "themes", str(tmp_path / "missing.csv"), "--text", "comment")
    assert code == 2, err
    assert "internal error" not in err
    assert "missing.csv: input file not found" in err
