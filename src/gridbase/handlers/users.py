"""Accounts: sign-up, log-in, token refresh, verification and logout."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from gridbase.clock import now
from gridbase.errors import ApiError, body_error, field_error
from gridbase.handlers.auth import decode_token, hash_password, issue_token, verify_password
from gridbase.handlers.services import Services
from gridbase.storage import schema as meta

__all__ = [
    "authenticate_access_token",
    "blacklist_refresh_token",
    "create_user",
    "get_user",
    "login",
    "refresh",
    "register",
    "user_json",
    "verify_refresh",
]

# Operations anyone may perform on template workspaces; gridbase has no templates, but
# clients read this entry of the permissions payload by name.
_TEMPLATE_OPERATIONS = [
    "workspace.read", "workspace.list_applications", "application.list_integrations",
    "application.list_user_sources", "application.user_source.login",
    "database.table.field_rules.read_field_rules", "database.list_tables",
    "database.table.list_fields", "database.table.list_rows", "database.table.list_views",
    "database.table.read_row", "database.table.view.read",
    "database.table.view.read_field_options", "database.table.view.list_decoration",
    "database.table.view.list_aggregations", "database.table.view.read_aggregation",
    "builder.list_pages", "builder.page.list_elements", "builder.page.list_workflow_actions",
    "builder.page.data_source.dispatch", "builder.page.list_data_sources",
    "dashboard.widget.read", "dashboard.list_widgets", "dashboard.data_source.read",
    "dashboard.list_data_sources", "dashboard.data_source.dispatch",
]


def _permissions(user: sa.RowMapping) -> list[dict[str, Any]]:
    """The global permission managers' payload, in the order Baserow sends them."""
    return [
        {"name": "core", "permissions": ["list_workspaces"]},
        {"name": "setting_operation", "permissions": {
            "staff_only_operations": [], "always_allowed_operations": ["create_workspace"]}},
        {"name": "staff", "permissions": {
            "staff_only_operations": ["settings.update"], "is_staff": user["is_staff"]}},
        {"name": "allow_if_template", "permissions": {
            "allowed_operations_on_templates": list(_TEMPLATE_OPERATIONS),
            "workspace_template_ids": []}},
        {"name": "member", "permissions": False},
    ]


def normalize_email(email: str) -> str:
    return email.strip().lower()


def user_json(user: sa.RowMapping) -> dict[str, Any]:
    return {
        "first_name": user["first_name"],
        "username": user["email"],
        "is_staff": user["is_staff"],
        "id": user["id"],
        "language": user["language"],
        "email_notification_frequency": "instant",
        "email_verified": False,
        "completed_onboarding": False,
        "completed_guided_tours": [],
    }


def _user_data(user: sa.RowMapping) -> dict[str, Any]:
    return {
        "user": user_json(user),
        "permissions": _permissions(user),
        "user_notifications": {"unread_count": 0},
    }


def _user_session(svc: Services, user_id: int) -> str:
    """An opaque signed session id; clients only store it and send it back."""
    payload = f"{user_id}:{uuid.uuid4().hex}"
    signature = hmac.new(svc.settings.secret_key.encode(), payload.encode(),
                         hashlib.sha256).digest()
    return f"{payload}:{base64.urlsafe_b64encode(signature).decode().rstrip('=')}"


def _session_payload(svc: Services, user: sa.RowMapping, *, with_refresh: bool) -> dict[str, Any]:
    access = issue_token(svc.settings, user["id"], "access")
    payload: dict[str, Any] = {"token": access, "access_token": access}
    if with_refresh:
        payload["refresh_token"] = issue_token(svc.settings, user["id"], "refresh")
        payload["user_session"] = _user_session(svc, user["id"])
    payload.update(_user_data(user))
    return payload


async def _user_by_email(conn: AsyncConnection, email: str) -> sa.RowMapping | None:
    return (
        await conn.execute(sa.select(meta.users).where(meta.users.c.email == email))
    ).mappings().first()


async def user_by_id(conn: AsyncConnection, user_id: int) -> sa.RowMapping | None:
    return (
        await conn.execute(sa.select(meta.users).where(meta.users.c.id == user_id))
    ).mappings().first()


def _check_password_rules(password: str) -> None:
    if len(password) < 8:
        raise body_error({"password": field_error(
            "This password is too short. It must contain at least 8 characters.",
            "password_too_short")})
    if len(password) > 256:
        raise body_error({"password": field_error(
            "Ensure this field has no more than 256 characters.", "max_length")})


async def _insert_user(
    conn: AsyncConnection, *, name: str, email: str, password_hash: str, language: str,
    is_staff: bool | None,
) -> sa.RowMapping:
    """Insert a user; the very first user of an instance becomes staff."""
    email = normalize_email(email)
    if len(email) > 254:  # lower-casing can lengthen some letters
        raise body_error({"email": field_error(
            "Ensure this field has no more than 254 characters.", "max_length")})
    if await _user_by_email(conn, email) is not None:
        raise ApiError("ERROR_EMAIL_ALREADY_EXISTS")
    if is_staff is None:
        is_staff = (await conn.scalar(sa.select(sa.func.count()).select_from(meta.users))) == 0
    result = await conn.execute(
        meta.users.insert().values(
            email=email, first_name=name, password_hash=password_hash,
            is_staff=is_staff, is_active=True, language=language, date_joined=now(),
        ).returning(meta.users.c.id)
    )
    created = await user_by_id(conn, result.scalar_one())
    assert created is not None
    return created


