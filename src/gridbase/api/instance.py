"""Instance-level routes: public settings and the health check."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from gridbase.api.auth import services
from gridbase.api.responses import JSONResponse

router = APIRouter()


@router.get("/api/settings/")
async def public_settings(request: Request) -> Response:
    settings = services(request).settings
    return JSONResponse({
        "allow_new_signups": settings.signup_enabled,
        "allow_signups_via_workspace_invitations": True,
        "allow_reset_password": False,
        "allow_global_workspace_creation": True,
        "account_deletion_grace_delay": 30,
        "show_admin_signup_page": False,
        "track_workspace_usage": False,
        "show_baserow_help_request": False,
        "co_branding_logo": None,
        "email_verification": None,
        "verify_import_signature": False,
    })


@router.get("/api/_health/")
async def health(request: Request) -> Response:
    async with services(request).db.read() as conn:
        await conn.exec_driver_sql("SELECT 1")
    return PlainTextResponse("OK")
