"""The text estimators behave like scikit-learn's: predicting before ``fit`` is a clear ``NotFittedError``
(scikit-learn's own ``check_is_fitted`` is the reference), parameters are set in the constructor and ``fit`` leaves
them untouched (``clone`` and ``get_params`` agree before and after)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from mindthegap.errors import InputError
from mindthegap.text.autocoder import AutoCoder
from mindthegap.text.sentiment import LexiconSentiment, SentimentModel

TEXTS = ["the staff listened", "waiting far too long", "kind and caring", "no one called back"] * 5


@pytest.mark.parametrize(
    ("estimator", "method"),
    [
        (AutoCoder(), "predict"),
        (AutoCoder(), "predict_proba"),
        (AutoCoder(), "decision_function"),
        (SentimentModel(), "predict"),
        (SentimentModel(), "predict_proba"),
        (LexiconSentiment(), "predict"),
    ],
)
def test_predict_before_fit_is_not_fitted_error(estimator, method):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(estimator, method)(TEXTS)


def test_sentiment_model_is_a_constructor_parameter():
    """The coder fits a copy of the sentiment estimator it was given, on the labels given to fit."""
    moods = np.tile([1, 5, 2, 4], 5)
    Y = np.array([[1, 0], [0, 1], [1, 0], [0, 1]] * 5)
    given = SentimentModel(C=2.0)
    coder = AutoCoder(cv=2, C=4.0, log_count_ratio=False, min_df=1, sentiment=given)
    before = coder.get_params()
    coder.fit(TEXTS, Y, codes=["Staff", "Access"], sentiment_labels=moods)
    assert coder.get_params() == before and coder.sentiment is given
    assert not hasattr(given, "model_")  # the parameter itself stays unfitted
    assert coder.sentiment_model_ is not given and coder.sentiment_model_.C == 2.0
    np.testing.assert_array_equal(coder.sentiment_model_.predict(TEXTS[:4]), [1, 5, 2, 4])
    assert isinstance(clone(coder).sentiment, SentimentModel)


def test_sentiment_labels_need_a_sentiment_model():
    Y = np.array([[1, 0], [0, 1]] * 10)
    with pytest.raises(InputError, match="go together"):
        AutoCoder(cv=2).fit(TEXTS, Y, codes=["a", "b"], sentiment_labels=np.ones(20))
