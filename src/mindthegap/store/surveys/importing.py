"""Import a survey export into a stored study: respondents matched to participants by pseudonym, attributes
and waves matched to the study's own structure, everything written in one transaction or not at all.

A values–practice export (one ``<principle>_value`` and one ``<principle>_practice`` column per principle) also
lands in the study's values–practice ratings, so the gap analysis and ``mindthegap study report`` see it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import transaction

from mindthegap.errors import InputError
from mindthegap.io.surveys import Problem, import_survey, read_raw
from mindthegap.io.surveys.formats import default_id_column
from mindthegap.model import Level
from mindthegap.model.pseudonyms import pseudonym_problem
from mindthegap.store.audit import log as audit
from mindthegap.store.frames import values_frame
from mindthegap.store.studies import models as sm
from mindthegap.store.studies.repository import get_record, save_values_practice
from mindthegap.store.surveys import models as m
from mindthegap.store.surveys.repository import save_answers, study_instruments

#: columns matched to the study's structure when a file carries them (case-insensitive header match)
STUDY_ATTRIBUTES = ("service", "discipline", "level")


@dataclass
class StoredImport:
    """What a survey import stored, and exactly what it left out."""

    study: str
    instrument: str
    respondents: int
    answers: int
    values_practice_ratings: int = 0
    waves: dict[str, int] = field(default_factory=dict)
    skipped: list[Problem] = field(default_factory=list)
    skipped_rows: list[int] = field(default_factory=list)
    unmatched: dict[str, dict[str, int]] = field(default_factory=dict)
    differing: dict[str, int] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)

    def report(self) -> dict:
        """A JSON-ready summary: counts, skipped rows with reasons, unmatched attribute values."""
        return {
            "study": self.study,
            "instrument": self.instrument,
            "respondents": self.respondents,
            "answers": self.answers,
            "values_practice_ratings": self.values_practice_ratings,
            "waves": self.waves,
            "skipped_rows": self.skipped_rows,
            "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in self.skipped],
            "unmatched_attribute_values": self.unmatched,
            "attributes_differing_from_study": self.differing,
            "ignored_columns": self.ignored_columns,
        }


def study_principles(record: sm.StudyRecord) -> list[tuple[str, str]]:
    """(id, name) of the study's principles in policy and file order, for the values–practice instrument."""
    rows = sm.PrincipleRecord.objects.filter(policy__study=record).order_by("policy_id", "position", "id")
    return list(rows.values_list("slug", "name"))


def load_study_instrument(record: sm.StudyRecord, instrument_id: str):
    """The instrument by YAML path, or by id: first as the study stored it with its answers (so a user's own
    instrument needs its file only once), then a shipped one; ``values_practice`` is generated from the study's
    principles."""
    from mindthegap.frameworks.instruments import InstrumentFileError, is_instrument_file, load_instrument

    stored = None if is_instrument_file(instrument_id) else study_instruments(record).get(str(instrument_id))
    if stored is not None:
        return stored
    try:
        return load_instrument(instrument_id, study_principles(record))
    except InstrumentFileError as exc:
        raise InputError(str(exc)) from None


def _find(columns, name: str) -> str | None:
    return next((c for c in columns if str(c).strip().casefold() == name), None)


