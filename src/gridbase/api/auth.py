"""Who is calling: the `Authorization` header turned into an `Actor`, or Baserow's 401."""

from __future__ import annotations

from starlette.requests import Request

from gridbase.errors import ApiError, PlainError
from gridbase.handlers.policy import Actor
from gridbase.handlers.services import Services
from gridbase.handlers.users import authenticate_access_token

__all__ = ["flag", "row_actor", "services", "user_actor"]

_CHALLENGE = {"WWW-Authenticate": 'JWT realm="api"'}


def services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


def not_authenticated() -> PlainError:
    return PlainError(401, "Authentication credentials were not provided.", _CHALLENGE)


def _credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    parts = header.split()
    if not parts:
        return None
    scheme = parts[0].lower()
    return scheme, " ".join(parts[1:])


async def user_actor(request: Request) -> Actor:
    """A logged-in user (JWT); every other credential is treated as absent."""
    credentials = _credentials(request)
    if credentials is None or credentials[0] != "jwt":
        raise not_authenticated()
    _scheme, token = credentials
    if not token or " " in token:
        raise ApiError("ERROR_INVALID_ACCESS_TOKEN")
    user = await authenticate_access_token(services(request), token)
    request.state.user_id = user["id"]
    return Actor(user_id=user["id"])


async def row_actor(request: Request) -> Actor:
    """Row endpoints accept a JWT or a database token."""
    credentials = _credentials(request)
    if credentials is not None and credentials[0] == "token":
        _, key = credentials
        if not key:
            raise ApiError("ERROR_INVALID_TOKEN_HEADER",
                           "Invalid token header. No token provided.", status=401)
        if " " in key:
            raise ApiError("ERROR_INVALID_TOKEN_HEADER",
                           "Invalid token header. Token string should not contain spaces.",
                           status=401)
        raise ApiError("ERROR_TOKEN_DOES_NOT_EXIST", "The provided token does not exist.",
                       status=401)
    return await user_actor(request)


def flag(request: Request, name: str, default: bool = False) -> bool:
    """Baserow's boolean query flags: y/yes/true/t/on/1, or present and empty."""
    if name not in request.query_params:
        return default
    return request.query_params[name].strip().lower() in ("", "y", "yes", "true", "t", "on", "1")

