"""Accounts over HTTP: sign-up, log-in, refresh, verify, logout and the auth header rules,
checked against the recorded Baserow answers (transcripts 01-04, 52, 54)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import jwt
import pytest

from gridbase.app import create_app
from gridbase.config import load_settings
from tests.api.asserts import assert_json
from tests.conftest import Api

USER_KEYS = [
    "first_name", "username", "is_staff", "id", "language", "email_notification_frequency",
    "email_verified", "completed_onboarding", "completed_guided_tours",
]
SESSION_KEYS = {"user", "token", "access_token", "refresh_token", "user_session", "permissions",
                "user_notifications"}
PASSWORD = "a-long-enough-password"
NOT_AUTHENTICATED = {"detail": "Authentication credentials were not provided."}
INVALID_ACCESS = {"detail": "Access token is expired or invalid.",
                  "error": "ERROR_INVALID_ACCESS_TOKEN"}


def new_email() -> str:
    return f"person-{uuid.uuid4().hex[:10]}@example.com"


async def register(client: httpx.AsyncClient, email: str, **extra: Any) -> httpx.Response:
    return await client.post("/api/user/", json={
        "name": "Grace Hopper", "email": email, "password": PASSWORD, **extra})


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD
                ) -> dict[str, Any]:
    response = await client.post("/api/user/token-auth/",
                                 json={"email": email, "password": password})
    body: dict[str, Any] = assert_json(response, 200)
    return body


def permission_names(body: dict[str, Any]) -> list[str]:
    return [p["name"] for p in body["permissions"]]


# -- register ---------------------------------------------------------------------------------


async def test_register_with_authenticate_answers_a_session(client: httpx.AsyncClient) -> None:
    email = new_email()
    body = assert_json(await register(client, email, authenticate=True), 200)
    assert set(body) == SESSION_KEYS
    assert list(body["user"]) == USER_KEYS
    user = body["user"]
    assert user["first_name"] == "Grace Hopper"
    assert user["username"] == email
    assert user["language"] == "en"
    assert user["email_notification_frequency"] == "instant"
    assert user["email_verified"] is False
    assert user["completed_onboarding"] is False
    assert user["completed_guided_tours"] == []
    assert body["token"] == body["access_token"]
    assert body["refresh_token"] != body["access_token"]
    assert isinstance(body["user_session"], str) and body["user_session"]
    assert permission_names(body) == [
        "core", "setting_operation", "staff", "allow_if_template", "member"]
    assert body["user_notifications"] == {"unread_count": 0}
    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["token_type"] == "access"
    assert claims["user_id"] == user["id"]
    assert claims["exp"] - claims["iat"] == 10 * 60
    refresh = jwt.decode(body["refresh_token"], options={"verify_signature": False})
    assert refresh["token_type"] == "refresh"
    assert refresh["exp"] - refresh["iat"] == 168 * 3600
    me = await client.get("/api/workspaces/",
                          headers={"Authorization": f"JWT {body['access_token']}"})
    assert assert_json(me, 200) == []


async def test_register_without_authenticate_answers_only_the_user(
    client: httpx.AsyncClient,
) -> None:
    email = new_email()
    body = assert_json(await register(client, email), 200)
    assert list(body) == ["user"]
    assert body["user"]["username"] == email
    assert (await login(client, email))["user"]["id"] == body["user"]["id"]


async def test_register_lowercases_the_email(client: httpx.AsyncClient) -> None:
    email = new_email()
    body = assert_json(await register(client, email.upper()), 200)
    assert body["user"]["username"] == email
    assert (await login(client, email))["user"]["id"] == body["user"]["id"]


async def test_register_duplicate_email_is_refused(client: httpx.AsyncClient) -> None:
    email = new_email()
    assert_json(await register(client, email), 200)
    for again in (email, email.upper(), f"  {email} "):
        body = assert_json(await register(client, again), 400)
        assert body == {"error": "ERROR_EMAIL_ALREADY_EXISTS", "detail": ""}


async def test_register_short_password_is_refused(client: httpx.AsyncClient) -> None:
    email = new_email()
    response = await client.post("/api/user/", json={
        "name": "Grace", "email": email, "password": "short"})
    assert assert_json(response, 400) == {
        "error": "ERROR_REQUEST_BODY_VALIDATION",
        "detail": {"password": [{
            "error": "This password is too short. It must contain at least 8 characters.",
            "code": "password_too_short"}]},
    }
    failed = await client.post("/api/user/token-auth/",
                               json={"email": email, "password": "short"})
    assert assert_json(failed, 401)["error"] == "ERROR_INVALID_CREDENTIALS"


@pytest.mark.parametrize(("body", "field", "code"), [
    ({"email": "x@example.com", "password": PASSWORD}, "name", "required"),
    ({"name": "A", "email": "x@example.com", "password": PASSWORD}, "name", "min_length"),
    ({"name": "N" * 151, "email": "x@example.com", "password": PASSWORD}, "name", "max_length"),
    ({"name": "Ann", "password": PASSWORD}, "email", "required"),
    ({"name": "Ann", "email": "not-an-email", "password": PASSWORD}, "email", "invalid"),
    ({"name": "Ann", "email": "x" * 250 + "@example.com", "password": PASSWORD}, "email",
     "max_length"),
    # "İ" lower-cases to two characters: the address only becomes too long once normalised
    ({"name": "Ann", "email": "\u0130" * 130 + "@example.com", "password": PASSWORD}, "email",
     "max_length"),
    ({"name": "Ann", "email": "x@example.com"}, "password", "required"),
    ({"name": "Ann", "email": "x@example.com", "password": None}, "password", "null"),
    ({"name": "Ann", "email": "x@example.com", "password": PASSWORD, "language": "e"},
     "language", "min_length"),
    ({"name": "Ann", "email": "x@example.com", "password": PASSWORD, "authenticate": "maybe"},
     "authenticate", "invalid"),
    ({"name": "Ann\x00", "email": "x@example.com", "password": PASSWORD}, "name",
     "null_characters_not_allowed"),
    ({"name": "Ann", "email": "x@example.com", "password": "pass\x00word-long"}, "password",
     "null_characters_not_allowed"),
])
async def test_register_body_validation(
    client: httpx.AsyncClient, body: dict[str, Any], field: str, code: str
) -> None:
    answer = assert_json(await client.post("/api/user/", json=body), 400)
    assert answer["error"] == "ERROR_REQUEST_BODY_VALIDATION"
    assert [e["code"] for e in answer["detail"][field]] == [code]
    # nothing was created: the address is still free
    if "email" in body and "@" in str(body["email"]):
        failed = await client.post("/api/user/token-auth/",
                                   json={"email": body["email"], "password": PASSWORD})
        assert failed.status_code == 401


async def test_register_reports_every_bad_key_at_once(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/user/", json={
        "name": "A", "email": "nope", "password": "pw\x00"})
    assert assert_json(response, 400) == {"error": "ERROR_REQUEST_BODY_VALIDATION", "detail": {
        "name": [{"error": "Ensure this field has at least 2 characters.", "code": "min_length"}],
        "email": [{"error": "Enter a valid email address.", "code": "invalid"}],
        "password": [{"error": "Null characters are not allowed.",
                      "code": "null_characters_not_allowed"}],
    }}


# -- log in -----------------------------------------------------------------------------------


async def test_login_by_email_matches_transcript(client: httpx.AsyncClient) -> None:
    email = new_email()
    assert_json(await register(client, email), 200)
    body = await login(client, email)
    assert set(body) == SESSION_KEYS
    assert list(body["user"]) == USER_KEYS
    assert body["token"] == body["access_token"]
    assert body["user"]["username"] == email


async def test_login_by_legacy_username_and_any_case(client: httpx.AsyncClient) -> None:
    email = new_email()
    assert_json(await register(client, email), 200)
    response = await client.post("/api/user/token-auth/",
                                 json={"username": email.upper(), "password": PASSWORD})
    body = assert_json(response, 200)
    assert body["user"]["username"] == email
    assert body["access_token"]


async def test_login_wrong_password_or_unknown_email(client: httpx.AsyncClient) -> None:
    email = new_email()
    assert_json(await register(client, email), 200)
    for credentials in ({"email": email, "password": "wrong"},
                        {"email": new_email(), "password": PASSWORD}):
        response = await client.post("/api/user/token-auth/", json=credentials)
        assert assert_json(response, 401) == {
            "error": "ERROR_INVALID_CREDENTIALS",
            "detail": "No active account found with the given credentials.",
        }


@pytest.mark.parametrize(("body", "answer"), [
    ({"email": "a@example.com"}, {"password": ["This field is required."]}),
    ({"password": PASSWORD}, {"email": ["This field is required."]}),
    ({}, {"email": ["This field is required."], "password": ["This field is required."]}),
    ({"email": "a@example.com", "password": ""}, {"password": ["This field may not be blank."]}),
    ({"email": "a@example.com", "password": None},
     {"password": ["This field may not be null."]}),
    ({"email": "a\x00@example.com", "password": "x"},
     {"email": ["Null characters are not allowed."]}),
    ({"email": "a@example.com", "password": ["x"]}, {"password": ["Not a valid string."]}),
])
async def test_login_missing_fields_answer_plain_drf_body(
    client: httpx.AsyncClient, body: dict[str, Any], answer: dict[str, Any]
) -> None:
    response = await client.post("/api/user/token-auth/", json=body)
    assert assert_json(response, 400) == answer


async def test_login_with_a_non_object_body(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/user/token-auth/", json=["a", "b"])
    assert assert_json(response, 400) == {
        "non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


# -- refresh, verify, blacklist -----------------------------------------------------------------


@pytest.mark.parametrize("key", ["refresh_token", "token"])
async def test_refresh_answers_a_new_access_token(client: httpx.AsyncClient, key: str) -> None:
    email = new_email()
    session = assert_json(await register(client, email, authenticate=True), 200)
    response = await client.post("/api/user/token-refresh/",
                                 json={key: session["refresh_token"]})
    body = assert_json(response, 200)
    assert set(body) == {"user", "token", "access_token", "permissions", "user_notifications"}
    assert body["token"] == body["access_token"]
    assert body["user"]["username"] == email
    listed = await client.get("/api/workspaces/",
                              headers={"Authorization": f"JWT {body['access_token']}"})
    assert listed.status_code == 200


@pytest.mark.parametrize("key", ["refresh_token", "token"])
async def test_verify_answers_the_user(client: httpx.AsyncClient, key: str) -> None:
    email = new_email()
    session = assert_json(await register(client, email, authenticate=True), 200)
    response = await client.post("/api/user/token-verify/",
                                 json={key: session["refresh_token"]})
    body = assert_json(response, 200)
    assert set(body) == {"user", "permissions", "user_notifications"}
    assert body["user"]["username"] == email


async def test_access_token_is_not_a_refresh_token(client: httpx.AsyncClient) -> None:
    session = assert_json(await register(client, new_email(), authenticate=True), 200)
    for path in ("/api/user/token-refresh/", "/api/user/token-verify/",
                 "/api/user/token-blacklist/"):
        response = await client.post(path, json={"refresh_token": session["access_token"]})
        assert assert_json(response, 401)["error"] == "ERROR_INVALID_REFRESH_TOKEN"


async def test_blacklisted_refresh_token_stops_working(client: httpx.AsyncClient) -> None:
    session = assert_json(await register(client, new_email(), authenticate=True), 200)
    refresh = session["refresh_token"]
    blacklisted = await client.post("/api/user/token-blacklist/",
                                    json={"refresh_token": refresh})
    assert blacklisted.status_code == 204
    assert blacklisted.content == b""
    for path in ("/api/user/token-refresh/", "/api/user/token-verify/"):
        response = await client.post(path, json={"refresh_token": refresh})
        assert assert_json(response, 401) == {
            "error": "ERROR_INVALID_REFRESH_TOKEN",
            "detail": "Refresh token is expired or invalid.",
        }
    again = await client.post("/api/user/token-blacklist/", json={"refresh_token": refresh})
    assert assert_json(again, 400)["error"] == "ERROR_REFRESH_TOKEN_ALREADY_BLACKLISTED"
    # another session of the same user is unaffected
    other = await login(client, session["user"]["username"])
    fresh = await client.post("/api/user/token-refresh/",
                              json={"refresh_token": other["refresh_token"]})
    assert fresh.status_code == 200


@pytest.mark.parametrize("path", ["/api/user/token-refresh/", "/api/user/token-verify/",
                                  "/api/user/token-blacklist/"])
async def test_refresh_family_without_token(client: httpx.AsyncClient, path: str) -> None:
    assert assert_json(await client.post(path, json={}), 400) == {
        "refresh_token": ["This field is required."]}
    nul = await client.post(path, json={"refresh_token": "a\x00b"})
    assert assert_json(nul, 400) == {"refresh_token": ["Null characters are not allowed."]}
    garbage = await client.post(path, json={"refresh_token": "not.a.jwt"})
    assert assert_json(garbage, 401)["error"] == "ERROR_INVALID_REFRESH_TOKEN"


# -- the Authorization header --------------------------------------------------------------------


def forged(app: Any, user_id: int, token_type: str, *, age: int, lifetime: int) -> str:
    issued = int(time.time()) - age
    claims = {"token_type": token_type, "iat": issued, "exp": issued + lifetime,
              "jti": uuid.uuid4().hex, "user_id": user_id}
    return jwt.encode(claims, app.state.services.settings.secret_key, algorithm="HS256")


async def test_expired_access_token_is_refused(app: Any, api: Api) -> None:
    expired = forged(app, api.user["id"], "access", age=3600, lifetime=600)
    response = await api.client.get("/api/workspaces/",
                                    headers={"Authorization": f"JWT {expired}"})
    assert assert_json(response, 401) == INVALID_ACCESS
    valid = forged(app, api.user["id"], "access", age=0, lifetime=600)
    ok = await api.client.get("/api/workspaces/", headers={"Authorization": f"JWT {valid}"})
    assert ok.status_code == 200


async def test_expired_refresh_token_is_refused(app: Any, api: Api) -> None:
    expired = forged(app, api.user["id"], "refresh", age=3600, lifetime=60)
    response = await api.client.post("/api/user/token-refresh/",
                                     json={"refresh_token": expired})
    assert assert_json(response, 401)["error"] == "ERROR_INVALID_REFRESH_TOKEN"


@pytest.mark.parametrize("token", [
    "garbage", "a.b.c",
    jwt.encode({"token_type": "access", "user_id": 1, "iat": 1, "exp": 2**40, "jti": "x"},
               "some-other-key-" + "y" * 32, algorithm="HS256"),
])
async def test_garbage_access_token_is_refused(client: httpx.AsyncClient, token: str) -> None:
    response = await client.get("/api/workspaces/", headers={"Authorization": f"JWT {token}"})
    assert assert_json(response, 401) == INVALID_ACCESS
    assert response.headers["www-authenticate"] == 'JWT realm="api"'


async def test_refresh_token_is_not_an_access_token(api: Api) -> None:
    session = await login(api.client, api.user["username"], api.password)
    response = await api.client.get(
        "/api/workspaces/", headers={"Authorization": f"JWT {session['refresh_token']}"})
    assert assert_json(response, 401) == INVALID_ACCESS


async def test_token_of_a_missing_user_is_refused(app: Any, client: httpx.AsyncClient) -> None:
    ghost = forged(app, 10**9, "access", age=0, lifetime=600)
    response = await client.get("/api/workspaces/", headers={"Authorization": f"JWT {ghost}"})
    assert assert_json(response, 401) == INVALID_ACCESS


@pytest.mark.parametrize("header", [None, "", "Bearer {token}", "Token {token}", "jwt {token}",
                                    "Basic dXNlcjpwYXNz"])
async def test_other_schemes_count_as_no_credentials(
    api: Api, header: str | None
) -> None:
    headers = {} if header is None else {"Authorization": header.format(token=api.token)}
    response = await api.client.get("/api/workspaces/", headers=headers)
    assert assert_json(response, 401) == NOT_AUTHENTICATED
    assert response.headers["www-authenticate"] == 'JWT realm="api"'


@pytest.mark.parametrize("header", ["JWT", "JWT {token} extra"])
async def test_malformed_jwt_header(api: Api, header: str) -> None:
    response = await api.client.get(
        "/api/workspaces/", headers={"Authorization": header.format(token=api.token)})
    assert assert_json(response, 401) == {
        "detail": "Authorization header must contain two space-delimited values"}


# -- instance endpoints --------------------------------------------------------------------------


async def test_disabled_signup(app: Any, database_url: str, tmp_path: Any) -> None:
    """A second app on the same (already migrated) database, with sign-up switched off."""
    settings = load_settings(data_dir=tmp_path, database_url=database_url,
                             secret_key="another-secret-" + "z" * 32, signup_enabled=False)
    closed = create_app(settings)
    try:
        transport = httpx.ASGITransport(app=closed)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            email = new_email()
            refused = await register(http, email, authenticate=True)
            assert assert_json(refused, 400) == {"error": "ERROR_DISABLED_SIGNUP", "detail": ""}
            public = assert_json(await http.get("/api/settings/"), 200)
            assert public["allow_new_signups"] is False
            failed = await http.post("/api/user/token-auth/",
                                     json={"email": email, "password": PASSWORD})
            assert failed.status_code == 401
    finally:
        await closed.state.services.db.dispose()


async def test_public_settings(client: httpx.AsyncClient) -> None:
    body = assert_json(await client.get("/api/settings/"), 200)
    assert body["allow_new_signups"] is True
    assert set(body) >= {
        "allow_new_signups", "allow_signups_via_workspace_invitations", "allow_reset_password",
        "allow_global_workspace_creation", "account_deletion_grace_delay",
        "show_admin_signup_page", "co_branding_logo", "email_verification",
    }


async def test_health(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/_health/")
    assert response.status_code == 200
    assert response.text == "OK"
