"""Reach of an events programme: who came and who never did, how often, and which events held the whole system.

Pure functions over DataFrames (no Django). ``attendance`` has event_id, participant_id and attended (bool);
``roster`` one row per consenting participant with discipline, service and level. Counts of people go through
the study's publication plan when one is given (populations named here with :func:`population_name`), else the
table is suppressed on its own; either way a group under ``min_n`` is never shown.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from mindthegap.analysis.publication import ROSTER, PublicationPlan, population_name
from mindthegap.analysis.suppression import ALL, SUPPRESSED
from mindthegap.model import Level

REACH_DIMS = ("discipline", "service", "level")
ATTENDEES = population_name("event_attendees")
DOSE_BANDS = ((1, 1, "1 event"), (2, 2, "2 events"), (3, 4, "3–4 events"), (5, 10**9, "5 or more events"))
ALL_LEVELS = frozenset(lv.value for lv in Level)


def attendees(attendance: pd.DataFrame, roster: pd.DataFrame) -> pd.DataFrame:
    """Consenting participants who attended at least one event, with their number of events (``events``)."""
    came = attendance[attendance["attended"].astype(bool)]
    came = came[came["participant_id"].isin(roster["participant_id"])]
    dose = came.drop_duplicates(["event_id", "participant_id"]).groupby("participant_id").size()
    return roster[roster["participant_id"].isin(dose.index)].assign(
        events=lambda d: d["participant_id"].map(dose).astype(int)
    )


def reach_table(
    attendance: pd.DataFrame,
    roster: pd.DataFrame,
    *,
    min_n: int,
    headcounts: pd.DataFrame | None = None,
    dims: Sequence[str] = REACH_DIMS,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """One row per group of each dimension (and a total): people who came, the group's headcount, the share
    who came and the number who never did.

    The headcount is the one given for the group in ``headcounts`` (dimension, group, headcount: everyone in
    post or on the caseload), else the group's participants; ``denominator`` says which. Shares never exceed
    1 (a headcount smaller than those who came is a data problem and is flagged in ``note``).
    """
    came = attendees(attendance, roster)
    given = {}
    if headcounts is not None:
        cols = headcounts[["dimension", "group", "headcount"]]
        given = {(d, g): int(n) for d, g, n in cols.itertuples(index=False)}
    rows = [_row({}, came, roster, given, dims)]
    for dim in dims:
        for group in sorted(roster[dim].dropna().unique(), key=lambda v: _order(dim, v)):
            rows.append(_row({dim: group}, came, roster, given, dims))
    table = pd.DataFrame(rows)
    plan = plan if plan is not None else PublicationPlan(roster, dims=dims, min_n=min_n)
    if not plan.has(ATTENDEES):
        plan.register(ATTENDEES, came["participant_id"])
    return _publish(table, plan, dims)


def _publish(table: pd.DataFrame, plan: PublicationPlan, dims: Sequence[str]) -> pd.DataFrame:
    """Ask the plan for each row's two counts; a group nobody came from may show 0 (the plan allows an empty
    group), any other hidden count blanks the figures drawn from it."""
    out = table.copy().astype({"attended": "Int64", "participants": "Int64", "never": "Int64",
                               "headcount": "Int64", "share": "Float64"})  # fmt: skip
    hidden = []
    for i, row in out.iterrows():
        group = {d: row[d] for d in dims if row[d] != ALL}
        came = plan.count(ATTENDEES, group, output="event reach: attended")
        people = plan.count(ROSTER, group, output="event reach: participants")
        if people is None:
            out.loc[i, "participants"] = pd.NA
            if row["denominator"] == "participants":
                out.loc[i, ["headcount", "never", "share"]] = pd.NA
        if came is None:
            out.loc[i, ["attended", "never", "share"]] = pd.NA
        hidden.append(came is None)
    out[SUPPRESSED] = hidden
    return out


def _order(dim: str, value: object) -> tuple:
    if dim == "level":
        try:
            return (Level(value).rank, "")
        except ValueError:
            return (99, str(value))
    return (0, str(value))


def _row(group: dict, came: pd.DataFrame, roster: pd.DataFrame, given: dict, dims: Sequence[str]) -> dict:
    mask_c = pd.Series(True, index=came.index)
    mask_r = pd.Series(True, index=roster.index)
    for dim, value in group.items():
        mask_c &= came[dim] == value
        mask_r &= roster[dim] == value
    attended, participants = int(mask_c.sum()), int(mask_r.sum())
    dim, value = next(iter(group.items()), ("all", ALL))
    headcount = given.get((dim, value))
    denominator = "headcount" if headcount is not None else "participants"
    base = headcount if headcount is not None else participants
    return {
        "dimension": dim,
        **{d: (group.get(d, ALL)) for d in dims},
        "attended": attended,
        "participants": participants,
        "headcount": base,
        "denominator": denominator,
        "never": max(base - attended, 0),
        "share": attended / base if base else float("nan"),
        "note": "headcount below those who came" if base < attended else "",
    }


def repeat_attendance(
    attendance: pd.DataFrame, roster: pd.DataFrame, *, min_n: int, plan: PublicationPlan | None = None
) -> pd.DataFrame:
    """People by number of events attended (bands of :data:`DOSE_BANDS`), each band's count asked of the plan
    as its own population (the people in that band), so a small band is hidden."""
    came = attendees(attendance, roster)
    rows = []
    for low, high, label in DOSE_BANDS:
        ids = came.loc[came["events"].between(low, high), "participant_id"]
        if plan is not None:
            name = population_name("event_dose", band=label)
            if not plan.has(name):
                plan.register(name, ids)
            n = plan.count(name, output="repeat attendance")
        else:
            n = len(ids) if len(ids) == 0 or len(ids) >= min_n else None
        rows.append({"band": label, "people": n, "suppressed": n is None})
    return pd.DataFrame(rows)


def event_levels(
    events: pd.DataFrame, attendance: pd.DataFrame, roster: pd.DataFrame, *, min_n: int,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:  # fmt: skip
    """Per event: the levels of the system in the room (those of consenting attendees, and any the
    organisers recorded), whether all five were there ("one conversation") or only one, and how many came
    (asked of the plan as the event's own population)."""
    came = attendance[attendance["attended"].astype(bool)].merge(roster, on="participant_id")
    rows = []
    for ev in events.itertuples(index=False):
        here = came[came["event_id"] == ev.event_id]
        levels = set(here["level"].dropna()) | set(getattr(ev, "levels", None) or [])
        ids = here["participant_id"].drop_duplicates()
        if plan is not None:
            name = population_name("event", event=ev.event_id)
            if not plan.has(name):
                plan.register(name, ids)
            n = plan.count(name, output="attendance by event")
        else:
            n = len(ids) if len(ids) == 0 or len(ids) >= min_n else None
        rows.append(
            {"event_id": ev.event_id, "date": ev.date, "topic": ev.topic, "format": ev.format,
             "levels": ", ".join(Level(v).label for v in sorted(levels & ALL_LEVELS, key=lambda v: Level(v).rank)),
             "n_levels": len(levels & ALL_LEVELS), "all_levels": levels >= ALL_LEVELS,
             "single_level": len(levels & ALL_LEVELS) == 1, "attended": n, "suppressed": n is None}
        )  # fmt: skip
    return pd.DataFrame(rows)
