"""Account routes under /api/user/."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import services
from gridbase.api.body import NULL_CHARACTERS, Body, json_body, trimmed, validate
from gridbase.api.responses import JSONResponse, empty
from gridbase.handlers import users

router = APIRouter(prefix="/api/user")

# An address with a dotted domain (or localhost), as Django's email validator demands.
_EMAIL = re.compile(r"[^@\s]+@(?:localhost|(?:[^@\s.]+\.)+[^@\s.]{2,})", re.IGNORECASE)


def _email(value: str) -> str:
    if not _EMAIL.fullmatch(value):
        raise PydanticCustomError("invalid", "Enter a valid email address.")
    return value


class RegisterBody(Body):
    name: Annotated[str, trimmed(150, min_length=2)]
    email: Annotated[str, trimmed(254), AfterValidator(_email)]
    password: str
    language: Annotated[str, trimmed(10, min_length=2)] = "en"
    authenticate: bool = False


@router.post("/")
async def register(request: Request) -> Response:
    body = validate(RegisterBody, await json_body(request))
    result = await users.register(
        services(request), name=body.name, email=body.email, password=body.password,
        language=body.language, authenticate=body.authenticate,
    )
    return JSONResponse(result)


def _plain_field_error(data: dict[str, Any], key: str) -> str | None:
    """DRF's CharField message for one login-type key, or None when it is usable."""
    if key not in data:
        return "This field is required."
    value = data[key]
    if value is None:
        return "This field may not be null."
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return "Not a valid string."
    if str(value).strip() == "":
        return "This field may not be blank."
    if isinstance(value, str) and "\x00" in value:
        return NULL_CHARACTERS
    return None


def _plain_refusal(data: Any, *keys: str) -> JSONResponse | None:
    """Login-type routes answer bad input in DRF's plain shape, not Baserow's envelope."""
    if not isinstance(data, dict):
        return JSONResponse({"non_field_errors": [
            f"Invalid data. Expected a dictionary, but got {type(data).__name__}."]},
            status_code=400)
    errors = {k: [m] for k in keys if (m := _plain_field_error(data, k)) is not None}
    return JSONResponse(errors, status_code=400) if errors else None


@router.post("/token-auth/")
async def token_auth(request: Request) -> Response:
    data = await json_body(request)
    if isinstance(data, dict) and "email" not in data and "username" in data:
        data = {**data, "email": data["username"]}
    refused = _plain_refusal(data, "email", "password")
    if refused is not None:
        return refused
    result = await users.login(services(request), email=str(data["email"]),
                               password=str(data["password"]))
    return JSONResponse(result)


def _refresh_token(data: Any) -> str | JSONResponse:
    """The refresh token from `refresh_token` or its legacy alias `token`, or the refusal."""
    if isinstance(data, dict) and "refresh_token" not in data and "token" in data:
        data = {**data, "refresh_token": data["token"]}
    refused = _plain_refusal(data, "refresh_token")
    return refused if refused is not None else str(data["refresh_token"])


@router.post("/token-refresh/")
async def token_refresh(request: Request) -> Response:
    token = _refresh_token(await json_body(request))
    if isinstance(token, JSONResponse):
        return token
    return JSONResponse(await users.refresh(services(request), token))


@router.post("/token-verify/")
async def token_verify(request: Request) -> Response:
    token = _refresh_token(await json_body(request))
    if isinstance(token, JSONResponse):
        return token
    return JSONResponse(await users.verify_refresh(services(request), token))


@router.post("/token-blacklist/")
async def token_blacklist(request: Request) -> Response:
    token = _refresh_token(await json_body(request))
    if isinstance(token, JSONResponse):
        return token
    await users.blacklist_refresh_token(services(request), token)
    return empty()
