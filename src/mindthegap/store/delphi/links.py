"""Delphi rounds answered in the browser: personal links, saved ratings, one submission into :class:`Rating`.

Links use the web collection's token machinery (:mod:`mindthegap.store.collection.tokens`): a token is an HMAC
of the round, the panel member and a random nonce under the server's secret, kept only as its hash, so the
mailing list can be exported again with the same links and a copy of the database yields none. Submission
locks the link, checks the round is still open and the rater is still on a panel, writes one rating per
statement and marks the link used, all in one transaction: a retried POST or a second tab stores nothing more.
Ratings land in the same table as imported files, so ``delphi results`` and the report read them unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mindthegap.errors import StoreError
from mindthegap.store.collection import tokens
from mindthegap.store.delphi import models as m
from mindthegap.store.delphi.repository import _version_for
from mindthegap.store.studies.models import StudyRecord

NO_VIEW = 0  # the "no view / cannot rate" choice, stored as a blank rating
COMMENT_MAX = 2000


class Refused(Exception):
    """A submission the round cannot take: ``reason`` is "closed" or "no-panel"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def link_token(link: m.RoundLink) -> str:
    message = f"mindthegap-delphi:{link.round_id}:{link.participant_id}:{link.nonce}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def find_round(record: StudyRecord, number: int) -> m.Round:
    found = m.Round.objects.filter(study=record, number=number).first()
    if found is None:
        raise StoreError(f"study {record.slug!r} has no round {number}", hint="see 'delphi status'")
    return found


@transaction.atomic
def invite(rnd: m.Round) -> list[tuple[str, str, str]]:
    """(pseudonym, panel, token) for every consenting panel member, making links for those without one.
    The same member always gets the same token. A closed round is refused."""
    if rnd.status != m.Round.Status.OPEN:
        raise StoreError(f"round {rnd.number} is closed", hint="open the next round with 'delphi round'")
    panel = dict(m.PanelMember.objects.filter(study=rnd.study_id).values_list("participant_id", "group"))
    have = set(m.RoundLink.objects.filter(round=rnd).values_list("participant_id", flat=True))
    new = []
    for pk in sorted(set(panel) - have):
        link = m.RoundLink(round=rnd, participant_id=pk, nonce=tokens.new_nonce())
        link.token_hash = tokens.token_hash(link_token(link))
        new.append(link)
    m.RoundLink.objects.bulk_create(new)
    rows = m.RoundLink.objects.filter(round=rnd, participant_id__in=panel).select_related("participant")
    out = [(x.participant.pseudonym, panel[x.participant_id], link_token(x)) for x in rows]
    return sorted(out)


def find_link(token: str) -> m.RoundLink | None:
    """The link a token belongs to, or None for a malformed, tampered or unknown token."""
    if not tokens.well_formed(token):
        return None
    related = ("round__study", "participant")
    return m.RoundLink.objects.select_related(*related).filter(token_hash=tokens.token_hash(token)).first()


def panel_of(link: m.RoundLink) -> str | None:
    """The rater's panel, or None when they are on none (or have withdrawn)."""
    found = m.PanelMember.objects.filter(study=link.round.study_id, participant=link.participant_id).first()
    return found.group if found else None


@dataclass
class Item:
    statement: str
    text: str
    previous_text: str | None
    version: m.StatementVersion


def previous_round(rnd: m.Round) -> m.Round | None:
    """The last round of the same kind before ``rnd`` (its feedback is shown)."""
    earlier = m.Round.objects.filter(study=rnd.study_id, kind=rnd.kind, number__lt=rnd.number)
    return earlier.order_by("-number").first()


def items(rnd: m.Round) -> list[Item]:
    """The round's statements in the wording in use, with the previous round's wording where it changed."""
    versions: dict[str, list[m.StatementVersion]] = {}
    found = m.StatementVersion.objects.filter(statement__study=rnd.study_id, statement__kind=rnd.kind)
    for v in found.select_related("statement").order_by("statement_id", "version"):
        versions.setdefault(v.statement.slug, []).append(v)
    before = previous_round(rnd)
    out = []
    for slug, vs in versions.items():
        now = _version_for(vs, rnd)
        if now is None:
            continue
        old = _version_for(vs, before) if before is not None else None
        changed = old is not None and old.pk != now.pk
        out.append(Item(slug, now.text, old.text if changed else None, now))
    return out


def save(link: m.RoundLink, answers: dict[str, dict]) -> None:
    """Merge ratings and comments into those saved (nothing changes once the link is used)."""
    with transaction.atomic():
        row = m.RoundLink.objects.select_for_update().get(pk=link.pk)
        if row.submitted_at is not None:
            return
        merged = {**row.answers, **answers}
        m.RoundLink.objects.filter(pk=row.pk).update(answers=merged, updated_at=timezone.now())
        link.answers = merged


def submit(link: m.RoundLink) -> bool:
    """Write the saved ratings as :class:`Rating` rows; False (nothing stored) if the link was used already.
    Raises :class:`Refused` when the round has closed or the rater is on no panel."""
    with transaction.atomic():
        row = m.RoundLink.objects.select_for_update().select_related("round").get(pk=link.pk)
        if row.submitted_at is not None:
            return False
        rnd = m.Round.objects.select_for_update().get(pk=row.round_id)
        if rnd.status != m.Round.Status.OPEN:
            raise Refused("closed")
        if panel_of(row) is None:
            raise Refused("no-panel")
        if m.Rating.all_objects.filter(round=rnd, participant=row.participant_id).exists():
            return False  # rated already through a file import: the file's ratings stand
        ratings = []
        for item in items(rnd):
            answer = row.answers.get(item.statement, {})
            value = answer.get("rating")
            ratings.append(
                m.Rating(round=rnd, version=item.version, participant_id=row.participant_id,
                         rating=None if value in (None, NO_VIEW) else int(value),
                         comment=str(answer.get("comment") or "")[:COMMENT_MAX])
            )  # fmt: skip
        m.Rating.all_objects.bulk_create(ratings)
        now = timezone.now()
        stored = m.RoundLink.objects.filter(pk=row.pk, submitted_at__isnull=True).update(submitted_at=now)
        link.submitted_at = now
        return bool(stored)


def mailing_list(record: StudyRecord, number: int, base_url: str = ""):
    """The round's mailing list as a DataFrame: ``rater_id``, ``group``, ``link`` (the same links each time)."""
    import pandas as pd

    base = base_url.rstrip("/")
    rows = [(p, g, f"{base}/delphi/{t}/") for p, g, t in invite(find_round(record, number))]
    return pd.DataFrame(rows, columns=["rater_id", "group", "link"])


def write_mailing_list(record: StudyRecord, number: int, out, base_url: str = "") -> int:
    """Write :func:`mailing_list` to ``out`` (atomically, CSV or XLSX by suffix); the number of links."""
    from mindthegap.io.tables import write_table

    table = mailing_list(record, number, base_url)
    write_table(table, out)
    return len(table)
