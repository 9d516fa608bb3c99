"""Double coding: assign a sample of sources to two or more coders, compare them, record the agreed version.

Coders code blind (:func:`mindthegap.store.coding.workspace.blinded`) until every coder of a source has
finished. Agreement is measured on the source's lines (speaker turns in a transcript) with
:func:`mindthegap.analysis.coders.intercoder_agreement`: per code and overall, Cohen's kappa for two coders and
Krippendorff's alpha for any number. The figure when the last coder finished is kept as the *independent*
agreement; the live figure moves as coders change their own codings while they discuss. Once no line is in
dispute, the agreed version is recorded as codings by the coder ``agreed``: for each code, the union of the
coders' spans (every line in it is one all coders judged coded), which reports then count for the source.
"""

from __future__ import annotations

import random
import uuid

import numpy as np
import pandas as pd
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from mindthegap.analysis.coders import intercoder_agreement
from mindthegap.errors import StoreError
from mindthegap.store.audit import log as audit
from mindthegap.store.coding.models import AgreedVersion, Assignment, DoubleCoding
from mindthegap.store.coding.workspace import NotFound, source_in
from mindthegap.store.frames import values_frame
from mindthegap.store.qualitative import models as q
from mindthegap.store.studies.models import StudyAccess, StudyRecord
from mindthegap.text.lines import units as line_units

AGREED = "agreed"
UNIT = "segment"


def assign(
    study: StudyRecord, name: str, coders: list[str], *, sources: list[str] | None = None,
    sample: int | None = None, seed: int = 0, by: str = "",
) -> DoubleCoding:  # fmt: skip
    """A new round: ``sources`` (guids) or a seeded random ``sample`` of the study's text sources, each given
    to every one of ``coders`` (two or more people who may code in this study)."""
    coders = list(dict.fromkeys(c.strip() for c in coders if c and c.strip()))
    if len(coders) < 2:
        raise StoreError("double coding needs at least two coders")
    if not name.strip():
        raise StoreError("give the round a name")
    for coder in coders:
        if not _may_code(study, coder):
            raise StoreError(f"{coder!r} cannot code in this study", hint="give them analyst access first")
    pool = list(q.SourceRecord.objects.filter(study=study).exclude(text=None).order_by("guid"))
    if sources:
        chosen = [source_in(study, g) for g in dict.fromkeys(sources)]
    elif sample:
        if sample > len(pool):
            raise StoreError(f"the study has {len(pool)} sources with text, fewer than {sample}")
        chosen = random.Random(seed).sample(pool, sample)
    else:
        raise StoreError("choose the sources, or how many to sample")
    with transaction.atomic():
        round_ = DoubleCoding.objects.create(study=study, name=name.strip()[:200], created_by=by)
        Assignment.objects.bulk_create(
            [Assignment(round=round_, source=s, coder=c) for s in chosen for c in coders]
        )
        audit.record(
            audit.Action.DOUBLE_CODING_ASSIGNED, study=study, obj=("double-coding", round_.pk),
            sources=len(chosen), coders=len(coders), seed=seed if not sources else None,
        )  # fmt: skip
    return round_


def _may_code(study: StudyRecord, username: str) -> bool:
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        return False
    if user.is_superuser:
        return True
    return StudyAccess.objects.filter(
        study=study, user=user, role__in=[StudyAccess.Role.ANALYST, StudyAccess.Role.OWNER]
    ).exists()


def round_in(study: StudyRecord, ident: object) -> DoubleCoding:
    try:
        return DoubleCoding.objects.get(study=study, pk=int(ident))  # type: ignore[arg-type]
    except (DoubleCoding.DoesNotExist, TypeError, ValueError):
        raise NotFound("no such double-coding round in this study") from None


def coders_of(round_: DoubleCoding, source: q.SourceRecord) -> list[Assignment]:
    return list(Assignment.objects.filter(round=round_, source=source).order_by("coder"))


def finish(study: StudyRecord, ident: object, source_guid: str, coder: str) -> bool:
    """Mark ``coder``'s coding of the source finished; returns whether every coder of it now has. When the
    last one finishes, the independent agreement is kept on the round."""
    round_ = round_in(study, ident)
    source = source_in(study, source_guid)
    with transaction.atomic():
        mine = Assignment.objects.select_for_update().filter(round=round_, source=source, coder=coder).first()
        if mine is None:
            raise NotFound("this source is not assigned to you in that round")
        if mine.finished_at is None:
            mine.finished_at = timezone.now()
            mine.save(update_fields=["finished_at"])
            audit.record(audit.Action.CODING_FINISHED, study=study, obj=("double-coding", round_.pk),
                         source=source.guid)  # fmt: skip
        done = not Assignment.objects.filter(round=round_, source=source, finished_at=None).exists()
        if done and source.guid not in round_.independent:
            table = agreement(round_, source)
            round_.independent[source.guid] = _summary(table)
            round_.save(update_fields=["independent"])
    return done


