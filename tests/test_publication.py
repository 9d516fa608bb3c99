"""The publication plan: what a study may publish is decided once per population and shared by every output
(tables, prose, charts, CSV and JSON exports, the web), and a linear-programming audit of everything they
published finds no hidden small group narrower than the protection width."""

import io
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.conftest import run_cli

from mindthegap.analysis.disclosure import assert_no_disclosure, audit
from mindthegap.analysis.gap import values_practice_gap, wave_change
from mindthegap.analysis.publication import ROSTER, PlanMismatch, PublicationPlan, apply_plan, population_name
from mindthegap.analysis.reliability import reliability
from mindthegap.analysis.suppression import ALL
from mindthegap.model import Discipline, Level, Participant, Policy, Principle, Role, Service, Study, Wave

FRONTLINE = Level.LOCAL_FRONTLINE.value
SERVICES = {"big": 30, "mid": 14, "small": 7}  # 51 frontline staff; the 7 in 'small' must never be worked out


def example_study(others: int = 12, others_level: Level = Level.PEOPLE_AND_CARERS) -> Study:
    """51 frontline staff in three services (30, 14 and 7) and ``others`` people at another level, no service."""
    people = []
    for service, n in SERVICES.items():
        people += [
            Participant(f"{service}-{i}", Role.PRACTITIONER, Level.LOCAL_FRONTLINE, "nursing", service)
            for i in range(n)
        ]
    role = Role.CARER if others_level == Level.PEOPLE_AND_CARERS else Role.SENIOR_LEADER
    people += [Participant(f"other-{i}", role, others_level) for i in range(others)]
    return Study(
        id="harbour",
        name="Harbour trust",
        policies=[Policy("p", "Policy", (Principle("safe", "Safe care"),))],
        services=[Service(s, s.capitalize()) for s in SERVICES],
        disciplines=[Discipline("nursing", "Nursing")],
        waves=[Wave("w1", "Wave one", 0)],
        participants=people,
    )


def example_ratings(study: Study) -> pd.DataFrame:
    """Every frontline member rates 'safe'; the small service's gap is exactly 4 (value 5, practice 1)."""
    rng = np.random.default_rng(4)
    rows = []
    for p in study.participants:
        if p.level != Level.LOCAL_FRONTLINE:
            continue
        value, practice = (
            (5, 1) if p.service == "small" else (int(rng.integers(3, 6)), int(rng.integers(1, 5)))
        )
        rows.append(
            {"participant_id": p.id, "wave": "w1", "principle": "safe", "value": value, "practice": practice,
             "service": p.service}
        )  # fmt: skip
    return pd.DataFrame(rows)


def example_nomad(study: Study) -> pd.DataFrame:
    """Every frontline member answers all twenty NoMAD construct items at wave one."""
    rng = np.random.default_rng(5)
    rows = []
    for p in study.participants:
        if p.level != Level.LOCAL_FRONTLINE:
            continue
        base = rng.normal(3.5, 0.5)
        for j in range(1, 21):
            code = float(np.clip(np.rint(base + rng.normal(0, 0.6)), 1, 5))
            rows.append(
                {"instrument": "nomad", "participant_id": p.id, "wave": "w1", "item": f"B{j}", "code": code}
            )
    return pd.DataFrame(rows)


def roster_of(study: Study) -> pd.DataFrame:
    return pd.DataFrame(
        [{"participant_id": p.id, "level": p.level.value, "service": p.service, "discipline": p.discipline,
          "team": p.team, "role": p.role.value} for p in study.participants]
    )  # fmt: skip


def _what_subtraction_gives(total: dict, parts: list[dict]) -> tuple[float, float] | None:
    """The reader's sum: the one group missing from the parts, as (n, gap), if exactly one is missing."""
    shown = [p for p in parts if p["n"] is not None]
    if total["n"] is None or len(parts) - len(shown) != 1:
        return None
    n = total["n"] - sum(p["n"] for p in shown)
    gap = (total["n"] * total["gap"] - sum(p["n"] * p["gap"] for p in shown)) / n
    return n, gap


