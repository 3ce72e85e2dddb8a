"""Account routes under /api/user/."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response

from gridbase.api.auth import services
from gridbase.api.body import Body, json_body, validate
from gridbase.api.responses import JSONResponse, empty, error_response
from gridbase.handlers import users

router = APIRouter(prefix="/api/user")


class RegisterBody(Body):
    name: str = Field(min_length=2, max_length=150)
    email: str = Field(min_length=1, max_length=254)
    password: str
    language: str = Field(default="en", min_length=2, max_length=10)
    authenticate: bool = False


@router.post("/")
async def register(request: Request) -> Response:
    body = validate(RegisterBody, await json_body(request))
    if "@" not in body.email:
        return error_response(400, {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": {
            "email": [{"error": "Enter a valid email address.", "code": "invalid"}]}})
    result = await users.register(
        services(request), name=body.name, email=body.email, password=body.password,
        language=body.language, authenticate=body.authenticate,
    )
    return JSONResponse(result)


def _plain_required(data: Any, *keys: str) -> JSONResponse | None:
    """Login-type routes answer missing keys in DRF's plain shape, not the envelope."""
    missing = {k: ["This field is required."] for k in keys
               if not isinstance(data, dict) or data.get(k) in (None, "")}
    return JSONResponse(missing, status_code=400) if missing else None


@router.post("/token-auth/")
async def token_auth(request: Request) -> Response:
    data = await json_body(request)
    if isinstance(data, dict) and "email" not in data and "username" in data:
        data = {**data, "email": data["username"]}
    refused = _plain_required(data, "email", "password")
    if refused is not None:
        return refused
    result = await users.login(services(request), email=str(data["email"]),
                               password=str(data["password"]))
    return JSONResponse(result)


def _refresh_token(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    token = data.get("refresh_token", data.get("token"))
    return token if isinstance(token, str) and token else None


@router.post("/token-refresh/")
async def token_refresh(request: Request) -> Response:
    token = _refresh_token(await json_body(request))
    if token is None:
        return JSONResponse({"refresh_token": ["This field is required."]}, status_code=400)
    return JSONResponse(await users.refresh(services(request), token))


@router.post("/token-verify/")
async def token_verify(request: Request) -> Response:
    token = _refresh_token(await json_body(request))
    if token is None:
        return JSONResponse({"refresh_token": ["This field is required."]}, status_code=400)
    return JSONResponse(await users.verify_refresh(services(request), token))


@router.post("/token-blacklist/")
async def token_blacklist(request: Request) -> Response:
    token = _refresh_token(await json_body(request))
    if token is None:
        return JSONResponse({"refresh_token": ["This field is required."]}, status_code=400)
    await users.blacklist_refresh_token(services(request), token)
    return empty()
