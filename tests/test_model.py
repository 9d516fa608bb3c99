"""The plain domain model: identifiers, levels and study consistency."""

import pytest

from mindthegap.model import Level, Participant, Policy, Principle, Role, Service, Study, Team


def test_levels_parse_common_spellings():
    assert Level.parse("Local frontline") is Level.LOCAL_FRONTLINE
    assert Level.parse("service users") is Level.PEOPLE_AND_CARERS
    assert Level.parse("NATIONAL") is Level.NATIONAL
    assert [lv.rank for lv in Level] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="unknown level"):
        Level.parse("galactic")


def test_ids_must_be_slugs():
    with pytest.raises(ValueError, match="lower-case"):
        Principle("User Centred", "User-centred")


def test_duplicate_principles_are_refused():
    with pytest.raises(ValueError, match="more than once"):
        Policy("p", "Policy", (Principle("a", "A"), Principle("a", "A again")))


def test_validate_catches_dangling_references():
    study = Study(
        id="s",
        name="S",
        services=[Service("a", "A")],
        teams=[Team("t", "T", "a")],
        participants=[Participant("x", Role.PRACTITIONER, Level.LOCAL_FRONTLINE, service="b")],
    )
    with pytest.raises(ValueError, match="unknown service 'b'"):
        study.validate()
    study.participants = [Participant("x", Role.PRACTITIONER, Level.LOCAL_FRONTLINE, service="a", team="t")]
    study.validate()


def test_demo_study_meets_its_brief(demo_study):
    """At least 400 staff in at least 4 services and 6 disciplines, plus people, carers and informants."""
    people = demo_study.study.participants
    staff = [p for p in people if p.level is Level.LOCAL_FRONTLINE]
    assert len(staff) >= 400
    assert len({p.service for p in staff}) >= 4
    assert len({p.discipline for p in staff}) >= 6
    assert {Level.NATIONAL, Level.REGIONAL, Level.PEOPLE_AND_CARERS} <= {p.level for p in people}
    assert {Role.SERVICE_USER, Role.CARER} <= {p.role for p in people}
    assert {w.id for w in demo_study.study.waves} == {"baseline", "follow_up"}


def test_demo_is_deterministic():
    from mindthegap.demo import build_demo_study

    a, b = build_demo_study(5), build_demo_study(5)
    assert [p.id for p in a.study.participants] == [p.id for p in b.study.participants]
    assert a.evidence["values_practice"].equals(b.evidence["values_practice"])
    # every identifier too: a source or coding id drawn at random would differ between two runs of one seed
    for part in ("sources", "codings"):
        ids = [item.guid for item in getattr(a.evidence["qualitative"], part)]
        assert ids == [item.guid for item in getattr(b.evidence["qualitative"], part)], part
        assert len(set(ids)) == len(ids), part
