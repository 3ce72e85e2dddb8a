"""Database tokens: create, list, change, rotate and delete them, and authenticate a key.

A token belongs to one user and one workspace and is never worth more than its owner:
it stops working as soon as the owner leaves the workspace or is deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import iso, now
from gridbase.errors import ApiError, PlainError, body_error, field_error
from gridbase.handlers.policy import Actor, workspace_role
from gridbase.handlers.services import Services
from gridbase.handlers.token_keys import generate_key, hash_key, key_hint, keys_match
from gridbase.handlers.token_permissions import ALL, Grants, load_grants, parse_permissions
from gridbase.storage import schema as meta

__all__ = [
    "TokenGrant",
    "authenticate_key",
    "create_token",
    "delete_token",
    "get_token",
    "list_tokens",
    "token_tables",
    "update_token",
]

tokens = meta.database_tokens


@dataclass(frozen=True)
class TokenGrant:
    """An authenticated database token, as the permission policy sees it."""

    id: int
    user_id: int
    workspace_id: int
    grants: Grants


def _masked(row: Any) -> str:
    return str(row["key_hint"]) + "*" * 28


def _token_json(row: Any, grants: Grants, key: str | None, usage: tuple[int, datetime | None]
                ) -> dict[str, Any]:
    calls, last_used = usage
    return {
        "id": row["id"], "name": row["name"], "workspace": row["workspace_id"],
        "key": key if key is not None else _masked(row),
        "permissions": grants.to_json(),
        "created": iso(row["created"]),
        "expires_at": iso(row["expires_at"]),
        "last_used": iso(last_used or row["last_used"]),
        "handled_calls": row["handled_calls"] + calls,
        "rate_limit_per_minute": row["rate_limit_per_minute"],
    }


def _name(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        code = "required" if raw is None else "blank"
        message = "This field is required." if raw is None else "This field may not be blank."
        raise body_error({"name": field_error(message, code)})
    if len(raw) > 100:
        raise body_error({"name": field_error(
            "Ensure this field has no more than 100 characters.", "max_length")})
    return raw


def _extras(body: dict[str, Any]) -> dict[str, Any]:
    """gridbase's additions to Baserow's token body: expiry and a rate limit."""
    values: dict[str, Any] = {}
    if "expires_at" in body:
        raw = body["expires_at"]
        try:
            values["expires_at"] = None if raw is None else datetime.fromisoformat(
                str(raw).replace("Z", "+00:00"))
        except ValueError:
            raise body_error({"expires_at": field_error(
                "Datetime has wrong format.", "invalid")}) from None
    if "rate_limit_per_minute" in body:
        raw = body["rate_limit_per_minute"]
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, int) or raw < 1):
            raise body_error({"rate_limit_per_minute": field_error(
                "Ensure this value is greater than or equal to 1.", "min_value")})
        values["rate_limit_per_minute"] = raw
    return values


async def _owned(conn: AsyncConnection, actor: Actor, token_id: int) -> Any:
    row = (await conn.execute(sa.select(tokens).where(
        tokens.c.id == token_id, tokens.c.user_id == actor.user_id))).mappings().first()
    if row is None:
        raise ApiError("ERROR_TOKEN_DOES_NOT_EXIST")
    if await workspace_role(conn, actor.user_id, row["workspace_id"]) is None:
        raise ApiError("ERROR_USER_NOT_IN_GROUP")
    return row


async def list_tokens(svc: Services, actor: Actor) -> list[dict[str, Any]]:
    async with svc.db.read() as conn:
        rows = (await conn.execute(sa.select(tokens).where(tokens.c.user_id == actor.user_id)
                                   .order_by(tokens.c.id))).mappings().all()
        grants = await load_grants(conn, [r["id"] for r in rows])
    return [_token_json(r, grants[r["id"]], None, svc.token_usage.seen(r["id"])) for r in rows]


async def create_token(svc: Services, actor: Actor, body: dict[str, Any]) -> dict[str, Any]:
    name = _name(body.get("name"))
    workspace = body.get("workspace")
    if workspace is None:
        raise body_error({"workspace": field_error("This field is required.", "required")})
    if isinstance(workspace, bool) or not isinstance(workspace, int):
        raise body_error({"workspace": field_error(
            "Incorrect type. Expected pk value.", "incorrect_type")})
    extras = _extras(body)
    key = generate_key()
    async with svc.db.write() as conn:
        # An id beyond the 32-bit id column names nothing (and would overflow the driver).
        exists = 0 < workspace < 2**31 and await conn.scalar(
            sa.select(meta.workspaces.c.id).where(meta.workspaces.c.id == workspace))
        if not exists:
            raise body_error({"workspace": field_error(
                f'Invalid pk "{workspace}" - object does not exist.', "does_not_exist")})
        if await workspace_role(conn, actor.user_id, workspace) is None:
            raise ApiError("ERROR_USER_NOT_IN_GROUP")
        token_id = (await conn.execute(tokens.insert().values(
            user_id=actor.user_id, workspace_id=workspace, name=name, key_hash=hash_key(key),
            key_hint=key_hint(key), created=now(), handled_calls=0, **extras,
        ).returning(tokens.c.id))).scalar_one()
        await conn.execute(meta.token_permissions.insert(), ALL.rows(token_id))
        row = (await conn.execute(sa.select(tokens).where(tokens.c.id == token_id))
               ).mappings().one()
    return _token_json(row, ALL, key, (0, None))


async def get_token(svc: Services, actor: Actor, token_id: int) -> dict[str, Any]:
    async with svc.db.read() as conn:
        row = await _owned(conn, actor, token_id)
        grants = (await load_grants(conn, [token_id]))[token_id]
    return _token_json(row, grants, None, svc.token_usage.seen(token_id))


async def update_token(svc: Services, actor: Actor, token_id: int, body: dict[str, Any]
                       ) -> dict[str, Any]:
    values = _extras(body)
    if "name" in body:
        values["name"] = _name(body["name"])
    rotate = body.get("rotate_key") is True
    key = generate_key() if rotate else None
    if key is not None:
        values.update(key_hash=hash_key(key), key_hint=key_hint(key))
    async with svc.db.write() as conn:
        row = await _owned(conn, actor, token_id)
        if "permissions" in body:
            grants = await parse_permissions(conn, body["permissions"], row["workspace_id"])
            await conn.execute(meta.token_permissions.delete().where(
                meta.token_permissions.c.token_id == token_id))
            permission_rows = grants.rows(token_id)
            if permission_rows:
                await conn.execute(meta.token_permissions.insert(), permission_rows)
        if values:
            await conn.execute(tokens.update().where(tokens.c.id == token_id).values(**values))
        row = (await conn.execute(sa.select(tokens).where(tokens.c.id == token_id))
               ).mappings().one()
        grants = (await load_grants(conn, [token_id]))[token_id]
    return _token_json(row, grants, key, svc.token_usage.seen(token_id))


async def delete_token(svc: Services, actor: Actor, token_id: int) -> None:
    async with svc.db.write() as conn:
        await _owned(conn, actor, token_id)
        await conn.execute(tokens.delete().where(tokens.c.id == token_id))


async def _token_by_key(svc: Services, key: str) -> tuple[Any, Grants | None]:
    """The token row (with its owner's `is_active`) and grants of a key, cached briefly
    and forgotten on any token or user change (see `storage.auth_cache`)."""
    cache = svc.db.auth_cache
    digest = hash_key(key)
    found = cache.get(("token", digest))
    if found is not cache.MISSING:
        return found  # type: ignore[no-any-return]
    generation = cache.generation
    async with svc.db.read() as conn:
        row = (await conn.execute(
            sa.select(tokens, meta.users.c.is_active)
            .join(meta.users, meta.users.c.id == tokens.c.user_id)
            .where(tokens.c.key_hash == digest)
        )).mappings().first()
        grants = None if row is None else (await load_grants(conn, [row["id"]]))[row["id"]]
    cache.put(("token", digest), (row, grants), generation)
    return row, grants


async def authenticate_key(svc: Services, key: str) -> TokenGrant:
    """The token a key belongs to; unknown, expired or ownerless keys do not exist."""
    row, grants = await _token_by_key(svc, key)
    if row is None or not keys_match(row["key_hash"], key):
        raise ApiError("ERROR_TOKEN_DOES_NOT_EXIST", "The provided token does not exist.",
                       status=401)
    if row["expires_at"] is not None and row["expires_at"] <= now():
        raise ApiError("ERROR_TOKEN_DOES_NOT_EXIST", "The provided token does not exist.",
                       status=401)
    if not row["is_active"]:
        raise ApiError("ERROR_USER_NOT_ACTIVE", "The user is not active.", status=401)
    retry = svc.token_usage.retry_after(row["id"], row["rate_limit_per_minute"])
    if retry is not None:
        raise PlainError(429, f"Request was throttled. Expected available in {retry} seconds.",
                         {"Retry-After": str(retry)})
    svc.token_usage.record(row["id"])
    assert grants is not None
    return TokenGrant(row["id"], row["user_id"], row["workspace_id"], grants)


async def token_tables(svc: Services, actor: Actor) -> list[dict[str, Any]]:
    """Tables of the token's workspace on which it has at least one permission."""
    token: TokenGrant = actor.token
    async with svc.db.read() as conn:
        if await workspace_role(conn, actor.user_id, token.workspace_id) is None:
            raise ApiError("ERROR_USER_NOT_IN_GROUP")
        rows = (await conn.execute(
            sa.select(meta.tables)
            .join(meta.applications, meta.applications.c.id == meta.tables.c.database_id)
            .where(meta.applications.c.workspace_id == token.workspace_id)
            .order_by(meta.applications.c.order, meta.tables.c.order, meta.tables.c.id)
        )).mappings().all()
    return [
        {"id": r["id"], "name": r["name"], "order": r["order"], "database_id": r["database_id"]}
        for r in rows if token.grants.any_for(r["database_id"], r["id"])
    ]
