"""The auto-coder's optional context columns: learning from them, the model file, the errors and the command line.

The synthetic task is one the text alone cannot solve: the same comment ("the staff", "the food") is coded as
praise when it answers "What was good?" and as a complaint when it answers "How could we improve?". A coder
with the question as context can tell them apart; a text-only coder, by construction, cannot do better than
guessing between the two.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.conftest import run_cli

from mindthegap.errors import InputError
from mindthegap.text.autocoder import AutoCoder, load_autocoder
from mindthegap.text.autocoder_cv import f1_scores

CODES = ["Praise staff", "Complaint staff", "Praise food", "Complaint food"]
QUESTIONS = ["What was good?", "How could we improve?"]


def context_corpus(n: int = 240, seed: int = 4) -> tuple[list[str], np.ndarray, pd.DataFrame]:
    """Comments about staff and/or food; whether each is praise or complaint is only in the question asked."""
    rng = np.random.default_rng(seed)
    topics = {
        "staff": ["the staff", "the nurses", "staff on the ward"],
        "food": ["the food", "meals", "lunch"],
    }
    filler = ["", "today", "this time", "on my visit"]
    texts, rows, questions, ratings = [], [], [], []
    for _ in range(n):
        q = int(rng.integers(2))  # 0 good, 1 improve
        on = rng.random(2) < 0.6
        if not on.any():
            on[rng.integers(2)] = True
        parts = [str(rng.choice(topics[t])) for t, o in zip(("staff", "food"), on, strict=True) if o]
        texts.append(" and ".join(parts) + " " + str(rng.choice(filler)))
        y = np.zeros(4, dtype=int)
        if on[0]:
            y[0 + q] = 1
        if on[1]:
            y[2 + q] = 1
        rows.append(y)
        questions.append(QUESTIONS[q])
        ratings.append(int(rng.integers(1, 6)))
    context = pd.DataFrame({"question": questions, "rating": ratings})
    return texts, np.array(rows), context


@pytest.fixture(scope="module")
def fitted():
    texts, Y, context = context_corpus()
    return AutoCoder(cv=3).fit(texts, Y, codes=CODES, context=context)


def test_context_solves_what_the_text_alone_cannot(fitted):
    texts, Y, _context = context_corpus(240)
    new_texts, new_Y, new_context = context_corpus(200, seed=9)
    text_only = AutoCoder(cv=3).fit(texts, Y, codes=CODES)
    macro_text = f1_scores(new_Y, text_only.predict(new_texts))[0]
    macro_context = f1_scores(new_Y, fitted.predict(new_texts, context=new_context))[0]
    assert macro_context >= 0.95
    assert macro_text <= 0.75  # praise and complaint are the same words: a coin toss between them
    assert fitted.cv_scores_["macro_f1_mean"] > text_only.cv_scores_["macro_f1_mean"] + 0.2
    assert fitted.context_columns_ == ["question", "rating"]
    assert text_only.context_columns_ == []


def test_question_wordings_differing_in_white_space_or_case_fall_together(fitted):
    texts = ["the staff", "the food"]
    exact = fitted.predict_proba(texts, context=pd.DataFrame({"question": ["How could we improve?"] * 2,
                                                              "rating": [2, 2]}))  # fmt: skip
    spaced = fitted.predict_proba(texts, context={"question": ["  how could   WE\nimprove? ", "HOW COULD WE IMPROVE?"],
                                                  "rating": ["2", 2.0]})  # fmt: skip
    np.testing.assert_array_equal(exact, spaced)
    assert fitted.predict(
        texts, context={"question": ["how could we improve?"] * 2, "rating": [2, 2]}
    ).tolist() == [
        [0, 1, 0, 0],
        [0, 0, 0, 1],
    ]


def test_unseen_and_missing_values_are_all_zero_not_errors(fitted):
    texts = ["the staff", "the food", "the staff"]
    unseen = {"question": ["Was parking easy?", None, ""], "rating": [9, None, float("nan")]}
    proba = fitted.predict_proba(texts, context=unseen)
    X = fitted._features(texts, unseen)
    width = fitted.context_.n_features_
    assert X[:, -width:].nnz == 0
    assert proba.shape == (3, 4) and np.isfinite(proba).all()


def test_missing_context_columns_are_named(fitted):
    with pytest.raises(
        InputError, match=r"trained with context column\(s\) 'question', 'rating'.*lacks 'rating'"
    ):
        fitted.predict(["the staff"], context={"question": ["What was good?"]})
    with pytest.raises(InputError, match=r"lacks 'question', 'rating'") as err:
        fitted.predict(["the staff"])
    assert "\n" not in str(err.value).strip()
    with pytest.raises(InputError, match="1 texts but 2 rows of context"):
        fitted.predict(["the staff"], context={"question": ["a", "b"], "rating": [1, 2]})


def test_text_only_model_refuses_context():
    texts, Y, context = context_corpus(120)
    model = AutoCoder(cv=3).fit(texts, Y, codes=CODES)
    with pytest.raises(InputError, match="trained without context columns"):
        model.predict(texts[:2], context=context[:2])


def test_save_and_load_round_trip_with_context(fitted, tmp_path):
    path = fitted.save(tmp_path / "coder.mtgmodel")
    loaded = load_autocoder(path, codes=CODES)
    texts, _, context = context_corpus(60, seed=12)
    assert loaded.context_columns_ == ["question", "rating"]
    np.testing.assert_array_equal(
        loaded.predict_proba(texts, context=context), fitted.predict_proba(texts, context=context)
    )
    np.testing.assert_array_equal(
        loaded.predict(texts, context=context), fitted.predict(texts, context=context)
    )
    with pytest.raises(InputError, match="lacks 'question', 'rating'"):
        loaded.predict(texts)


def test_model_file_with_a_broken_context_is_refused(fitted, tmp_path):
    from mindthegap.text.autocoder_file import autocoder_bytes, autocoder_from_bytes
    from mindthegap.text.modelfile import ModelFileError, model_file_bytes, read_model_file

    manifest, arrays = read_model_file(autocoder_bytes(fitted))
    manifest["context"]["blocks"][0]["columns"] = [5]
    with pytest.raises(ModelFileError, match="names a column that is not there"):
        autocoder_from_bytes(model_file_bytes(manifest, arrays))
    manifest, arrays = read_model_file(autocoder_bytes(fitted))
    manifest["context"]["blocks"][0]["values"].append(["extra"])  # one more column than the weights have rows
    with pytest.raises(ModelFileError, match="weights do not match"):
        autocoder_from_bytes(model_file_bytes(manifest, arrays))


def test_old_model_files_without_context_still_load(tmp_path):
    """A file written before context columns (no ``context`` entry, no context parameters) and before scoring by
    parts (no part weight) loads as a text-only coder of the whole comment."""
    from mindthegap.text.autocoder_file import autocoder_bytes, autocoder_from_bytes
    from mindthegap.text.modelfile import model_file_bytes, read_model_file

    texts, Y, _ = context_corpus(120)
    model = AutoCoder(cv=3, part_weight=0.0).fit(texts, Y, codes=CODES)
    manifest, arrays = read_model_file(autocoder_bytes(model))
    del manifest["context"], manifest["part_weight"]
    del manifest["params"]["context_weight"], manifest["params"]["context_interactions"]
    del manifest["params"]["part_weight"]
    old = autocoder_from_bytes(model_file_bytes(manifest, arrays))
    assert old.context_columns_ == [] and old.part_weight_ == 0.0 and old.part_weight == 0.0
    np.testing.assert_array_equal(old.predict_proba(texts), model.predict_proba(texts))


# ---------------------------------------------------------------------------------------------- command line


@pytest.fixture(scope="module")
def context_files(tmp_path_factory):
    return make_context_files(tmp_path_factory.mktemp("context-cli"))


def make_context_files(folder):
    """Coded and new comments with context columns in ``folder``, and a coder trained on them by the CLI."""
    texts, Y, context = context_corpus(200)
    frame = pd.DataFrame({"ID": range(len(texts)), "Comment": texts, "FFT question": context["question"],
                          "Rating": context["rating"]})  # fmt: skip
    for j, code in enumerate(CODES):
        frame[code] = Y[:, j]
    frame.to_csv(folder / "coded.csv", index=False)
    (folder / "CODES.txt").write_text("\n".join(CODES) + "\n", encoding="utf-8")
    new_texts, _, new_context = context_corpus(150, seed=21)
    new = pd.DataFrame({"ID": range(len(new_texts)), "Comment": new_texts, "FFT question": new_context["question"],
                        "Rating": new_context["rating"]})  # fmt: skip
    new.loc[::10, "FFT question"] = "  " + new.loc[::10, "FFT question"].str.upper() + "  "  # folded together
    new.loc[3, "FFT question"] = "A question never seen"
    new.loc[5, "Rating"] = None
    new.to_csv(folder / "new.csv", index=False)
    model = folder / "coder.mtgmodel"
    done = run_cli("autocode", "train", str(folder / "coded.csv"), "--text", "Comment", "--codes-file",
                   str(folder / "CODES.txt"), "--context-column", "FFT question", "--context-column", "Rating",
                   "--out", str(model), "--json")  # fmt: skip
    assert done.returncode == 0, done.stderr
    return folder, model, new, done


def test_cli_train_and_apply_with_context(context_files):
    import json

    folder, model_path, new, trained = context_files
    summary = json.loads(trained.stdout)
    assert summary["context_columns"] == ["FFT question", "Rating"]
    out = folder / "coded.csv.out.csv"
    done = run_cli("autocode", "apply", str(model_path), str(folder / "new.csv"), "--text", "Comment", "--id", "ID",
                   "--out", str(out))  # fmt: skip
    assert done.returncode == 0, done.stderr
    coded = pd.read_csv(out)
    model = load_autocoder(model_path)
    expected = model.predict(new["Comment"].tolist(), context=new[["FFT question", "Rating"]])
    np.testing.assert_array_equal(coded[CODES].to_numpy(), expected)
    _truth_texts, truth_Y, _ = context_corpus(150, seed=21)
    assert f1_scores(truth_Y, expected)[0] >= 0.9


def test_cli_apply_without_the_context_columns_names_them(context_files, tmp_path):
    _folder, model_path, new, _ = context_files
    src = tmp_path / "no-context.csv"
    new[["ID", "Comment", "FFT question"]].to_csv(src, index=False)
    done = run_cli("autocode", "apply", str(model_path), str(src), "--text", "Comment", "--id", "ID",
                   "--out", str(tmp_path / "o.csv"))  # fmt: skip
    assert done.returncode != 0
    assert "trained with context column(s) 'FFT question', 'Rating'" in done.stderr
    assert "lacks 'Rating'" in done.stderr
    assert not (tmp_path / "o.csv").exists()


def test_cli_train_with_a_missing_context_column(context_files, tmp_path):
    folder, *_ = context_files
    args = ["autocode", "train", str(folder / "coded.csv"), "--text", "Comment", "--codes-file"]
    args += [str(folder / "CODES.txt"), "--context-column", "Ward", "--out", str(tmp_path / "m.mtgmodel")]
    done = run_cli(*args)
    assert done.returncode != 0
    assert "'Ward'" in done.stderr


def test_queue_refuses_a_context_model_in_one_line(context_files):
    folder, model_path, *_ = context_files
    done = run_cli(
        "autocode", "queue", str(model_path), str(folder / "new.csv"), "--text", "Comment", "--id", "ID"
    )
    assert done.returncode != 0
    assert "autocode queue codes text alone, but this model was trained with context column(s)" in done.stderr


def test_encoder_matches_a_cell_by_cell_reference():
    """Reference: each cell normalised on its own and looked up in the fitted vocabulary, pairs joined by hand."""
    from mindthegap.text.autocoder_context import ContextEncoder, normalise_value

    rng = np.random.default_rng(5)
    pool_q = ["What was good?", " what  was good? ", "How could we improve?", None, "", "Other"]
    pool_r = [1, 2.0, "3", "3.0", None, float("nan"), 7, "x"]
    frame = pd.DataFrame({"q": rng.choice(np.array(pool_q, dtype=object), 300),
                          "r": rng.choice(np.array(pool_r, dtype=object), 300)})  # fmt: skip
    enc = ContextEncoder(weight=0.5, interactions=True).fit(frame[:200], 200)
    got = enc.transform(frame, 300).toarray()
    expected = np.zeros_like(got)
    for row, (q, r) in enumerate(zip(frame["q"], frame["r"], strict=True)):
        keys = [normalise_value(q), normalise_value(r)]
        for (block, values), offset in zip(enc.blocks_, enc.offsets_, strict=True):
            parts = [keys[i] for i in block]
            key = "\x1f".join(parts)
            if "" not in parts and key in values:
                expected[row, offset + values.index(key)] = 0.5
    np.testing.assert_array_equal(got, expected)
    assert got.sum() > 0 and (got > 0).sum(axis=1).max() == 3  # question, rating and their pair


def test_text_only_commands_refuse_a_context_model(fitted):
    from mindthegap.text.autocoder_context import refuse_context_model

    with pytest.raises(InputError, match=r"autocode suggest codes text alone.*'question', 'rating'"):
        refuse_context_model(fitted, "autocode suggest")
    texts, Y, _ = context_corpus(120)
    assert refuse_context_model(AutoCoder(cv=3).fit(texts, Y, codes=CODES), "autocode suggest") is None