def import_into_study(
    study_id: str,
    path: str | Path,
    instrument_id: str,
    *,
    wave: str | None = None,
    fmt: str = "auto",
    dictionary: str | Path | None = None,
    id_column: str | None = None,
    columns: dict[str, str] | None = None,
    skip_bad_rows: bool = False,
) -> StoredImport:
    """Check a survey export against the instrument and the study, then store it whole (or nothing).

    Every respondent must be a participant of the study (matched by pseudonym); the wave comes from ``wave``
    or a ``wave`` column and must be one of the study's waves (by id or name). ``service``, ``discipline``
    and ``level`` columns are matched to the study; values that match nothing are reported, and the stored
    participant's own attributes are the ones analyses use. With ``skip_bad_rows`` rows with any problem are
    left out and listed; otherwise the first problem is raised and nothing is written.
    """
    record = get_record(study_id)
    instrument = load_study_instrument(record, instrument_id)
    raw = read_raw(path, fmt, dictionary=dictionary)
    id_column = _id_column(raw[0], id_column, path)
    waves, attributes, found, wave_col = _study_attributes(record, raw[0], wave)
    result = import_survey(
        path, instrument, raw=raw, id_column=id_column, columns=columns, attributes=attributes,
        skip_bad_rows=skip_bad_rows,
    )  # fmt: skip
    responses = result.responses
    row_of = result.row_numbers
    _set_wave(responses, wave, wave_col, waves)
    problems, bad = _misfits(record, study_id, instrument, responses, row_of, id_column, wave_col, waves)
    if problems and not skip_bad_rows:
        raise problems[0].error(
            path,
            f"{len(problems)} row(s) do not fit the study; nothing was imported — add the participants "
            "first, fix the rows, or skip them with --skip-bad-rows",
        )
    responses = responses[~bad].reset_index(drop=True)
    _check_values_practice_waves(instrument, responses, waves, path)
    differing = _differing(record, responses, found)
    long = _long_answers(responses, instrument)
    written, vp = _store(record, instrument, responses, long, path)
    return StoredImport(
        study=study_id,
        instrument=instrument.id,
        respondents=len(responses),
        answers=written,
        values_practice_ratings=vp,
        waves={str(k): int(v) for k, v in Counter(responses["wave"]).items()},
        skipped=sorted([*result.problems, *problems], key=lambda p: (p.row, p.column)),
        skipped_rows=sorted({*result.skipped_rows, *(row_of[i] for i in np.flatnonzero(bad))}),
        unmatched=result.unmatched,
        differing=differing,
        ignored_columns=result.ignored_columns,
    )


def _id_column(frame: pd.DataFrame, id_column: str | None, path: str | Path) -> str:
    """The column holding each row's participant pseudonym: the one asked for, or the format's default."""
    id_column = id_column or default_id_column(frame)
    if id_column is None:
        raise InputError(
            "no respondent id column: the study needs each row's participant pseudonym",
            path=path,
            hint="name it participant_id, or give --id COLUMN",
        )
    return id_column


def _study_attributes(
    record, frame: pd.DataFrame, wave: str | None
) -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, str], str | None]:
    """The study's waves, the file's attribute columns with the values they may take, which study attribute
    each column found stands for, and the file's wave column (None when ``wave`` is given or there is none)."""
    waves = dict(record.waves.values_list("slug", "name"))
    known = {
        "service": dict(record.services.values_list("slug", "name")),
        "discipline": dict(record.disciplines.values_list("slug", "name")),
        "level": {lv.value: lv.label for lv in Level},
    }
    attributes: dict[str, dict[str, str]] = {}
    found: dict[str, str] = {}
    for name in STUDY_ATTRIBUTES:
        col = _find(frame.columns, name)
        if col is not None:
            attributes[col], found[name] = known[name], col
    wave_col = _find(frame.columns, "wave") if wave is None else None
    if wave_col is not None:
        attributes[wave_col] = waves
    return waves, attributes, found, wave_col


def _set_wave(responses: pd.DataFrame, wave: str | None, wave_col: str | None, waves: dict[str, str]) -> None:
    """Give every response its wave: the one asked for, the file's wave column, or "" when there is neither."""
    if wave is not None:
        slug = _match_wave(wave, waves)
        responses["wave"] = slug
    elif wave_col is not None:
        responses["wave"] = responses[wave_col]
    else:
        responses["wave"] = ""


def _misfits(
    record,
    study_id: str,
    instrument,
    responses: pd.DataFrame,
    row_of,
    id_column: str,
    wave_col: str | None,
    waves: dict[str, str],
) -> tuple[list[Problem], np.ndarray]:
    """Rows that do not fit the study (unknown respondent, no wave, answers already stored), and a mask of them."""
    # everyone, withdrawn people included: their answers are kept (and left out of every output)
    people = dict(
        sm.ParticipantRecord.all_objects.filter(study=record).values_list("pseudonym", "id")
    )  # pseudonym → pk; attributes come below
    stored = set(
        m.SurveyAnswer.all_objects.filter(
            instrument__study=record, instrument__instrument_id=instrument.id
        ).values_list("participant__pseudonym", "wave")
    )
    problems: list[Problem] = []
    bad = np.zeros(len(responses), dtype=bool)
    for i, (pid, w) in enumerate(zip(responses["respondent"], responses["wave"], strict=True)):
        if pid not in people:
            # an id that looks like an e-mail address or a name is described, not repeated
            why = pseudonym_problem(pid)
            text = (
                f"the respondent id {why}" if why else f"{pid!r} is not a participant of study {study_id!r}"
            )
            problems.append(Problem(row_of[i], id_column, text))
        elif w is None or (isinstance(w, float) and np.isnan(w)):
            problems.append(
                Problem(row_of[i], str(wave_col), f"no wave of study {study_id!r} ({', '.join(waves)})")
            )
        elif (pid, w) in stored:
            problems.append(
                Problem(row_of[i], id_column, f"{pid!r} already has {instrument.id} answers in wave {w!r}")
            )
        else:
            continue
        bad[i] = True
    return problems, bad