def test_two_gap_queries_cannot_be_subtracted_from_each_other(tmp_path):
    """`gap --by principle,service,wave --no-margins` (services) and `gap --by principle,wave` (everyone) on
    the same file: before, 51 − 30 − 14 gave the hidden service exactly (n 7, gap 4.0). Reference: that
    subtraction, done on the two JSON outputs as a reader would."""
    path = tmp_path / "ratings.csv"
    example_ratings(example_study()).to_csv(path, index=False)
    by_service = run_cli(
        "gap", str(path), "--by", "principle,service,wave", "--no-margins", "--json", "--n-boot", "200"
    )
    overall = run_cli("gap", str(path), "--by", "principle,wave", "--json", "--n-boot", "200")
    assert by_service.returncode == 0 and overall.returncode == 0, by_service.stderr + overall.stderr
    parts = json.loads(by_service.stdout)
    total = json.loads(overall.stdout)[0]
    assert total["n"] == 51  # the population's size is public
    assert _what_subtraction_gives(total, parts) is None
    shown = {p["service"] for p in parts if not p["suppressed"]}
    assert shown == {"big"}


def test_a_prose_count_is_asked_of_the_plan():
    """The key findings said '54 consenting participants … including 51 frontline staff' beside a table
    hiding the frontline total, which gave away the 3 others."""
    from mindthegap.report.context import ReportContext
    from mindthegap.report.sections import overview

    study = example_study(others=3, others_level=Level.LOCAL_STRATEGIC)
    ctx = ReportContext(study=study, evidence={"participants": roster_of(study)})
    section = overview.build(ctx)
    table = section.blocks[-1].data
    frontline_total = table[(table["level"] == "Local frontline") & (table["service"] == ALL)].iloc[0]
    assert frontline_total["suppressed"]
    line = section.summary[0]
    assert line.startswith("54 consenting participants") and "51" not in line
    assert "including frontline staff in 3 services" in line
    assert_no_disclosure(ctx.plan.ledger)


def test_a_group_hidden_in_the_roster_is_hidden_in_every_population():
    """'mid' (14) is hidden in the roster to protect 'small'; a survey answered by the same people, or by
    fewer of them, may not show it either."""
    study = example_study()
    plan = PublicationPlan(roster_of(study), min_n=11)
    assert not plan.allows(ROSTER, {"service": "mid"}) and plan.allows(ROSTER, {"service": "big"})
    staff = [p.id for p in study.participants if p.level == Level.LOCAL_FRONTLINE]
    same = plan.register("survey|everyone", staff)
    fewer = plan.register("survey|most", [i for i in staff if not i.endswith("-0")])
    for name in (same, fewer):
        assert not plan.allows(name, {"service": "mid"})
        assert not plan.allows(name, {"service": "small"})
        assert plan.allows(name, {"service": "big"})


def test_one_versus_rest_counts_are_published_only_with_their_group():
    """'n (rest)' is the population less the group: beside a hidden group it would give the group away."""
    study = example_study()
    plan = PublicationPlan(roster_of(study), min_n=11)
    staff = [p.id for p in study.participants if p.level == Level.LOCAL_FRONTLINE]
    name = plan.register("scored", staff)
    table = pd.DataFrame({"service": ["big", "mid", "small"], "n": [30, 14, 7], "n_rest": [21, 37, 44]})
    out = apply_plan(table, plan, {"n": name}, by=["service"], complements={"n_rest": "n"})
    assert out["suppressed"].tolist() == [False, True, True]
    assert out["n_rest"].isna().tolist() == [False, True, True]
    rest = [e for e in plan.ledger.entries if e.complement]
    assert [(e.label, e.count) for e in rest] == [((("service", "big"),), 21)]
    assert_no_disclosure(plan.ledger)


