"""What the audit log records: one name per kind of action, stable because exports and filters use them."""

from __future__ import annotations

from django.db import models


class Action(models.TextChoices):
    # accounts
    SIGN_IN = "sign-in", "Signed in"
    SIGN_IN_FAILED = "sign-in-failed", "Sign-in failed"
    SIGN_IN_THROTTLED = "sign-in-throttled", "Sign-in refused: too many attempts"
    SIGN_OUT = "sign-out", "Signed out"
    USER_ADDED = "user-added", "Account created"
    USER_REMOVED = "user-removed", "Account removed"
    ACCESS_GRANTED = "access-granted", "Access to a study granted or changed"
    ACCESS_REVOKED = "access-revoked", "Access to a study removed"
    # studies and their data
    STUDY_CREATED = "study-created", "Study created"
    STUDY_DELETED = "study-deleted", "Study deleted"
    STUDY_EDITED = "study-edited", "Study setup changed"
    IMPORTED = "imported", "Data imported"
    EDITED = "edited", "Data edited"
    DELETED = "deleted", "Data deleted"
    WITHDRAWN = "withdrawn", "Participants withdrawn or reinstated"
    ERASED = "erased", "Participant erased"
    SUGGESTION_ACCEPTED = "suggestion-accepted", "Coding suggestion accepted"
    SUGGESTION_REJECTED = "suggestion-rejected", "Coding suggestion rejected"
    RESPONSE_SUBMITTED = "response-submitted", "Survey response submitted"
    CODING_ADDED = "coding-added", "Coding added"
    CODING_CHANGED = "coding-changed", "Coding changed"
    CODING_REMOVED = "coding-removed", "Coding removed"
    MEMO_WRITTEN = "memo-written", "Memo written"
    DOUBLE_CODING_ASSIGNED = "double-coding-assigned", "Sources assigned for double coding"
    CODING_FINISHED = "coding-finished", "Coder finished a source"
    AGREED_VERSION = "agreed-version", "Agreed version recorded"
    # outputs
    EXPORTED = "exported", "Table exported"
    DOWNLOADED = "downloaded", "Report downloaded"
    BACKED_UP = "backed-up", "Study backed up"
    RESTORED = "restored", "Study restored from a backup"
    AUDIT_EXPORTED = "audit-exported", "Audit log exported"
    # refusals
    REFUSED = "refused", "Request refused"
    CSRF_REFUSED = "csrf-refused", "Request refused: missing or wrong CSRF token"