def _check_values_practice_waves(instrument, responses: pd.DataFrame, waves: dict[str, str], path) -> None:
    """Values–practice ratings are compared wave by wave, so every one of them needs a wave."""
    if instrument.id == "values_practice" and (responses["wave"] == "").any():
        raise InputError(
            "values–practice ratings need a wave",
            path=path,
            hint=f"give --wave (one of {', '.join(waves) or 'none: add waves to the study file'})",
        )


def _store(
    record, instrument, responses: pd.DataFrame, long: pd.DataFrame, path: str | Path
) -> tuple[int, int]:
    """Write the answers, any values–practice ratings and the audit entry in one transaction; the counts."""
    with transaction.atomic():
        written = save_answers(record, long, {instrument.id: instrument}) if len(long) else 0
        vp = 0
        if instrument.id == "values_practice":
            vp = save_values_practice(record, _values_practice_long(responses, instrument))
        audit.record(
            audit.Action.IMPORTED,
            study=record,
            what="survey",
            instrument=instrument.id,
            respondents=len(responses),
            answers_stored=written,  # a count: "answers" is refused as a key that would hold personal data
            values_practice_ratings=vp,
            file_type=Path(path).suffix.lower(),
        )
    return written, vp


def _match_wave(wave: str, waves: dict[str, str]) -> str:
    key = " ".join(wave.split()).casefold()
    for slug, name in waves.items():
        if key in (slug.casefold(), " ".join(name.split()).casefold()):
            return slug
    if not waves:  # a study without declared waves keeps the label as given
        return wave.strip()
    raise InputError(f"--wave {wave!r} is not a wave of the study", hint=f"use one of: {', '.join(waves)}")


def _differing(record, responses: pd.DataFrame, found: dict[str, str]) -> dict[str, int]:
    """How many respondents' file attributes disagree with their stored participant (the store wins)."""
    if not found:
        return {}
    stored = values_frame(
        sm.ParticipantRecord.all_objects.filter(study=record),
        ("pseudonym", "service__slug", "discipline__slug", "level"),
        ["respondent", "service", "discipline", "level"],
    ).set_index("respondent")
    out = {}
    for name, col in found.items():
        theirs = responses.set_index("respondent")[col]
        ours = stored[name].reindex(theirs.index)
        n = int((theirs.notna() & (theirs != ours)).sum())
        if n:
            out[name] = n
    return out


def _long_answers(responses: pd.DataFrame, instrument) -> pd.DataFrame:
    """One row per answered item (codes for ratings, text for free text); blanks are not stored."""
    parts = []
    for item in instrument.items:
        if item.id not in responses.columns:
            continue
        values = responses[item.id]
        part = pd.DataFrame(
            {
                "instrument": instrument.id,
                "participant_id": responses["respondent"],
                "wave": responses["wave"],
                "item": item.id,
            }
        )
        if item.type == "text":
            part["code"] = np.nan
            part["text"] = values.where(values.notna() & (values.astype(str).str.strip() != ""), None)
            part = part[part["text"].notna()]
        else:
            part["code"] = pd.to_numeric(values, errors="coerce")
            part["text"] = None
            part = part[part["code"].notna()]
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=["instrument", "participant_id", "wave", "item", "code", "text"])
    return pd.concat(parts, ignore_index=True)


def _values_practice_long(responses: pd.DataFrame, instrument) -> pd.DataFrame:
    """The wide values–practice answers as the long ratings the gap analysis reads."""
    frames = []
    for item in instrument.items:
        if item.construct != "value":
            continue
        principle = item.id.removesuffix("_value")
        value = responses.get(item.id)
        practice = responses.get(f"{principle}_practice")
        if value is None and practice is None:
            continue
        part = pd.DataFrame(
            {
                "participant_id": responses["respondent"],
                "wave": responses["wave"],
                "principle": principle,
                "value": value if value is not None else np.nan,
                "practice": practice if practice is not None else np.nan,
            }
        )
        frames.append(part[part["value"].notna() | part["practice"].notna()])
    if not frames:
        return pd.DataFrame(columns=["participant_id", "wave", "principle", "value", "practice"])
    return pd.concat(frames, ignore_index=True)
