"""Scoring a comment by its parts (multi-instance scoring): the split, the best part, the blend, the model file.

References: the split against hand-cut parts; the best part against a plain loop; the blended score against the
same coder scoring each part as a comment of its own (the public path, one text at a time); the spans in the
original text against the parts of the folded text (hypothesis).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.test_autocoder import synthetic_corpus

from mindthegap.text.autocoder import AutoCoder
from mindthegap.text.autocoder_cv import fit_rule
from mindthegap.text.autocoder_parts import best_part_scores, part_spans, split_parts

CODES = ["Staff", "Waiting", "Parking"]


def test_comments_are_cut_at_sentence_ends_and_contrast_words():
    docs = [
        "The nurse was kind but we waited four hours. Parking was awful!",
        "Lovely staff",
        "Good care; however the food was cold",
        "butter and bread were fine although late. Thanks",
        "But the car park was full",  # a comment that opens with "but" has one part
    ]
    parts, owner = split_parts(docs)
    assert parts == [
        "The nurse was kind",
        "we waited four hours.",
        "Parking was awful!",
        "Good care;",
        "however the food was cold",  # after a sentence's end the contrast word stays with its clause
        "butter and bread were fine",
        "late.",
        "Thanks",
    ]
    assert owner.tolist() == [0, 0, 0, 2, 2, 3, 3, 3]
    parts, owner = split_parts(["one part only", "", "lovely butter"])
    assert parts == [] and owner.tolist() == []


def test_best_part_is_the_highest_part_score_and_the_whole_for_single_part_comments():
    rng = np.random.default_rng(3)
    owner = np.array([0, 0, 2, 2, 2, 4, 4])
    features = sp.csr_matrix(rng.random((len(owner), 6)))
    W, b = rng.normal(size=(6, 2)), rng.normal(size=2)
    whole = rng.normal(size=(5, 2))
    best = best_part_scores(whole, features, owner, W, b)
    part = features.toarray() @ W + b
    for doc in range(5):
        rows = np.flatnonzero(owner == doc)
        expected = part[rows].max(axis=0) if len(rows) else whole[doc]
        np.testing.assert_allclose(best[doc], expected)
    np.testing.assert_array_equal(best_part_scores(whole, features[:0], owner[:0], W, b), whole)


@pytest.fixture(scope="module")
def coder():
    texts, Y = synthetic_corpus(240)
    return AutoCoder(cv=4, part_weight=0.5).fit(texts, Y, codes=CODES)


def test_blended_score_matches_scoring_each_part_alone(coder):
    comments = [
        "the nurse was kind but we waited four hours. No parking spaces!",
        "car park was full",
        "lovely doctor listened although the waiting time was too long",
    ]
    blended = coder.decision_function(comments)
    coder.part_weight_ = 0.0
    try:
        whole = coder.decision_function(comments)
        cut = [["the nurse was kind", "we waited four hours.", "No parking spaces!"], ["car park was full"],
               ["lovely doctor listened", "the waiting time was too long"]]  # fmt: skip
        best = np.array([coder.decision_function(parts).max(axis=0) for parts in cut])
    finally:
        coder.part_weight_ = 0.5
    np.testing.assert_allclose(blended, 0.5 * whole + 0.5 * best, rtol=1e-5, atol=1e-5)
    assert (blended[0] > whole[0]).all()  # each theme stands out in its own part


def test_a_theme_in_one_sentence_of_a_long_comment_scores_higher_by_parts(coder):
    long = (
        "The nurse was kind and the staff were caring and friendly, the doctor listened and explained "
        "everything, and the waiting time was fine on the ward today. Parking costs too much."
    )
    with_parts = coder.predict_proba([long])[0, 2]
    coder.part_weight_ = 0.0
    try:
        whole_only = coder.predict_proba([long])[0, 2]
    finally:
        coder.part_weight_ = 0.5
    assert with_parts > whole_only


def test_the_part_weight_is_saved_and_checked(coder, tmp_path):
    from mindthegap.text.autocoder import load_autocoder
    from mindthegap.text.autocoder_file import autocoder_bytes, autocoder_from_bytes
    from mindthegap.text.modelfile import ModelFileError, model_file_bytes, read_model_file

    texts, _ = synthetic_corpus(50, seed=7)
    again = load_autocoder(coder.save(tmp_path / "coder.mtgmodel"))
    assert again.part_weight_ == 0.5
    np.testing.assert_array_equal(again.predict(texts), coder.predict(texts))
    np.testing.assert_allclose(again.predict_proba(texts), coder.predict_proba(texts), rtol=1e-6)
    manifest, arrays = read_model_file(autocoder_bytes(coder))
    manifest["part_weight"] = 1.5
    with pytest.raises(ModelFileError, match="part weight is not between 0 and 1"):
        autocoder_from_bytes(model_file_bytes(manifest, arrays))


def test_a_part_weight_outside_zero_to_one_is_refused_before_fitting():
    from mindthegap.errors import InputError

    texts, Y = synthetic_corpus(60)
    with pytest.raises(InputError, match="part weight 2 is not between 0 and 1"):
        AutoCoder(part_weight=2).fit(texts, Y)


def test_scores_that_rank_a_code_backwards_get_its_base_rate():
    """A Platt slope below 0 would turn the best part into the worst: such a code gets a flat probability."""
    rng = np.random.default_rng(0)
    y = (rng.random(300) < 0.2).astype(int)
    scores = np.column_stack([-2.0 * y + rng.normal(size=300), 2.0 * y + rng.normal(size=300)])
    rule = fit_rule(scores, np.column_stack([y, y]), shrinkage=5.0, fallback=False)
    assert rule.platt[0, 0] == 0.0 and rule.platt[0, 1] > 0
    np.testing.assert_allclose(rule.proba(scores)[:, 0], y.mean())


# ------------------------------------------------------------------------------ where a code is raised: spans

_PIECES = ["staff", "kind", "but", "however", "Though", ". ", "! ", "; ", ", ", " ", "\n", "\t", "  ", "but."]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_spans_find_the_same_parts_in_the_original_text(text):
    """The spans of the original text, white space folded, are exactly the parts the coder scored."""
    spans = part_spans(text)
    folded = " ".join(text.split())
    parts, _ = split_parts([folded])
    expected = parts if parts else ([folded] if folded else [])
    assert [" ".join(text[a:b].split()) for a, b in spans] == expected
    assert all(
        0 <= a < b <= len(text) and not text[a].isspace() and not text[b - 1].isspace() for a, b in spans
    )


def test_best_part_spans_point_at_the_sentence_that_carries_each_code(coder):
    texts = [
        "  the nurse was kind\n but we waited four hours.\n\nNo parking spaces! ",
        "car park was full",
        None,
    ]
    spans = coder.best_part_spans(texts)
    assert spans.shape == (3, 3, 2)
    first = [texts[0][a:b] for a, b in spans[0]]
    assert first == ["the nurse was kind", "we waited four hours.", "No parking spaces!"]
    assert [texts[1][a:b] for a, b in spans[1]] == ["car park was full"] * 3  # one part: the whole text
    assert spans[2].tolist() == [[0, 0]] * 3
