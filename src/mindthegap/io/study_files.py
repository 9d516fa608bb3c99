"""Reading a study's definition (YAML) and its participants (CSV/XLSX/Parquet) into the plain model.

A study file names the policies and principles examined, the services and teams, the disciplines and the
waves; see ``docs/study-file.md`` for an example. Participants arrive as a table with one row per person:
``participant_id`` (a pseudonym — never a name), ``role``, ``level``, and optionally ``discipline``,
``service``, ``team`` and ``consent``. Services, teams and disciplines may be given by id or by name; levels and
roles by value or label; in ratings, waves and principles by id or by name. Every problem is reported with its
row and column (all of them, up to :data:`~mindthegap.errors.MAX_PROBLEMS`), and nothing is stored unless the
whole file is sound.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mindthegap.errors import InputError, ProblemList
from mindthegap.io.tables import check_lengths, read_table
from mindthegap.model import (
    Discipline,
    Level,
    Participant,
    Policy,
    Principle,
    Role,
    Service,
    Study,
    Support,
    Team,
    Wave,
)
from mindthegap.model.limits import ID_MAX, NAME_MAX, STUDY_FILE_MAX_BYTES
from mindthegap.model.pseudonyms import PSEUDONYM_HINT, pseudonym_problem
from mindthegap.privacy import PrivacySettings

TRUE = {"1", "true", "yes", "y", "t"}
FALSE = {"0", "false", "no", "n", "f"}


def read_study_file(path: Path) -> Study:
    """Parse and validate a study definition; one-line errors name the file and the field."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", path=path, hint="check the path to the study file")
    size = path.stat().st_size
    if size > STUDY_FILE_MAX_BYTES:
        raise InputError(
            f"is {size / 1e6:,.0f} MB; a study definition is a few kilobytes of YAML",
            path=path,
            hint="check this is the study file (participants and ratings are imported separately)",
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise InputError(f"is not valid YAML ({getattr(exc, 'problem', exc)})", path=path, row=row) from None
    except UnicodeDecodeError:
        raise InputError("is not UTF-8 text", path=path, hint="save it as UTF-8") from None
    return study_from_mapping(data, path=path)


def study_from_mapping(data: object, *, path: Path | str | None = None) -> Study:
    """A study from its definition as a mapping (a parsed study file, or the web app's setup forms), checked
    by the same rules either way; one-line errors name the field."""
    if not isinstance(data, dict):
        raise InputError("must be a mapping with at least 'id' and 'name'", path=path)
    try:
        return _study_from_mapping(data)
    except (KeyError, TypeError, ValueError) as exc:
        message = exc.args[0] if exc.args else str(exc)
        raise InputError(str(message), path=path, hint="see docs/study-file.md for the format") from None


def study_to_mapping(study: Study) -> dict:
    """The study's definition as a study file holds it (participants are not part of it)."""
    teams: dict[str, list[dict]] = {}
    for t in study.teams:
        teams.setdefault(t.service_id, []).append({"id": t.id, "name": t.name})
    return {
        "id": study.id,
        "name": study.name,
        "description": study.description,
        "policies": [
            {"id": p.id, "title": p.title, "source": p.source, "levers": list(p.levers),
             "principles": [{"id": x.id, "name": x.name, "description": x.description} for x in p.principles]}
            for p in study.policies
        ],
        "services": [
            {"id": s.id, "name": s.name, **({"teams": teams[s.id]} if s.id in teams else {})} for s in study.services
        ],
        "disciplines": [{"id": d.id, "name": d.name} for d in study.disciplines],
        "waves": [{"id": w.id, "name": w.name, "order": w.order} for w in study.waves],
        "privacy": {"min_n": study.privacy.min_n, "redact_free_text": study.privacy.redact_free_text},
        **({"supports": [{"id": s.id, "name": s.name, "kind": s.kind, "description": s.description}
                         for s in study.supports]} if study.supports else {}),
    }  # fmt: skip


def study_file_text(study: Study) -> str:
    """The study's definition as YAML text, ready to edit and read back with :func:`read_study_file`."""
    return yaml.safe_dump(study_to_mapping(study), sort_keys=False, allow_unicode=True, width=100)


def _require(mapping: dict, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or key not in mapping or mapping[key] in (None, ""):
        raise KeyError(f"{where}: '{key}' is required")
    return mapping[key]


def _study_from_mapping(data: dict) -> Study:
    policies = []
    for i, p in enumerate(data.get("policies") or [], start=1):
        where = f"policies[{i}]"
        principles = tuple(
            Principle(
                id=str(_require(pr, "id", f"{where}.principles[{j}]")),
                name=str(_require(pr, "name", f"{where}.principles[{j}]")),
                description=str(pr.get("description", "")),
            )
            for j, pr in enumerate(_require(p, "principles", where), start=1)
        )
        policies.append(
            Policy(
                id=str(_require(p, "id", where)),
                title=str(_require(p, "title", where)),
                principles=principles,
                source=str(p.get("source", "")),
                levers=tuple(str(lv) for lv in p.get("levers", []) or []),
            )
        )
    services, teams = [], []
    for i, s in enumerate(data.get("services") or [], start=1):
        sid = str(_require(s, "id", f"services[{i}]"))
        services.append(Service(sid, str(_require(s, "name", f"services[{i}]"))))
        for j, t in enumerate(s.get("teams", []) or [], start=1):
            where = f"services[{i}].teams[{j}]"
            teams.append(Team(str(_require(t, "id", where)), str(_require(t, "name", where)), sid))
    disciplines = [
        Discipline(str(_require(d, "id", f"disciplines[{i}]")), str(_require(d, "name", f"disciplines[{i}]")))
        for i, d in enumerate(data.get("disciplines") or [], start=1)
    ]
    waves = [
        Wave(
            str(_require(w, "id", f"waves[{i}]")),
            str(_require(w, "name", f"waves[{i}]")),
            int(w.get("order", i - 1)),
        )
        for i, w in enumerate(data.get("waves") or [{"id": "baseline", "name": "Baseline"}], start=1)
    ]
    privacy = data.get("privacy") or {}
    supports = _supports(data.get("supports"))
    study = Study(
        id=str(_require(data, "id", "study")),
        name=str(_require(data, "name", "study")),
        description=str(data.get("description", "")),
        policies=policies,
        services=services,
        teams=teams,
        disciplines=disciplines,
        waves=waves,
        supports=supports,
        privacy=PrivacySettings(
            min_n=int(privacy.get("min_n", 11)), redact_free_text=bool(privacy.get("redact_free_text", True))
        ),
    )
    study.validate()
    return study


def _supports(items: object) -> list[Support]:
    """The implementation support a study lists: ``supports: [{id, name, kind, description}]``."""
    if items is None:
        return []
    if not isinstance(items, list):
        raise TypeError("supports: must be a list of {id, name, kind, description}")
    return [
        Support(
            id=str(_require(s, "id", f"supports[{i}]")),
            name=str(_require(s, "name", f"supports[{i}]")),
            kind=str(s.get("kind", "") or ""),
            description=str(s.get("description", "") or ""),
        )
        for i, s in enumerate(items, start=1)
    ]


def _lookup(table: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """Accept an id or a display name (any case) for each item."""
    keys = {k.lower(): k for k in table}
    keys.update({name.strip().lower(): key for key, name in names.items()})
    return keys


def _text(value: object) -> str | None:
    """A cell as stripped text, or ``None`` when empty."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return None
    return str(value).strip()


def read_participants(path: Path, study: Study) -> list[Participant]:
    """Participants from a table, checked against the study's structure; all rows or none."""
    path = Path(path)
    frame = read_table(path)
    frame.columns = [str(c).strip().lower().replace(" ", "_") for c in frame.columns]
    if "id" in frame.columns and "participant_id" not in frame.columns:
        frame = frame.rename(columns={"id": "participant_id"})
    for col in ("participant_id", "role", "level"):
        if col not in frame.columns:
            raise InputError(
                f"missing column {col!r}",
                path=path,
                hint="columns: participant_id, role, level[, discipline, service, team, consent]",
            )
    check_lengths(frame, {"participant_id": ID_MAX}, default=NAME_MAX, path=path)
    services = _lookup({s.id: s.id for s in study.services}, {s.id: s.name for s in study.services})
    teams = _lookup({t.id: t.id for t in study.teams}, {t.id: t.name for t in study.teams})
    disciplines = _lookup({d.id: d.id for d in study.disciplines}, {d.id: d.name for d in study.disciplines})
    roles = {r.value: r for r in Role} | {r.label.lower(): r for r in Role}
    lookups = {"service": services, "team": teams, "discipline": disciplines, "role": roles}
    seen: dict[str, int] = {}
    people = []
    problems = ProblemList(path)
    for i, row in enumerate(frame.to_dict(orient="records")):
        with problems.check():
            person = _participant(row, i + 2, lookups, seen, path)  # 1-based, after the header
            people.append(person)
    problems.raise_if_any()
    probe = Study(
        id=study.id,
        name=study.name,
        services=study.services,
        teams=study.teams,
        disciplines=study.disciplines,
        participants=people,
    )
    try:
        probe.validate()
    except ValueError as exc:
        raise InputError(str(exc), path=path) from None
    return people


def _participant(row: dict, line: int, lookups: dict, seen: dict[str, int], path: Path) -> Participant:
    """One participant from one row (``line`` as a spreadsheet numbers it); ``seen`` maps ids to their rows."""
    roles = lookups["role"]

    def cell(col: str) -> str | None:
        return _text(row.get(col))

    pid = cell("participant_id")
    if pid is None:
        raise InputError("participant_id is empty", path=path, row=line, column="participant_id")
    problem = pseudonym_problem(pid)
    if problem:
        raise InputError(
            f"the participant id {problem}",
            path=path,
            row=line,
            column="participant_id",
            hint=PSEUDONYM_HINT,
        )
    if pid in seen:
        raise InputError(
            f"participant {pid!r} appears again (first on row {seen[pid]})",
            path=path,
            row=line,
            column="participant_id",
            hint="each person needs one row",
        )
    seen[pid] = line
    role_text = (cell("role") or "").lower().replace(" ", "_")
    role = roles.get(role_text) or roles.get(role_text.replace("_", " "))
    if role is None:
        raise InputError(
            f"unknown role {cell('role')!r}",
            path=path,
            row=line,
            column="role",
            hint=f"use one of: {', '.join(r.value for r in Role)}",
        )
    try:
        level = Level.parse(cell("level") or "")
    except ValueError as exc:
        raise InputError(str(exc), path=path, row=line, column="level") from None
    resolved = {
        col: _resolve(cell(col), col, lookups[col], path, line) for col in ("service", "team", "discipline")
    }
    consent_text = (cell("consent") or "yes").lower()
    if consent_text not in TRUE | FALSE:
        raise InputError(
            f"consent {cell('consent')!r} is not yes or no", path=path, row=line, column="consent"
        )
    return Participant(id=pid, role=role, level=level, consent=consent_text in TRUE, **resolved)


def _resolve(value: str | None, col: str, table: dict[str, str], path: Path, line: int) -> str | None:
    """The id a service, team or discipline cell names (by id or name), None when blank."""
    if value is None:
        return None
    if value.lower() in table:
        return table[value.lower()]
    raise InputError(
        f"unknown {col} {value!r}",
        path=path,
        row=line,
        column=col,
        hint=f"add it to the study file or use one of: {', '.join(sorted(set(table.values())))}",
    )


def coerce_ratings(
    frame: pd.DataFrame, path: Path | None = None, problems: ProblemList | None = None
) -> pd.DataFrame:
    """Turn the ``value`` and ``practice`` columns into numbers in place, refusing anything but 1–5 or blank.

    Every bad cell is reported (to ``problems`` when given, which the caller then raises)."""
    own = problems is None
    problems = ProblemList(path) if own else problems
    for col in ("value", "practice"):
        numeric = pd.to_numeric(frame[col], errors="coerce")
        text = frame[col].astype(str).str.strip()
        not_a_number = numeric.isna() & frame[col].notna() & (text != "")
        bad = frame.index[
            not_a_number | (numeric < 1) | (numeric > 5) | (numeric.notna() & (numeric % 1 != 0))
        ]
        problems.add_each(
            bad,
            lambda index, col=col: InputError(
                f"{frame.at[index, col]!r} is not a whole number from 1 to 5",
                path=path,
                row=int(index) + 2,  # 1-based, after the header, as a spreadsheet shows it
                column=col,
                hint="correct it or leave the cell blank",
            ),
        )
        frame[col] = numeric
    if own:
        problems.raise_if_any()
    return frame


def _id_or_name(items: dict[str, str]) -> dict[str, str]:
    """Id or display name (any case, spaces trimmed) → id."""
    keys = {" ".join(name.split()).casefold(): key for key, name in items.items()}
    keys.update({key.casefold(): key for key in items})
    return keys


def _one_of(items) -> str:
    """A hint listing the ids and names a column may hold."""
    shown = ", ".join(f"{item.id} ({item.name})" if item.name != item.id else item.id for item in items)
    return f"use an id or name from the study file: {shown}"


def read_ratings(path: Path, study: Study) -> pd.DataFrame:
    """Values–practice ratings in long form: participant_id, wave, principle, value, practice (1–5).

    Waves and principles may be given by id or by name (any case); every problem in the file is reported."""
    path = Path(path)
    frame = read_table(path)
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    if "wave" not in frame.columns and len(study.waves) == 1:
        frame["wave"] = study.waves[0].id
    for col in ("participant_id", "wave", "principle", "value", "practice"):
        if col not in frame.columns:
            raise InputError(
                f"missing column {col!r}",
                path=path,
                hint="columns: participant_id, wave, principle, value, practice",
            )
    check_lengths(
        frame, {c: ID_MAX for c in ("participant_id", "wave", "principle")}, default=NAME_MAX, path=path
    )
    known = {
        "participant_id": ({p.id: p.id for p in study.participants}, "import participants first"),
        "wave": (_id_or_name({w.id: w.name for w in study.waves}), _one_of(study.waves)),
        "principle": (_id_or_name({p.id: p.name for p in study.principles}), _one_of(study.principles)),
    }
    problems = ProblemList(path)
    for col, (ids, hint) in known.items():
        given = frame[col].astype(str).str.strip()
        if col != "participant_id":  # names match in any case and spacing
            given = given.str.split().str.join(" ")
        frame[col] = (given if col == "participant_id" else given.str.casefold()).map(ids)
        problems.add_each(
            frame.index[frame[col].isna()],
            lambda index, col=col, given=given, hint=hint: InputError(
                f"unknown {col.replace('_id', '')} {given.at[index]!r}",
                path=path,
                row=int(index) + 2,
                column=col,
                hint=hint,
            ),
        )
    coerce_ratings(frame, path, problems)
    dupes = frame.duplicated(["participant_id", "wave", "principle"], keep="first") & frame[
        ["participant_id", "wave", "principle"]
    ].notna().all(axis=1)
    problems.add_each(
        frame.index[dupes],
        lambda index: InputError(
            "the same participant rates the same principle twice in one wave",
            path=path,
            row=int(index) + 2,
            hint="keep one row per participant, wave and principle",
        ),
    )
    problems.raise_if_any()
    return frame[["participant_id", "wave", "principle", "value", "practice"]]
