"""Who is calling: the `Authorization` header turned into an `Actor`, or Baserow's 401."""

from __future__ import annotations

from starlette.requests import Request

from gridbase.errors import ApiError, PlainError
from gridbase.handlers.policy import Actor
from gridbase.handlers.services import Services
from gridbase.handlers.tokens import authenticate_key
from gridbase.handlers.users import authenticate_access_token

__all__ = ["flag", "row_actor", "services", "token_actor", "user_actor"]

_CHALLENGE = {"WWW-Authenticate": 'JWT realm="api"'}


def services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


def not_authenticated() -> PlainError:
    return PlainError(401, "Authentication credentials were not provided.", _CHALLENGE)


def _credentials(request: Request) -> list[str] | None:
    """The whitespace-separated parts of the Authorization header, None when absent."""
    parts = request.headers.get("authorization", "").split()
    return parts or None


async def user_actor(request: Request) -> Actor:
    """A logged-in user (JWT); every other credential is treated as absent.

    The keyword is matched exactly (`JWT`, not `jwt` or `Bearer`), as simplejwt does."""
    parts = _credentials(request)
    if parts is None or parts[0] != "JWT":
        raise not_authenticated()
    if len(parts) != 2:
        raise PlainError(401, "Authorization header must contain two space-delimited values",
                         _CHALLENGE)
    user = await authenticate_access_token(services(request), parts[1])
    request.state.user_id = user["id"]
    return Actor(user_id=user["id"])


async def row_actor(request: Request) -> Actor:
    """Row endpoints accept a JWT or a database token."""
    parts = _credentials(request)
    if parts is not None and parts[0].lower() == "token":
        key = " ".join(parts[1:])
        if not key:
            raise ApiError("ERROR_INVALID_TOKEN_HEADER",
                           "Invalid token header. No token provided.", status=401)
        if " " in key:
            raise ApiError("ERROR_INVALID_TOKEN_HEADER",
                           "Invalid token header. Token string should not contain spaces.",
                           status=401)
        grant = await authenticate_key(services(request), key)
        return Actor(user_id=grant.user_id, token=grant)
    return await user_actor(request)


async def token_actor(request: Request) -> Actor:
    """Endpoints only a database token may call; a JWT or nothing counts as no credentials."""
    parts = _credentials(request)
    if parts is None or parts[0].lower() != "token":
        raise not_authenticated()
    return await row_actor(request)


def flag(request: Request, name: str, default: bool = False) -> bool:
    """Baserow's boolean query flags: y/yes/true/t/on/1, or present and empty."""
    if name not in request.query_params:
        return default
    return request.query_params[name].strip().lower() in ("", "y", "yes", "true", "t", "on", "1")

