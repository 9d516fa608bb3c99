"""One name per concept (docs/ARCHITECTURE.md, "Names"): the new names work and the old ones still do, with a
deprecation warning, in the library functions that were renamed."""

from __future__ import annotations

import importlib
import warnings

import pytest

PASSWORD = "a-long-passphrase-9"


def test_database_url_parsing_lives_in_database_url_only():
    """The module that parses database URLs is store/database_url.py; the confusable store/urls.py is gone."""
    from mindthegap.store.database_url import redact_url

    assert redact_url("postgresql://me:secret@host:5432/db") == "postgresql://me:***@host:5432/db"
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("mindthegap.store.urls")


@pytest.mark.django_db
def test_access_keyword_and_its_old_name_role():
    """``access=`` grants what a person may do; ``role=`` (the old name) does the same with a warning."""
    from django.contrib.auth import get_user_model

    from mindthegap.errors import ConfigurationError
    from mindthegap.model import Participant, Policy, Principle, Service, Study, Wave
    from mindthegap.model.levels import Level
    from mindthegap.model.study import Role
    from mindthegap.store.accounts import add_user, grant
    from mindthegap.store.evidence import save_all
    from mindthegap.store.studies.models import StudyAccess

    study = Study(
        id="names",
        name="Names",
        policies=[Policy("p", "Policy", (Principle("safe", "Safe"),))],
        services=[Service("adults", "Adults")],
        waves=[Wave("w1", "Baseline", 0)],
        participants=[Participant("P-0001", Role.PRACTITIONER, Level.LOCAL_FRONTLINE, service="adults")],
    )
    save_all(study, {})
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the new name gives no warning
        add_user("new.name", lambda: PASSWORD, studies=["names"], access="analyst")
    with pytest.warns(DeprecationWarning, match="role= is now called access="):
        add_user("old.name", lambda: PASSWORD, studies=["names"], role="owner")
    stored = dict(StudyAccess.objects.values_list("user__username", "role"))
    assert stored == {"new.name": "analyst", "old.name": "owner"}
    with pytest.warns(DeprecationWarning):
        grant("new.name", "names", role="viewer")
    grant("old.name", "names", "analyst")
    stored = dict(StudyAccess.objects.values_list("user__username", "role"))
    assert stored == {"new.name": "viewer", "old.name": "analyst"}
    with pytest.raises(ConfigurationError, match="unknown access"):
        grant("new.name", "names", access="boss")
    assert get_user_model().objects.count() == 2


def test_autocoder_codes_keyword_and_its_old_name_labels(tmp_path):
    """``codes=`` names the auto-coder's columns; ``labels=`` (the old name) gives the very same model with a
    DeprecationWarning, and ``codes_`` reads them back. Reference: the two fits' probabilities are identical."""
    from tests.test_autocoder import synthetic_corpus

    from mindthegap.text.autocoder import AutoCoder, load_autocoder

    texts, Y = synthetic_corpus()
    codes = ["Staff", "Waiting", "Parking"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        new = AutoCoder(cv=3).fit(texts, Y, codes=codes)
    with pytest.warns(DeprecationWarning, match="labels= is now called codes="):
        old = AutoCoder(cv=3).fit(texts, Y, labels=codes)
    assert new.codes_ == old.codes_ == codes
    assert (new.predict_proba(texts[:5]) == old.predict_proba(texts[:5])).all()
    path = new.save(tmp_path / "coder.mtgmodel")
    assert load_autocoder(path, codes=codes).codes_ == codes
    with pytest.warns(DeprecationWarning, match="labels= is now called codes="):
        assert load_autocoder(path, labels=codes).codes_ == codes
