"""Store organisation data for a study and hand it back as the tidy frames :mod:`mindthegap.analysis.benchmark`
takes. Every import is one transaction; importing a provider's ratings (or survey results) again replaces them."""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.db import transaction

from mindthegap.errors import StoreError
from mindthegap.io.organisations import CQC_COLUMNS
from mindthegap.model.organisations import RATING_NAMES
from mindthegap.store.frames import values_frame
from mindthegap.store.organisations import models as m
from mindthegap.store.studies.models import StudyRecord

BATCH = 5000
PROVIDER_COLUMNS = ["provider_id", "provider_name", "org_type", "region", "home"]
STAFF_COLUMNS = ["provider_id", "year", "item", "response", "percent", "n"]


def _text(value: object) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def _organisations(
    record: StudyRecord, ids, providers: pd.DataFrame | None
) -> dict[str, m.OrganisationRecord]:
    """The study's records for ``ids``, created where new; names, types and regions filled in from
    ``providers`` (or from the data's own columns) where they are known."""
    info: dict[str, dict[str, str]] = {}
    if providers is not None:
        for row in providers.to_dict(orient="records"):
            info[str(row["provider_id"])] = {
                "name": _text(row.get("provider_name")),
                "org_type": _text(row.get("org_type")),
                "region": _text(row.get("region")),
            }
    existing = {o.provider_id: o for o in m.OrganisationRecord.objects.filter(study=record)}
    wanted = set(map(str, ids)) | set(info)
    new = [
        m.OrganisationRecord(study=record, provider_id=p, **info.get(p, {})) for p in wanted - set(existing)
    ]
    m.OrganisationRecord.objects.bulk_create(new, batch_size=BATCH)
    changed = []
    for p, org in existing.items():
        fields = {k: v for k, v in info.get(p, {}).items() if v and getattr(org, k) != v}
        if fields:
            for k, v in fields.items():
                setattr(org, k, v)
            changed.append(org)
    if changed:
        m.OrganisationRecord.objects.bulk_update(changed, ["name", "org_type", "region"], batch_size=BATCH)
    return {o.provider_id: o for o in m.OrganisationRecord.objects.filter(study=record)}


def _set_home(record: StudyRecord, home: str | None, orgs: dict[str, m.OrganisationRecord]) -> None:
    if not home:
        return
    if home not in orgs:
        raise StoreError(
            f"provider {home!r} is not in the data imported", hint="check the provider id (its ODS code)"
        )
    m.OrganisationRecord.objects.filter(study=record).update(home=False)
    m.OrganisationRecord.objects.filter(pk=orgs[home].pk).update(home=True)


def import_cqc(
    record: StudyRecord,
    ratings: pd.DataFrame,
    *,
    providers: pd.DataFrame | None = None,
    home: str | None = None,
) -> int:
    """Store CQC ratings (the frame of :func:`mindthegap.io.organisations.read_cqc_ratings`); returns rows."""
    own = ratings[["provider_id", "provider_name", "org_type", "region"]].drop_duplicates("provider_id")
    own = own[own[["provider_name", "org_type", "region"]].notna().any(axis=1)]
    info = (
        own if providers is None else pd.concat([own, providers]).drop_duplicates("provider_id", keep="last")
    )
    with transaction.atomic():
        orgs = _organisations(record, ratings["provider_id"].unique(), info)
        m.CqcRating.objects.filter(
            organisation__provider_id__in=list(ratings["provider_id"].unique())
        ).filter(organisation__study=record).delete()
        rows = [
            m.CqcRating(
                organisation=orgs[str(r["provider_id"])],
                service=r["service"],
                key_question=r["key_question"],
                score=int(r["score"]),
                date=r["date"],
            )
            for r in ratings.to_dict(orient="records")
        ]
        m.CqcRating.objects.bulk_create(rows, batch_size=BATCH)
        _set_home(record, home, orgs)
    return len(rows)


def import_staff_survey(
    record: StudyRecord,
    results: pd.DataFrame,
    *,
    providers: pd.DataFrame | None = None,
    home: str | None = None,
) -> int:
    """Store Staff Survey distributions (:func:`mindthegap.io.organisations.read_staff_survey`); returns rows."""
    with transaction.atomic():
        orgs = _organisations(record, results["provider_id"].unique(), providers)
        m.StaffSurveyResult.objects.filter(
            organisation__study=record, organisation__provider_id__in=list(results["provider_id"].unique())
        ).delete()
        rows = [
            m.StaffSurveyResult(
                organisation=orgs[str(r["provider_id"])],
                year=int(r["year"]),
                item=str(r["item"]),
                response=str(r["response"]),
                percent=float(r["percent"]),
                n=int(r["n"]),
            )
            for r in results.to_dict(orient="records")
        ]
        m.StaffSurveyResult.objects.bulk_create(rows, batch_size=BATCH)
        _set_home(record, home, orgs)
    return len(rows)


