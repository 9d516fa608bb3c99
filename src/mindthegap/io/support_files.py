"""Reading a file of implementation-support use: who (a participant, or an unnamed respondent at a level) used
which support the study lists, and how helpful they found it.

Columns: ``participant`` (a pseudonym the study knows) or ``level`` (for someone not on the roster), ``support``
(id or name), ``used`` (yes/no), ``helpfulness`` (1 not at all helpful … 5 very helpful; only for a support
used, may be blank) and ``comment`` (optional). The whole file is checked and every problem is reported with its
row and column; nothing is returned unless the whole file is sound.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mindthegap.errors import InputError, ProblemList
from mindthegap.io.tables import read_table
from mindthegap.model import Level, Study
from mindthegap.model.limits import text_max

TRUE = {"1", "true", "yes", "y", "t"}
FALSE = {"0", "false", "no", "n", "f"}
REQUIRED = ("support", "used")


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    text = str(value).strip()
    return text or None


def read_support_uses(path: Path, study: Study) -> pd.DataFrame:
    """The file's rows as ``participant_id, level, support, used, helpfulness, comment`` (support by id).
    ``study`` must list every participant, withdrawn ones included (their rows are stored and then left out
    by the store's withdrawal rule)."""
    path = Path(path)
    frame = read_table(path)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "participant_id" in frame.columns and "participant" not in frame.columns:
        frame = frame.rename(columns={"participant_id": "participant"})
    missing = [c for c in REQUIRED if c not in frame.columns]
    if "participant" not in frame.columns and "level" not in frame.columns:
        missing.append("participant or level")
    if missing:
        raise InputError(
            f"lacks the column(s) {', '.join(missing)}",
            path=path,
            hint="columns: participant or level, support, used, helpfulness, comment",
        )
    if not study.supports:
        raise InputError(
            f"study {study.id!r} lists no implementation support",
            path=path,
            hint="add 'supports:' to the study file (docs/study-file.md) and update the study",
        )
    supports = {s.id.lower(): s.id for s in study.supports} | {s.name.lower(): s.id for s in study.supports}
    people = {p.id: p for p in study.participants}
    problems = ProblemList(path)
    rows, seen = [], {}
    for line, row in enumerate(frame.to_dict(orient="records"), start=2):
        with problems.check():
            rows.append(_row(row, line, path, supports, people, seen))
    problems.raise_if_any()
    return pd.DataFrame(
        rows, columns=["participant_id", "level", "support", "used", "helpfulness", "comment"]
    )


def _row(row: dict, line: int, path: Path, supports: dict, people: dict, seen: dict) -> dict:
    def fail(message: str, column: str, hint: str | None = None) -> InputError:
        return InputError(message, path=path, row=line, column=column, hint=hint)

    pid, level_text = _text(row.get("participant")), _text(row.get("level"))
    if pid is None and level_text is None:
        raise fail("neither a participant nor a level is given", "participant", "give one of them")
    level = None
    if level_text is not None:
        try:
            level = Level.parse(level_text).value
        except ValueError as exc:
            raise fail(str(exc), "level") from None
    if pid is not None:
        if pid not in people:
            raise fail("names a participant the study does not know", "participant", "check the pseudonym")
        own = people[pid].level.value
        if level is not None and level != own:
            raise fail(f"level {level_text!r} is not the participant's level ({own})", "level")
        level = own
    support_text = _text(row.get("support"))
    support = supports.get((support_text or "").lower())
    if support is None:
        listed = ", ".join(sorted(set(supports.values())))
        raise fail(f"support {support_text!r} is not one the study lists", "support", f"use one of: {listed}")
    used_text = (_text(row.get("used")) or "").lower()
    if used_text not in TRUE | FALSE:
        raise fail(f"used {row.get('used')!r} is not yes or no", "used")
    used = used_text in TRUE
    helpfulness = _helpfulness(row.get("helpfulness"), used, fail)
    comment = _text(row.get("comment")) or ""
    if len(comment) > text_max():
        raise fail(f"comment is {len(comment):,} characters; at most {text_max():,}", "comment")
    if pid is not None:
        key = (pid, support)
        if key in seen:
            raise fail(
                f"the participant's answer on {support!r} appears again (first on row {seen[key]})", "support"
            )
        seen[key] = line
    return {
        "participant_id": pid,
        "level": level,
        "support": support,
        "used": used,
        "helpfulness": helpfulness,
        "comment": comment,
    }


def _helpfulness(value: object, used: bool, fail) -> int | None:
    text = _text(value)
    if text is None:
        return None
    try:
        number = float(text)
    except ValueError:
        raise fail(f"helpfulness {text!r} is not a number from 1 to 5", "helpfulness") from None
    if number != int(number) or not 1 <= number <= 5:
        raise fail(f"helpfulness {text!r} is not a whole number from 1 to 5", "helpfulness")
    if not used:
        raise fail(
            "helpfulness is given for a support not used", "helpfulness", "leave it blank or say used yes"
        )
    return int(number)