async def _hashed(password: str) -> str:
    """Hash off the event loop: argon2 takes long enough to stall every other request."""
    _check_password_rules(password)
    return await asyncio.to_thread(hash_password, password)


async def create_user(
    conn: AsyncConnection, *, name: str, email: str, password: str, language: str = "en",
    is_staff: bool | None = None,
) -> sa.RowMapping:
    """Insert a user with a checked, hashed password (the CLI's way in)."""
    return await _insert_user(conn, name=name, email=email, password_hash=await _hashed(password),
                              language=language, is_staff=is_staff)


async def register(
    svc: Services, *, name: str, email: str, password: str, language: str, authenticate: bool
) -> dict[str, Any]:
    if not svc.settings.signup_enabled:
        raise ApiError("ERROR_DISABLED_SIGNUP")
    password_hash = await _hashed(password)  # before the write lock is taken
    async with svc.db.write() as conn:
        user = await _insert_user(conn, name=name, email=email, password_hash=password_hash,
                                  language=language, is_staff=None)
    if authenticate:
        return _session_payload(svc, user, with_refresh=True)
    return {"user": user_json(user)}


async def login(svc: Services, *, email: str, password: str) -> dict[str, Any]:
    async with svc.db.read() as conn:
        user = await _user_by_email(conn, normalize_email(email))
    if user is None or not await asyncio.to_thread(verify_password, user["password_hash"],
                                                   password):
        raise ApiError("ERROR_INVALID_CREDENTIALS")
    if not user["is_active"]:
        raise ApiError("ERROR_DEACTIVATED_USER")
    return _session_payload(svc, user, with_refresh=True)


def _issued_before_password_change(claims: dict[str, Any], user: sa.RowMapping) -> bool:
    changed = user["password_changed_at"]
    if changed is None:
        return False
    issued = datetime.fromtimestamp(int(claims["iat"]), UTC)
    return bool(issued < changed.replace(microsecond=0))


async def _refresh_user(svc: Services, conn: AsyncConnection, token: str) -> sa.RowMapping:
    claims = decode_token(svc.settings, token, "refresh")
    if claims is None:
        raise ApiError("ERROR_INVALID_REFRESH_TOKEN")
    listed = await conn.scalar(
        sa.select(meta.blacklisted_tokens.c.jti).where(
            meta.blacklisted_tokens.c.jti == claims["jti"])
    )
    user = await user_by_id(conn, claims["user_id"])
    if (
        listed is not None or user is None or not user["is_active"]
        or _issued_before_password_change(claims, user)
    ):
        raise ApiError("ERROR_INVALID_REFRESH_TOKEN")
    return user


async def refresh(svc: Services, token: str) -> dict[str, Any]:
    async with svc.db.read() as conn:
        user = await _refresh_user(svc, conn, token)
    return _session_payload(svc, user, with_refresh=False)


async def verify_refresh(svc: Services, token: str) -> dict[str, Any]:
    async with svc.db.read() as conn:
        user = await _refresh_user(svc, conn, token)
    return _user_data(user)


async def blacklist_refresh_token(svc: Services, token: str) -> None:
    claims = decode_token(svc.settings, token, "refresh")
    if claims is None:
        raise ApiError("ERROR_INVALID_REFRESH_TOKEN")
    async with svc.db.write() as conn:
        listed = await conn.scalar(
            sa.select(meta.blacklisted_tokens.c.jti).where(
                meta.blacklisted_tokens.c.jti == claims["jti"])
        )
        if listed is not None:
            raise ApiError("ERROR_REFRESH_TOKEN_ALREADY_BLACKLISTED")
        await conn.execute(meta.blacklisted_tokens.insert().values(
            jti=claims["jti"], expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC)))


async def authenticate_access_token(svc: Services, token: str) -> sa.RowMapping:
    """The active user an access JWT belongs to, or ERROR_INVALID_ACCESS_TOKEN."""
    claims = decode_token(svc.settings, token, "access")
    if claims is None:
        raise ApiError("ERROR_INVALID_ACCESS_TOKEN")
    cache = svc.db.auth_cache
    key = ("user", claims["user_id"])
    user: sa.RowMapping | None = cache.get(key)
    if user is cache.MISSING:
        generation = cache.generation
        async with svc.db.read() as conn:
            user = await user_by_id(conn, claims["user_id"])
        cache.put(key, user, generation)
    if user is None or not user["is_active"] or _issued_before_password_change(claims, user):
        raise ApiError("ERROR_INVALID_ACCESS_TOKEN")
    return user


async def get_user(svc: Services, user_id: int) -> dict[str, Any]:
    async with svc.db.read() as conn:
        user = await user_by_id(conn, user_id)
    if user is None:
        raise ApiError("ERROR_INVALID_ACCESS_TOKEN")
    return user_json(user)
