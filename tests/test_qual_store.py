"""The qualitative app: projects stored whole or not at all, codings survive rename and merge."""

from __future__ import annotations

import pytest
from tests.conftest import missing_shared_data

from mindthegap.errors import StoreError
from mindthegap.model.qualitative import Code, Codebook, Coding, Memo, QualitativeProject, Source
from mindthegap.model.study import Study


def _project() -> QualitativeProject:
    book = Codebook(name="NPT")
    top = book.add(Code(name="Coherence"))
    a = book.add(Code(name="Sense-making", parent=top.guid))
    b = book.add(Code(name="Making sense", parent=top.guid))
    text = "Manager: The huddles made sense once we saw the data."
    src = Source(name="int1", text=text, metadata={"participant": "p1", "level": "local_strategic"})
    codings = [
        Coding(source=src.guid, code=a.guid, start=9, end=33, coder="Asha"),
        Coding(
            source=src.guid, code=b.guid, start=9, end=53, coder="Ben", status="unreviewed", confidence=0.7
        ),
    ]
    return QualitativeProject(codebook=book, sources=[src], codings=codings, memos=[Memo("rich", src.guid)])


@pytest.fixture
def record(db):
    from mindthegap.store.studies.repository import save_study

    return save_study(Study(id="qual-test", name="Qualitative test"))


@pytest.mark.django_db
def test_round_trip_and_merge_keeps_codings(record):
    from mindthegap.store.qualitative import models as m
    from mindthegap.store.qualitative.repository import (
        load_qualitative,
        merge_codes,
        rename_code,
        save_project,
    )

    project = _project()
    assert save_project(record, project) == 2
    frames = load_qualitative(record)
    assert frames["sources"].loc[0, "level"] == "local_strategic"
    assert set(frames["codings"]["status"]) == {"accepted", "unreviewed"}
    assert frames["codings"]["confidence"].max() == pytest.approx(0.7)
    a = project.codebook.by_name("Sense-making").guid
    b = project.codebook.by_name("Making sense").guid
    rename_code(record, a, "Coherence: sense-making")
    assert merge_codes(record, [b], into=a) == 1
    codings = load_qualitative(record)["codings"]
    assert len(codings) == 2 and set(codings["code"]) == {"Coherence: sense-making"}
    actions = list(m.CodeEvent.objects.filter(code__study=record).values_list("action", flat=True))
    assert actions.count("rename") == 1 and actions.count("merge") == 1


@pytest.mark.django_db
def test_bad_project_writes_nothing(record):
    from mindthegap.store.qualitative import models as m
    from mindthegap.store.qualitative.repository import save_project

    project = _project()
    project.codings.append(Coding(source=project.sources[0].guid, code="UNKNOWN", start=0, end=3))
    with pytest.raises(StoreError, match="unknown code"):
        save_project(record, project)
    project = _project()
    project.codings[0].end = 999
    with pytest.raises(StoreError, match="outside its source"):
        save_project(record, project)
    assert not m.CodeRecord.objects.exists() and not m.SourceRecord.objects.exists()
    save_project(record, project := _project())
    with pytest.raises(StoreError, match="already in this study"):
        save_project(record, project)


@pytest.mark.django_db
def test_deleting_study_removes_qualitative_evidence(record):
    from mindthegap.store.qualitative import models as m
    from mindthegap.store.qualitative.repository import save_project
    from mindthegap.store.studies.repository import delete_study

    save_project(record, _project())
    delete_study("qual-test")
    assert not m.CodingRecord.objects.exists()