def save_organisations(record: StudyRecord, evidence: dict[str, Any]) -> None:
    """Evidence adapter entry: ``{"providers", "cqc", "staff_survey", "home"}`` (any may be missing)."""
    providers = evidence.get("providers")
    if evidence.get("cqc") is not None:
        import_cqc(record, evidence["cqc"], providers=providers)
    if evidence.get("staff_survey") is not None:
        import_staff_survey(record, evidence["staff_survey"], providers=providers)
    if providers is not None:
        _organisations(record, [], providers)
    orgs = {o.provider_id: o for o in m.OrganisationRecord.objects.filter(study=record)}
    _set_home(record, evidence.get("home"), orgs)


def load_organisations(record: StudyRecord) -> dict[str, Any]:
    """Evidence adapter entry: the study's providers, CQC ratings and Staff Survey results as frames, and
    ``home``, its own provider's id (None when it has not named one)."""
    orgs = m.OrganisationRecord.objects.filter(study=record).order_by("provider_id")
    providers = values_frame(orgs, ("provider_id", "name", "org_type", "region", "home"), PROVIDER_COLUMNS)
    ratings = m.CqcRating.objects.filter(organisation__study=record).order_by("id")
    fields = ("organisation__provider_id", "organisation__name", "organisation__org_type", "organisation__region",
              "service", "key_question", "score", "date")  # fmt: skip
    cqc = values_frame(ratings, fields, [c for c in CQC_COLUMNS if c != "rating"])
    cqc.insert(6, "rating", cqc["score"].map(RATING_NAMES))
    results = m.StaffSurveyResult.objects.filter(organisation__study=record).order_by("id")
    fields = ("organisation__provider_id", "year", "item", "response", "percent", "n")
    staff = values_frame(results, fields, STAFF_COLUMNS)
    home = providers.loc[providers["home"], "provider_id"]
    return {
        "providers": providers,
        "cqc": cqc,
        "staff_survey": staff,
        "home": str(home.iloc[0]) if len(home) else None,
    }


def studies_with_provider(provider: str) -> list[str]:
    """The ids of the studies holding data on ``provider``."""
    return sorted(
        m.OrganisationRecord.objects.filter(provider_id=provider)
        .values_list("study__slug", flat=True)
        .distinct()
    )


def import_file(
    record: StudyRecord, path, kind: str, *, providers_path=None, home: str | None = None
) -> tuple[int, int]:
    """Read and store a CQC ratings (``kind="cqc"``) or Staff Survey (``"staff-survey"``) file, with an
    optional provider list; returns (rows stored, providers in the file)."""
    from mindthegap.io.organisations import read_cqc_ratings, read_providers, read_staff_survey

    providers = read_providers(providers_path) if providers_path else None
    if kind == "cqc":
        frame = read_cqc_ratings(path)
        return import_cqc(record, frame, providers=providers, home=home), frame["provider_id"].nunique()
    frame = read_staff_survey(path)
    return import_staff_survey(record, frame, providers=providers, home=home), frame["provider_id"].nunique()


def compare_provider(
    record: StudyRecord, provider: str, *, min_n: int | None = None
) -> dict[str, pd.DataFrame]:
    """The provider against its peers in the study's organisation data: ``{"cqc", "staff_survey"}`` frames
    from :mod:`mindthegap.analysis.benchmark`."""
    from mindthegap.analysis.benchmark import compare_ratings, compare_staff_survey

    data = load_organisations(record)
    providers = data["providers"]
    if provider not in set(providers["provider_id"]):
        raise StoreError(
            f"study {record.slug!r} has no organisation data for provider {provider!r}",
            hint="import its CQC ratings or Staff Survey results with 'mindthegap org import'",
        )
    return {
        "cqc": compare_ratings(data["cqc"], provider, providers=providers),
        "staff_survey": compare_staff_survey(
            data["staff_survey"], provider, providers=providers, min_n=min_n or record.min_n
        ),
    }
