"""The requirements framework: the shipped YAML loads and links only to known evidence, bad files give one-line
errors, the rating rules on hand-worked matrices, and the section on the demo (built from its data)."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from mindthegap.analysis.evidence_matrix import LEVELS, evidence_matrix
from mindthegap.analysis.requirements import rate_requirements
from mindthegap.errors import InputError
from mindthegap.frameworks.requirements import load_requirements


def test_shipped_framework_links_to_known_codes():
    from mindthegap.report.sections.synthesis_inputs import _names

    reqs = load_requirements()
    assert len(reqs) >= 6 and reqs["requirement"].is_unique
    known = set(_names("cfir2")) | set(_names("coproduction"))
    for req in reqs.itertuples():
        assert set(req.cfir) | set(req.coproduction) <= known, req.requirement


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("requirements: []", "expected a list under 'requirements'"),
        ("requirements:\n  - {id: a}", "requirements[1] needs an id and a name"),
        ("requirements:\n  - {id: a, name: A, nomad: [x]}", "'x' is not a NoMAD construct"),
        ("requirements:\n  - {id: a, name: A}", "links to no evidence"),
        ("requirements:\n  - {id: a, name: A, cfir: Teaming}", "cfir must be a list"),
        ("requirements: [", "is not valid YAML"),
    ],
)
def test_bad_requirements_file_gives_one_line_error(tmp_path, text, says):
    path = tmp_path / "req.yaml"
    path.write_text(text)
    with pytest.raises(InputError) as err:
        load_requirements(path)
    assert says in str(err.value) and "\n" not in str(err.value) and "req.yaml" in str(err.value)


def _signals(rows):
    """rows: (requirement, level, source, n, direction)."""
    return pd.DataFrame(rows, columns=["row", "level", "source", "n", "direction"]).assign(strand="s")


@pytest.mark.parametrize(
    ("rows", "rating"),
    [
        # two sources agree on good practice at one level (moderate: 2 agreeing sources) → met
        ([("r", "local_frontline", "a", 15, 1), ("r", "local_frontline", "b", 15, 1)], "met"),
        # one source of 30 ≥ 2 × 11 people, positive → moderate → met
        ([("r", "regional", "a", 30, 1)], "met"),
        # one source of 15 people, positive → weak → partly met
        ([("r", "regional", "a", 15, 1)], "partly met"),
        # a moderate shortfall and nothing positive → not met
        ([("r", "national", "a", 30, -1), ("r", "regional", "a", 12, 0)], "not met"),
        # good practice at one level, shortfall at another → partly met (levels disagree)
        ([("r", "national", "a", 30, 1), ("r", "regional", "a", 30, -1)], "partly met"),
        # only mixed evidence → partly met
        ([("r", "national", "a", 30, 0)], "partly met"),
        # only a group under the threshold → no evidence (withheld)
        ([("r", "national", "a", 5, 1)], "no evidence"),
    ],
)
def test_rating_rules_on_hand_worked_matrices(rows, rating):
    """Worked by hand from docs/methods.md ("Evidence matrix" strength, then "Requirements framework")."""
    matrix = evidence_matrix(_signals(rows), rows=["r"], levels=LEVELS, min_n=11)
    out = rate_requirements(matrix).iloc[0]
    assert out["rating"] == rating, out["rule"]
    assert len(out["no_evidence"].split(", ")) >= 5 - len({r[1] for r in rows})


def test_section_on_the_demo_follows_its_data(demo_study):
    from mindthegap.report.context import ReportContext
    from mindthegap.report.sections import requirements as rq

    def build(evidence):
        ctx = ReportContext(study=demo_study.study, evidence=evidence, n_boot=50)
        return rq.build(ctx), rq.rated(ctx)

    section, (matrix, ratings) = build(copy.copy(demo_study.evidence))
    assert section.summary and set(ratings["rating"]) <= {"met", "partly met", "not met", "no evidence"}
    shown = matrix["people"].dropna()
    assert (shown >= 11).all()  # no cell drawn from fewer than the threshold
    before = ratings.set_index("row")["rating"]
    evidence = copy.copy(demo_study.evidence)
    uses = evidence["support_use"].copy()
    uses["used"], uses["helpfulness"] = True, pd.array([5] * len(uses), dtype="Int64")
    evidence["support_use"] = uses  # every support reached everyone and helped
    _, (_, after) = build(evidence)
    assert after.set_index("row")["rating"].to_dict() != before.to_dict()
    own = pd.DataFrame(
        [
            {
                "requirement": "only",
                "name": "Only toolkits",
                "description": "",
                "basis": "",
                "nomad": [],
                "cfir": [],
                "coproduction": [],
                "support": ["tools"],
            }
        ]
    )
    _, (_, mine) = build({**copy.copy(demo_study.evidence), "requirements": own})
    assert mine["row"].tolist() == ["only"]
