"""Passwords (argon2id) and JWTs (access and refresh), with Baserow's claims and lifetimes."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gridbase.clock import now
from gridbase.config import Settings

__all__ = ["decode_token", "hash_password", "issue_token", "verify_password"]

_hasher = PasswordHasher()
_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def issue_token(settings: Settings, user_id: int, token_type: str) -> str:
    issued = now()
    lifetime = (
        timedelta(minutes=settings.access_token_minutes)
        if token_type == "access"
        else timedelta(hours=settings.refresh_token_hours)
    )
    claims: dict[str, Any] = {
        "token_type": token_type,
        "exp": int((issued + lifetime).timestamp()),
        "iat": int(issued.timestamp()),
        "jti": uuid.uuid4().hex,
        "user_id": user_id,
    }
    if token_type == "refresh":
        claims["verified_email_claim"] = "enforced"
    return jwt.encode(claims, settings.secret_key, algorithm=_ALGORITHM)


# Tokens whose signature was checked, with their claims: a client sends the same access
# token with every request, and checking the signature again cost more than the rest
# of the authentication. Keyed by the whole token, so only that exact string matches;
# expiry is checked on every use.
_verified: dict[tuple[str, str, str], dict[str, Any]] = {}
_VERIFIED_LIMIT = 4096


def decode_token(settings: Settings, token: str, token_type: str) -> dict[str, Any] | None:
    """The claims of a valid, unexpired token of the given type, else None."""
    key = (settings.secret_key, token_type, token)
    known = _verified.get(key)
    if known is not None:
        if known["exp"] > time.time():  # PyJWT's own rule, on the same clock
            return known
        del _verified[key]
        return None
    claims = _decode(settings, token, token_type)
    if claims is not None:
        if len(_verified) >= _VERIFIED_LIMIT:
            _verified.clear()
        _verified[key] = claims
    return claims


def _decode(settings: Settings, token: str, token_type: str) -> dict[str, Any] | None:
    try:
        claims: dict[str, Any] = jwt.decode(
            token, settings.secret_key, algorithms=[_ALGORITHM],
            options={"require": ["exp", "iat", "jti", "user_id", "token_type"]},
        )
    except jwt.PyJWTError:
        return None
    if claims.get("token_type") != token_type or not isinstance(claims.get("user_id"), int):
        return None
    return claims


