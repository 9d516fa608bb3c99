"""Personal-link tokens: derived from the server's secret, stored only as a hash.

A token is an HMAC of the survey, the participant and a random nonce under ``SECRET_KEY``: the mailing list
can be exported again with the same links, while a copy of the database alone yields no link. Looking a token
up hashes it and finds the invitation by that hash; a tampered or guessed token matches nothing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from django.conf import settings

TOKEN_CHARS = 43  # 256 bits in URL-safe base64


def new_nonce() -> str:
    return secrets.token_hex(16)


def new_key() -> str:
    """A random key for an open link or a respondent's session (192 bits)."""
    return secrets.token_urlsafe(24)


def personal_token(survey_id: int, participant_id: int, nonce: str) -> str:
    message = f"mindthegap-invitation:{survey_id}:{participant_id}:{nonce}".encode()
    digest = hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def well_formed(token: str) -> bool:
    """Whether ``token`` could be a token at all (checked before touching the database)."""
    return len(token) == TOKEN_CHARS and all(c.isalnum() or c in "-_" for c in token)


def client_key(address: str) -> str:
    """A keyed hash of a client's address, for the open-link rate limit (the address itself is not kept)."""
    return hmac.new(settings.SECRET_KEY.encode(), f"client:{address}".encode(), hashlib.sha256).hexdigest()