def test_a_table_counting_other_people_than_its_population_is_suppressed():
    study = example_study()
    plan = PublicationPlan(roster_of(study), min_n=11)
    table = pd.DataFrame({"service": ["big", ALL], "n": [29, 63]})  # 29: not the roster's 30
    with warnings.catch_warnings():
        warnings.simplefilter("always")
        with pytest.warns(PlanMismatch):
            out = apply_plan(table, plan, {"n": ROSTER}, by=["service"])
    assert out["suppressed"].all()


@pytest.mark.django_db
def test_dashboard_tables_cannot_be_subtracted_from_each_other(client):
    """The dashboard's 'Participants by level and service' showed frontline All 51 and big 30; 'NoMAD
    construct means by service' showed mid 14: 51 − 30 − 14 = 7 people in 'small'. Reference: that
    subtraction over every table of the page and the CSV export."""
    from django.contrib.auth import get_user_model

    from mindthegap.store.evidence import save_all
    from mindthegap.store.studies.models import StudyAccess, StudyRecord

    study = example_study()
    ratings = example_ratings(study).drop(columns="service")
    save_all(study, {"values_practice": ratings, "surveys": example_nomad(study)})
    user = get_user_model().objects.create_user("viewer", password="a-long-passphrase-9")
    StudyAccess.objects.create(study=StudyRecord.objects.get(slug="harbour"), user=user, role="viewer")
    client.force_login(user)
    page = client.get("/studies/harbour/").content.decode()
    assert "Participants by level of the system and service" in page and "NoMAD construct means" in page
    tables = pd.read_html(io.StringIO(page))
    csv = pd.read_csv(io.StringIO(client.get("/studies/harbour/gap.csv").content.decode()))
    shown: dict[str, set] = {"Mid": set(), "Small": set()}
    for table in [*tables, csv.rename(columns={"service": "Service"})]:
        if "Service" not in table.columns:
            continue
        for col in ("n", "Participants"):
            if col not in table.columns:
                continue
            values = pd.to_numeric(table[col], errors="coerce")
            for name in shown:
                hit = values[table["Service"].astype(str).str.lower() == name.lower()]
                shown[name] |= set(hit.dropna())
    assert shown == {"Mid": set(), "Small": set()}
    assert "51 frontline staff" not in page or "suppressed" in page


@pytest.mark.parametrize("seed", range(4))
def test_the_quick_audit_decides_as_the_exact_one_and_gives_narrow_ranges_exactly(seed):
    """The audit solves only what it must (a row's maximum first, its minimum only where known points do not
    make up the width; a count seen at 0 needs no minimum): on random 3 × 3 tables with random cells hidden,
    every group is protected or not exactly as when every range is solved both ways, and an unprotected
    group's range is the exact one. Reference: ``exact=True`` (two solves per group)."""
    from itertools import product

    from mindthegap.analysis.disclosure import audit_table

    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 14, size=(3, 3))
    rows = [
        {"a": a, "b": b, "n": int(counts[i, j])}
        for (i, a), (j, b) in product(enumerate(["a1", "a2", "a3"]), enumerate(["b1", "b2", "b3"]))
    ]
    rows += [{"a": a, "b": ALL, "n": int(counts[i].sum())} for i, a in enumerate(["a1", "a2", "a3"])]
    rows += [{"a": ALL, "b": b, "n": int(counts[:, j].sum())} for j, b in enumerate(["b1", "b2", "b3"])]
    rows += [{"a": ALL, "b": ALL, "n": int(counts.sum())}]
    table = pd.DataFrame(rows)
    published = table.copy()
    published["suppressed"] = (table["n"] < 11) | (rng.random(len(table)) < 0.3)
    published.loc[published["suppressed"], "n"] = np.nan
    quick = audit_table(table, published, by=["a", "b"], min_n=11, width=5)
    exact = audit_table(table, published, by=["a", "b"], min_n=11, width=5, exact=True)
    assert quick.ranges["group"].tolist() == exact.ranges["group"].tolist()
    assert quick.ranges["protected"].tolist() == exact.ranges["protected"].tolist()
    assert quick.problems == exact.problems
    narrow = ~exact.ranges["protected"]
    assert np.allclose(quick.ranges.loc[narrow, ["low", "high"]], exact.ranges.loc[narrow, ["low", "high"]])
    assert (exact.ranges["low"] >= -1e-9).all() and (exact.ranges["high"] >= exact.ranges["n"] - 1e-9).all()


