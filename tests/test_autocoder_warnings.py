"""Training on a code that no text (or every text) carries warns instead of succeeding silently."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.conftest import run_cli

from mindthegap.text.autocoder import AutoCoder


def _corpus(n: int = 40):
    words = ["staff were kind", "waited too long", "parking was hard", "food was cold"]
    texts = [f"{words[i % 4]} on visit {i}" for i in range(n)]
    Y = np.array([[i % 4 == 0, i % 4 == 1, 0] for i in range(n)], dtype=int)  # 'Parking' never coded
    return texts, Y


def test_a_code_never_positive_warns_and_names_the_code():
    texts, Y = _corpus()
    with pytest.warns(UserWarning, match=r"code 'Parking' is on none of the 40 training texts") as record:
        AutoCoder(cv=2).fit(texts, Y, codes=["Staff", "Waiting", "Parking"])
    assert len(record) == 1


def test_a_code_on_every_text_warns_too():
    texts, Y = _corpus()
    Y[:, 2] = 1
    with pytest.warns(UserWarning, match=r"code 'Parking' is on every one of the 40 training texts"):
        AutoCoder(cv=2).fit(texts, Y, codes=["Staff", "Waiting", "Parking"])


def test_code_train_prints_the_warning_on_one_line(tmp_path):
    texts, Y = _corpus(60)
    frame = pd.DataFrame({"Comment": texts, "Staff": Y[:, 0], "Waiting": Y[:, 1], "Parking": Y[:, 2]})
    data = tmp_path / "coded.csv"
    frame.to_csv(data, index=False)
    labels = tmp_path / "CODES.txt"
    labels.write_text("Staff\nWaiting\nParking\n", encoding="utf-8")
    out = tmp_path / "coder.mtgmodel"
    result = run_cli(
        "autocode", "train", str(data), "--text", "Comment", "--codes-file", str(labels), "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if "Parking" in line]
    assert len(lines) == 1 and lines[0].startswith("warning: code 'Parking' is on none of the 60")