@pytest.mark.django_db
def test_demo_interviews_stored_and_reported(demo_study):
    """The demo's two coders are stored and the report section states the unit of agreement."""
    from mindthegap.report.context import ReportContext
    from mindthegap.report.document import Figure
    from mindthegap.report.sections import qualitative as section
    from mindthegap.store.evidence import load_all, save_all

    demo = demo_study
    project = demo.evidence["qualitative"]
    levels = {s.metadata["level"] for s in project.sources}
    assert levels == {"national", "regional", "local_strategic", "local_frontline", "people_and_carers"}
    assert {c.coder for c in project.codings} == {"Coder A", "Coder B"}
    save_all(demo.study, {"qualitative": project})  # the study, its people and the interviews
    _, evidence = load_all(demo.study.id)
    assert len(evidence["qualitative"]["codings"]) == len(project.codings)
    built = section.build(ReportContext(study=demo.study, evidence=evidence))
    agreement = built.blocks[1]
    assert "unit of analysis: sentence" in agreement.caption
    assert 0.5 < agreement.data.iloc[0]["krippendorff_alpha"] < 0.95
    freq = built.blocks[2].data
    assert freq[freq["level"] == "national"]["suppressed"].all()
    assert isinstance(built.blocks[-1], Figure) and built.blocks[-1].svg.startswith("<svg")


@pytest.mark.django_db
def test_stored_study_exports_and_re_imports_the_same(record, tmp_path):
    """Export accepted codings as .qdpx, import into a fresh study: same codes, sources, codings and memos."""
    from mindthegap.io.refiqda import read_project, write_project
    from mindthegap.store.qualitative.repository import load_project, save_project
    from mindthegap.store.studies.repository import save_study

    project = _project()
    project.memos.append(Memo("Project-wide note on sampling"))
    save_project(record, project)
    exported = load_project(record)
    assert [c.status for c in exported.codings] == ["accepted"]  # the unreviewed suggestion stays home
    assert len(load_project(record, include_unreviewed=True).codings) == 2
    path = write_project(load_project(record, include_unreviewed=True), tmp_path / "study.qdpx")
    fresh = save_study(Study(id="qual-fresh", name="Fresh"))
    save_project(fresh, read_project(path))
    again = load_project(fresh, include_unreviewed=True)

    def key(p: QualitativeProject):
        names = {c.guid: p.codebook.path(c.guid) for c in p.codebook.codes.values()}
        sources = {s.guid: s.name for s in p.sources}
        return (
            sorted(names.values()),
            sorted((s.name, s.text) for s in p.sources),
            sorted((sources[c.source], names[c.code], c.start, c.end, c.coder) for c in p.codings),
            sorted((x.text, x.target) for x in p.memos),
        )

    assert key(again) == key(load_project(record, include_unreviewed=True))


@pytest.mark.django_db
def test_added_sources_keep_metadata_and_are_redacted_when_the_study_asks(record):
    from mindthegap.store.qualitative.repository import add_sources, sources_frame

    text = "Ward manager: email me at sam.lee@example.org about Dr Patel's huddle."
    counts = add_sources(record, [Source("int9", text, metadata={"level": "local_frontline", "wave": "w1"})])
    assert counts == {"EMAIL": 1, "NAME": 1}
    frame = sources_frame(record)
    assert frame.loc[0, "level"] == "local_frontline" and frame.loc[0, "wave"] == "w1"
    assert "sam.lee" not in frame.loc[0, "text"] and "Patel" not in frame.loc[0, "text"]
    record.redact_free_text = False
    assert add_sources(record, [Source("int10", text)]) == {}
    assert "sam.lee" in sources_frame(record).loc[1, "text"]
    with pytest.raises(StoreError, match="already in this study"):
        add_sources(record, [Source("int11", "x"), Source("int9", "y")])
    assert len(sources_frame(record)) == 2


