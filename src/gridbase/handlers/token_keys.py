"""Database token keys: generated with a CSPRNG, stored only as a SHA-256 hash.

A key has 190 bits of entropy, so a fast hash is enough (nothing to brute-force) and lets
a request find its token by an indexed equality lookup on the hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string

__all__ = ["KEY_LENGTH", "generate_key", "hash_key", "key_hint", "keys_match"]

KEY_LENGTH = 32
_ALPHABET = string.ascii_letters + string.digits


def generate_key() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(KEY_LENGTH))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def keys_match(stored_hash: str, key: str) -> bool:
    return hmac.compare_digest(stored_hash, hash_key(key))


def key_hint(key: str) -> str:
    """The first characters, kept so a person can tell their tokens apart."""
    return key[:4]