# -- the property: random studies, every output, one audit ------------------------------------------------

DIMS = ("level", "service", "discipline")


@st.composite
def studies(draw):
    """A random study: 2–3 grouping dimensions with 2–3 values each, 0–25 people per combination (many
    small), two waves in which a random share of people rate two principles and answer a three-item survey."""
    dims = draw(st.sampled_from([("level", "service"), ("service", "discipline"), DIMS]))
    values = {
        "level": [Level.LOCAL_FRONTLINE.value, Level.LOCAL_STRATEGIC.value, Level.PEOPLE_AND_CARERS.value][
            : draw(st.integers(2, 3))
        ],
        "service": ["s1", "s2", "s3"][: draw(st.integers(2, 3))],
        "discipline": ["d1", "d2", "d3"][: draw(st.integers(2, 3))],
    }
    combos = pd.MultiIndex.from_product([values[d] for d in dims], names=list(dims)).to_frame(index=False)
    sizes = draw(st.lists(st.integers(0, 25), min_size=len(combos), max_size=len(combos)))
    people = combos.loc[combos.index.repeat(sizes)].reset_index(drop=True)
    if len(people) < 12:
        people = pd.concat([people, combos.iloc[[0] * 12]], ignore_index=True)
    missing = draw(st.integers(0, 6))  # people with no service (or discipline) recorded
    if missing and "service" in dims:
        people.loc[people.index[:missing], "service"] = None
    people.insert(0, "participant_id", [f"p{i}" for i in range(len(people))])
    seed = draw(st.integers(0, 10_000))
    return dims, people, seed


def _random_evidence(roster: pd.DataFrame, seed: int):
    """Ratings of two principles and answers to three survey items, at two waves, with each person's groups."""
    rng = np.random.default_rng(seed)
    rows, items = [], []
    for wave, share in (("w1", 0.9), ("w2", 0.6)):
        answering = roster[rng.random(len(roster)) < share]
        for pid in answering["participant_id"]:
            for principle in ("safe", "kind"):
                rows.append((pid, wave, principle, int(rng.integers(1, 6)), int(rng.integers(1, 6))))
            f = rng.normal()
            answers = {f"q{j}": float(np.clip(np.rint(3 + f + rng.normal()), 1, 5)) for j in range(3)}
            items.append({"participant_id": pid, "wave": wave, **answers})
    ratings = pd.DataFrame(rows, columns=["participant_id", "wave", "principle", "value", "practice"])
    return ratings.merge(roster, on="participant_id"), pd.DataFrame(items).merge(roster, on="participant_id")