def _summary(table: pd.DataFrame) -> dict:
    cols = ["code", "cohen_kappa", "krippendorff_alpha", "percent_agreement", "units"]
    rows = table[cols].astype(object).where(table[cols].notna(), None) if len(table) else table
    return {"unit": UNIT, "rows": rows.to_dict(orient="records") if len(table) else []}


def _codings(round_: DoubleCoding, source: q.SourceRecord) -> pd.DataFrame:
    coders = [a.coder for a in coders_of(round_, source)]
    rows = q.CodingRecord.objects.filter(source=source, coder__in=coders, status="accepted")
    fields = ("id", "code_id", "code__guid", "code__name", "start", "end", "coder")
    frame = values_frame(rows, fields, ["id", "code_id", "code", "name", "start", "end", "coder"])
    return frame.assign(source=source.guid)


def agreement(round_: DoubleCoding, source: q.SourceRecord) -> pd.DataFrame:
    """Per-code and overall agreement between the round's coders on the source, lines as units."""
    codings = _codings(round_, source)
    names = dict(zip(codings["code"], codings["name"], strict=False))
    table = intercoder_agreement(
        codings[["source", "code", "start", "end", "coder"]], line_units(source.guid, source.text), unit=UNIT
    )
    return table.assign(name=table["code"].map(lambda c: names.get(c, "All codes")))


def disagreements(round_: DoubleCoding, source: q.SourceRecord) -> list[dict]:
    """Every (line, code) some coders judged coded and others not, in text order.

    Lines do not overlap and are sorted, so each coding's lines are found by binary search."""
    codings = _codings(round_, source)
    coders = [a.coder for a in coders_of(round_, source)]
    units = line_units(source.guid, source.text)
    if codings.empty or units.empty:
        return []
    starts, ends = units["start"].to_numpy(), units["end"].to_numpy()
    first = np.searchsorted(ends, codings["start"].to_numpy(), side="right")
    last = np.searchsorted(starts, codings["end"].to_numpy(), side="left")
    counts = np.maximum(last - first, 0)
    at = np.repeat(np.arange(len(codings)), counts)
    unit = np.repeat(first, counts) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    rows = codings[["id", "code", "name", "start", "end", "coder"]].to_numpy(dtype=object)
    grouped: dict[tuple[int, str], list] = {}
    for u, i in zip(unit.tolist(), at.tolist(), strict=True):  # plain Python: a groupby per line is slow
        grouped.setdefault((u, rows[i][1]), []).append(rows[i])
    out = []
    for (u, code), group in sorted(grouped.items(), key=lambda item: (item[0][0], item[0][1])):
        have = sorted({g[5] for g in group})
        if len(have) < len(coders):
            out.append({
                "start": int(starts[u]), "end": int(ends[u]), "code": code, "name": group[0][2],
                "have": have, "lack": [c for c in coders if c not in have],
                "codings": [{"id": int(g[0]), "coder": g[5], "start": int(g[3]), "end": int(g[4])} for g in group],
            })  # fmt: skip
    return out


def record_agreed(study: StudyRecord, ident: object, source_guid: str, *, by: str) -> AgreedVersion:
    """Record the agreed version of a source once no line is in dispute (refused while any is)."""
    round_ = round_in(study, ident)
    source = source_in(study, source_guid)
    people = coders_of(round_, source)
    if by not in {a.coder for a in people}:
        raise StoreError("only the source's coders can record their agreed version")
    if any(a.finished_at is None for a in people):
        raise StoreError("every coder must finish before an agreed version can be recorded")
    if remaining := disagreements(round_, source):
        raise StoreError(f"{len(remaining)} disagreement(s) remain", hint="resolve them first")
    spans = _union(_codings(round_, source))
    with transaction.atomic():
        if AgreedVersion.objects.select_for_update().filter(round=round_, source=source).exists():
            raise StoreError("the agreed version of this source is already recorded")
        q.CodingRecord.objects.bulk_create([
            q.CodingRecord(source=source, code_id=code_id, guid=str(uuid.uuid4()).upper(), start=s, end=e,
                           coder=AGREED, status="accepted", created=timezone.now())
            for code_id, s, e in spans
        ])  # fmt: skip
        agreed = AgreedVersion.objects.create(round=round_, source=source, recorded_by=by, codings=len(spans))
        audit.record(audit.Action.AGREED_VERSION, study=study, obj=("double-coding", round_.pk),
                     source=source.guid, codings=len(spans))  # fmt: skip
    return agreed


def _union(codings: pd.DataFrame) -> list[tuple[int, int, int]]:
    """Per code, overlapping spans merged: (code id, start, end)."""
    out = []
    for code, group in codings.sort_values(["code_id", "start"]).groupby("code_id", sort=True):
        start = end = None
        for s, e in zip(group["start"], group["end"], strict=True):
            if start is None or s > end:
                if start is not None:
                    out.append((int(code), start, end))
                start, end = int(s), int(e)
            else:
                end = max(end, int(e))
        out.append((int(code), start, end))
    return out
