"""Import a study's record of implementation-support use: checked whole against the study, stored in one
transaction in place of the earlier record, and audited."""

from __future__ import annotations

from pathlib import Path


def import_support_uses(study_id: str, path: Path) -> int:
    """Check a file of implementation-support use against the study (every problem by row and column) and
    store it in place of the study's earlier record, in one transaction; returns the rows stored."""
    from django.db import transaction

    from mindthegap.io.support_files import read_support_uses
    from mindthegap.store.audit import log as audit
    from mindthegap.store.studies.repository import get_record, load_study
    from mindthegap.store.synthesis.repository import save_uses

    uses = read_support_uses(path, load_study(study_id, include_withdrawn=True))
    record = get_record(study_id)
    with transaction.atomic():
        n = save_uses(record, uses)
        audit.record(audit.Action.IMPORTED, study=record, what="evidence", kinds=["support_use"])
    return n