def _study(roster: pd.DataFrame) -> Study:
    parts = [
        Participant(
            r.participant_id,
            Role.PRACTITIONER,
            Level(r.level),
            None if pd.isna(r.discipline) else r.discipline,
            None if pd.isna(r.service) else r.service,
        )
        for r in roster.itertuples()
    ]
    return Study(
        id="random",
        name="Random study",
        policies=[Policy("p", "Policy", (Principle("safe", "Safe"), Principle("kind", "Kind")))],
        services=[Service(s, s) for s in ("s1", "s2", "s3")],
        disciplines=[Discipline(d, d) for d in ("d1", "d2", "d3")],
        waves=[Wave("w1", "One", 0), Wave("w2", "Two", 1)],
        participants=parts,
    )


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(studies())
@pytest.mark.slow
def test_random_studies_publish_nothing_a_reader_can_narrow_to_a_few_people(study_data):
    """Property: for random studies, the report's sections, the dashboard's (the same sections), `gap` at
    every grouping with and without margins, the web's gap.csv, and `survey reliability` with and without
    --by, all drawn from one plan: the LP audit of everything they published finds every hidden small
    group's feasible range at least the protection width (5) wide, and no published count small or wrong."""
    from mindthegap.report.builder import build_sections
    from mindthegap.report.context import ReportContext

    dims, people, seed = study_data
    roster = people.reindex(columns=["participant_id", "level", "service", "discipline", "team", "role"])
    roster["level"] = roster["level"].astype(object).fillna(FRONTLINE)
    roster["role"] = Role.PRACTITIONER.value
    ratings, items = _random_evidence(roster, seed)
    ctx = ReportContext(
        study=_study(roster),
        evidence={"participants": roster, "values_practice": ratings},
        n_boot=100,
        width=5,
    )
    plan = ctx.plan
    build_sections(ctx)  # the report, and the dashboard built from the same sections
    for d in dims:  # `gap --by principle,<d>,wave` with and without margins
        for margins in (True, False):
            values_practice_gap(ratings, ["principle", d, "wave"], margins=margins, n_boot=100, plan=plan)
    values_practice_gap(ratings, ["principle", *dims, "wave"], n_boot=100, plan=plan)  # the full cube
    values_practice_gap(ratings, ["principle", "service", "wave"], n_boot=100, plan=plan)  # the web's gap.csv
    values_practice_gap(ratings, ["principle", "wave"], n_boot=100, plan=plan)
    values_practice_gap(ratings, ["wave"], n_boot=100, plan=plan)  # every principle pooled
    wave_change(ratings, ["principle", dims[0]], baseline="w1", follow_up="w2", margins=True, plan=plan)
    for by in (["wave"], ["wave", dims[0]], ["wave", *dims]):  # `survey reliability --json`, with --by or not
        reliability(
            items, {"c": ["q0", "q1", "q2"]}, by=by, plan=plan,
            population=lambda row: population_name(
                "survey_complete", instrument="x", wave=row["wave"], construct=row["construct"]
            ),
        )  # fmt: skip
    result = audit(plan.ledger, min_n=plan.min_n, width=5)
    assert result.ok, result.problems[:3]
    assert any(e.count is None for e in plan.ledger.entries)  # something was hidden, so something was tested


@pytest.mark.slow
def test_everything_the_demo_report_publishes_passes_the_audit(demo_study):
    """The demo study (about 700 people, every section: gap, surveys, qualitative, free text), its report
    sections as the dashboard builds them, audited together by linear programming."""
    from mindthegap.report.builder import build_sections
    from mindthegap.report.context import ReportContext

    people = roster_of(demo_study.study)
    consenting = {p.id for p in demo_study.study.participants if p.consent}
    people = people[people["participant_id"].isin(consenting)]
    evidence = dict(demo_study.evidence)
    evidence["participants"] = people
    evidence["values_practice"] = evidence["values_practice"].merge(people, on="participant_id")
    ctx = ReportContext(study=demo_study.study, evidence=evidence, n_boot=100)
    build_sections(ctx)
    published = ctx.plan.ledger.frame()
    assert published["population"].str.startswith("survey_").any()
    assert published["population"].str.startswith("qualitative_").any()
    assert published["population"].str.startswith("delphi|").any()  # consensus by group, and the lever round
    assert published["population"].str.startswith("delphi_pairs|").any()  # stability between rounds
    assert published["population"].str.startswith("pressures|").any()
    assert published["count"].isna().any()
    assert_no_disclosure(ctx.plan.ledger)