@pytest.mark.django_db
def test_codebook_edits_never_lose_a_coding_and_keep_history(record):
    from mindthegap.store.qualitative import models as m
    from mindthegap.store.qualitative.repository import (
        code_history,
        codebook_frame,
        find_code,
        merge_codes,
        move_code,
        rename_code,
        save_project,
        split_code,
    )

    project = _project()
    project.codebook.add(Code(name="Collective action"))
    save_project(record, project)
    spans = {c.guid: (c.start, c.end) for c in project.codings}
    sense = find_code(record, "Coherence > Sense-making")
    making = find_code(record, "Making sense")
    rename_code(record, sense.guid, "Sense-making (shared)")
    move_code(record, making.guid, find_code(record, "Collective action").guid)
    assert find_code(record, "Collective action > Making sense").guid == making.guid
    parts = split_code(record, sense.guid, ["Team sense", "Own sense"])
    assert {p.parent_id for p in parts} == {sense.pk}
    assert merge_codes(record, [making.guid], into=sense.guid) == 1
    codings = m.CodingRecord.objects.filter(source__study=record)
    assert {(c.guid, c.start, c.end) for c in codings} == {(g, *s) for g, s in spans.items()}
    assert {c.code.name for c in codings} == {"Sense-making (shared)"}
    assert codebook_frame(record).set_index("path").loc["Coherence > Sense-making (shared)", "codings"] == 2
    assert "Making sense" not in set(codebook_frame(record)["name"])
    actions = code_history(record)["action"].tolist()
    assert [a for a in actions if a != "add"] == ["rename", "move", "split", "merge"]
    with pytest.raises(StoreError, match="under itself"):
        move_code(record, sense.guid, parts[0].guid)
    with pytest.raises(StoreError, match="no code"):
        find_code(record, "Making sense")  # merged away, so no longer offered
    with pytest.raises(StoreError, match="already merged"):
        merge_codes(record, [making.guid], into=parts[0].guid)


def test_demo_event_notes_are_their_own_kind_and_not_people(demo_study):
    from mindthegap.analysis.coding import code_frequencies
    from mindthegap.report.sections.qualitative import _frames

    project = demo_study.evidence["qualitative"]
    notes = [s for s in project.sources if s.kind == "event_notes"]
    assert len(notes) == 2 and all(not s.metadata["participant"] for s in notes)
    frames = _frames(project)
    freq = code_frequencies(frames["codings"], frames["sources"], by="level", min_n=1)
    interviews = {
        s.metadata["participant"]
        for s in project.sources
        if s.kind == "text" and s.metadata["level"] == "local_frontline"
    }
    shown = (freq["level"] == "local_frontline") & ~freq["suppressed"].astype(bool)  # hidden rows show no n
    assert set(freq.loc[shown, "n"]) == {len(interviews)}


@pytest.mark.django_db
def test_stored_atlasti_sample_exports_with_its_region_codings(record, tmp_path):
    """The ATLAS.ti sample stored and exported from the study still has its 16 codings, regions included."""
    from pathlib import Path

    from mindthegap.io.refiqda import read_project, write_project
    from mindthegap.store.qualitative.repository import load_project, save_project

    data = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "refi-qda"
    if not (data / "Project.xsd").exists():
        missing_shared_data("the shared REFI-QDA data")
    project = read_project(data / "atlasti-8.4-sample" / "Project.qde")
    assert save_project(record, project) == 16
    out = write_project(load_project(record), tmp_path / "a.qdpx", schema=data / "Project.xsd")
    again = read_project(out, schema=data / "Project.xsd")
    assert len(again.codings) == 16 and sum(1 for c in again.codings if c.region) == 7
    assert {s.kind for s in again.sources} == {s.kind for s in project.sources}


@pytest.mark.django_db
def test_imported_project_is_redacted_with_codings_moved_onto_the_redacted_text(record):
    """Reference: hand-placed spans — each coding still covers the same words after redaction."""
    from mindthegap.store.qualitative.repository import load_project, save_project

    text = "Manager: ring Dr Patel on 07700 900123 about the huddles. They help."
    book = Codebook()
    code = book.add(Code(name="Huddles"))
    src = Source(name="int1", text=text)
    spans = [
        (text.index("about"), text.index(". They")),
        (text.index("Dr"), text.index(" on")),
        (0, len(text)),
    ]
    codings = [Coding(source=src.guid, code=code.guid, start=s, end=e) for s, e in spans]
    memo = Memo("Follow up with Dr Patel", src.guid)
    save_project(record, QualitativeProject(codebook=book, sources=[src], codings=codings, memos=[memo]))
    stored = load_project(record)
    new = stored.sources[0].text
    assert "Patel" not in new and "07700" not in new and "Patel" not in stored.memos[0].text
    covered = [new[c.start : c.end] for c in stored.codings]
    assert covered[0] == "about the huddles" and covered[1] == "[NAME]" and covered[2] == new
