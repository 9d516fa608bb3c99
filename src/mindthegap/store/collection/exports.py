"""A survey's responses as a table for the study's analysts: CSV, XLSX or SPSS ``.sav`` with value labels.

One row per respondent (pseudonym, wave, role, level, discipline, service) and one column per item; ratings
are the scale's codes, a way of not answering is empty, free text is text (redacted when the study asks).
Text that a spreadsheet would run as a formula is neutralised in every format. Withdrawn participants are
left out, as everywhere.
"""

from __future__ import annotations

import io
import os
import tempfile

import pandas as pd

from mindthegap.io.tables import neutralise_formulas
from mindthegap.store.collection.models import Survey
from mindthegap.store.collection.responses import instrument_of
from mindthegap.store.frames import values_frame
from mindthegap.store.surveys.models import SurveyAnswer

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}
PEOPLE = ["participant_id", "wave", "role", "level", "discipline", "service"]


def responses_table(survey: Survey) -> pd.DataFrame:
    """One row per consenting respondent who submitted, one column per item in the instrument's order."""
    instrument = instrument_of(survey)
    rows = SurveyAnswer.objects.filter(
        instrument_id=survey.instrument_id, wave=survey.wave.slug if survey.wave_id else "",
        participant__web_sessions__survey=survey, participant__web_sessions__submitted_at__isnull=False,
    )  # fmt: skip
    fields = ("participant__pseudonym", "wave", "participant__role", "participant__level",
              "participant__discipline__slug", "participant__service__slug", "item", "code", "text")  # fmt: skip
    long = values_frame(rows, fields, [*PEOPLE, "item", "code", "text"])
    items = [i.id for i in instrument.items]
    if long.empty:
        return pd.DataFrame(columns=[*PEOPLE, *items])
    text_items = {i.id for i in instrument.items if i.type == "text"}
    long["answer"] = long["code"].astype(object)
    is_text = long["item"].isin(text_items)
    long.loc[is_text, "answer"] = long.loc[is_text, "text"].replace("", None)
    long[PEOPLE] = long[PEOPLE].fillna("")  # unstacking keeps rows whose index holds no None
    wide = long.set_index([*PEOPLE, "item"])["answer"].unstack("item")  # one answer per person and item
    wide = wide.reindex(columns=items).reset_index().rename_axis(columns=None)
    for item in instrument.items:
        if item.type == "rating":
            wide[item.id] = pd.to_numeric(wide[item.id], errors="coerce")
    return wide.sort_values("participant_id").reset_index(drop=True)


def export_responses(survey: Survey, fmt: str) -> bytes:
    """The responses table in ``fmt`` (``csv``, ``xlsx`` or ``sav``), formulas neutralised."""
    if fmt not in FORMATS:
        raise KeyError(fmt)
    table = neutralise_formulas(responses_table(survey).astype({c: object for c in PEOPLE}))
    if fmt == "csv":
        return table.to_csv(index=False).encode("utf-8")
    if fmt == "xlsx":
        buffer = io.BytesIO()
        table.to_excel(buffer, index=False, engine="openpyxl")
        return buffer.getvalue()
    return _sav(survey, table)


def _sav(survey: Survey, table: pd.DataFrame) -> bytes:
    """SPSS .sav: each rating item labelled with its question and its scale's labels."""
    import pyreadstat

    instrument = instrument_of(survey)
    names = {c: _spss_name(c) for c in table.columns}
    column_labels, value_labels = [], {}
    for col in table.columns:
        try:
            item = instrument.item(col)
        except KeyError:
            column_labels.append(col.replace("_", " "))
            continue
        column_labels.append(item.label)
        if item.type == "rating":
            scale = instrument.scale_of(item)
            if scale.labels:
                value_labels[names[col]] = {float(k): v for k, v in scale.labels.items()}
    frame = table.rename(columns=names)
    for col in frame.columns:
        if frame[col].dtype == object:
            frame[col] = frame[col].fillna("").astype(str)
    handle, path = tempfile.mkstemp(suffix=".sav")
    os.close(handle)
    try:
        pyreadstat.write_sav(frame, path, column_labels=column_labels, variable_value_labels=value_labels)
        with open(path, "rb") as f:
            return f.read()
    finally:
        os.unlink(path)


def _spss_name(column: str) -> str:
    """SPSS variable names start with a letter and hold letters, digits and underscores (64 bytes at most)."""
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in column)
    return (name if name[:1].isalpha() else f"v_{name}")[:64]
