"""Operations of the instance, accounts, workspaces and databases (applications)."""

from __future__ import annotations

from gridbase.api.applications import (
    CreateApplicationBody,
    OrderApplicationsBody,
    UpdateApplicationBody,
)
from gridbase.api.users import RegisterBody
from gridbase.api.workspaces import WorkspaceBody, WorkspaceOrderBody
from gridbase.docs.operations import Operation, Schema
from gridbase.docs.shapes import ref

__all__ = ["OPERATIONS"]

_REFRESH_BODY: Schema = {
    "type": "object",
    "properties": {"refresh_token": {"type": "string"},
                   "token": {"type": "string", "description": "Older name of refresh_token."}},
    "required": ["refresh_token"],
}
_LOGIN_BODY: Schema = {
    "type": "object",
    "properties": {"email": {"type": "string"}, "password": {"type": "string"},
                   "username": {"type": "string", "description": "Older name of email."}},
    "required": ["email", "password"],
}
_REFRESHED: Schema = {
    "type": "object",
    "properties": {"token": {"type": "string"}, "access_token": {"type": "string"},
                   "user": ref("User")},
    "required": ["token", "access_token", "user"],
}
_REGISTERED: Schema = {"anyOf": [ref("Authenticated"), {
    "type": "object", "properties": {"user": ref("User")}, "required": ["user"]}]}

_ACCOUNT = "Accounts"
_WORKSPACES = "Workspaces"
_DATABASES = "Databases"
_WORKSPACE_IS_GONE = ("ERROR_GROUP_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")
_DATABASE_IS_GONE = ("ERROR_APPLICATION_DOES_NOT_EXIST", "ERROR_USER_NOT_IN_GROUP")

OPERATIONS: dict[str, Operation] = {
    "GET /api/settings/": Operation(
        "get_settings", "Instance", "Public settings of this instance",
        response=ref("Settings")),
    "GET /api/_health/": Operation(
        "health_check", "Instance", "Answers OK while the database answers",
        response={"type": "string", "enum": ["OK"]}, media_type="text/plain"),
    "POST /api/user/": Operation(
        "create_user", _ACCOUNT, "Sign up", body=RegisterBody, response=_REGISTERED,
        errors=("ERROR_EMAIL_ALREADY_EXISTS", "ERROR_DISABLED_SIGNUP"),
        description="With `authenticate: true` the answer also holds an access and a "
                    "refresh token."),
    "POST /api/user/token-auth/": Operation(
        "token_auth", _ACCOUNT, "Log in with email and password", body=_LOGIN_BODY,
        response=ref("Authenticated"),
        errors=("ERROR_INVALID_CREDENTIALS", "ERROR_DEACTIVATED_USER"), field_errors=True),
    "POST /api/user/token-refresh/": Operation(
        "token_refresh", _ACCOUNT, "A new access token for a refresh token",
        body=_REFRESH_BODY, response=_REFRESHED, errors=("ERROR_INVALID_REFRESH_TOKEN",),
        field_errors=True),
    "POST /api/user/token-verify/": Operation(
        "token_verify", _ACCOUNT, "Check a refresh token; answers its user",
        body=_REFRESH_BODY, response=ref("UserWithPermissions"),
        errors=("ERROR_INVALID_REFRESH_TOKEN",), field_errors=True),
    "POST /api/user/token-blacklist/": Operation(
        "token_blacklist", _ACCOUNT, "Log out: the refresh token stops working",
        body=_REFRESH_BODY, status=204,
        errors=("ERROR_INVALID_REFRESH_TOKEN", "ERROR_REFRESH_TOKEN_ALREADY_BLACKLISTED"),
        field_errors=True),
    "GET /api/workspaces/": Operation(
        "list_workspaces", _WORKSPACES, "Workspaces the user is a member of",
        response={"type": "array", "items": ref("Workspace")}),
    "POST /api/workspaces/": Operation(
        "create_workspace", _WORKSPACES, "Create a workspace; the user becomes its admin",
        body=WorkspaceBody, response=ref("Workspace")),
    "PATCH /api/workspaces/{workspace_id}/": Operation(
        "update_workspace", _WORKSPACES, "Rename a workspace", body=WorkspaceBody,
        response=ref("WorkspaceBrief"), errors=(*_WORKSPACE_IS_GONE, "PERMISSION_DENIED")),
    "DELETE /api/workspaces/{workspace_id}/": Operation(
        "delete_workspace", _WORKSPACES, "Delete a workspace with everything in it",
        status=204, errors=(*_WORKSPACE_IS_GONE, "PERMISSION_DENIED")),
    "POST /api/workspaces/order/": Operation(
        "order_workspaces", _WORKSPACES, "Order the user's workspaces",
        body=WorkspaceOrderBody, status=204),
    "POST /api/workspaces/{workspace_id}/leave/": Operation(
        "leave_workspace", _WORKSPACES, "Leave a workspace", status=204,
        errors=(*_WORKSPACE_IS_GONE, "ERROR_GROUP_USER_IS_LAST_ADMIN")),
    "GET /api/applications/": Operation(
        "list_all_applications", _DATABASES, "Databases of all the user's workspaces",
        response={"type": "array", "items": ref("Database")}),
    "GET /api/applications/workspace/{workspace_id}/": Operation(
        "workspace_list_applications", _DATABASES, "Databases of one workspace",
        response={"type": "array", "items": ref("Database")}, errors=_WORKSPACE_IS_GONE),
    "POST /api/applications/workspace/{workspace_id}/": Operation(
        "workspace_create_application", _DATABASES, "Create a database",
        body=CreateApplicationBody, response=ref("Database"),
        errors=(*_WORKSPACE_IS_GONE, "ERROR_APPLICATION_TYPE_DOES_NOT_EXIST")),
    "POST /api/applications/workspace/{workspace_id}/order/": Operation(
        "workspace_order_applications", _DATABASES, "Order the databases of a workspace",
        body=OrderApplicationsBody, status=204,
        errors=(*_WORKSPACE_IS_GONE, "ERROR_APPLICATION_NOT_IN_GROUP")),
    "GET /api/applications/{application_id}/": Operation(
        "workspace_get_application", _DATABASES, "One database with its tables",
        response=ref("Database"), errors=_DATABASE_IS_GONE),
    "PATCH /api/applications/{application_id}/": Operation(
        "workspace_update_application", _DATABASES, "Rename a database",
        body=UpdateApplicationBody, response=ref("Database"), errors=_DATABASE_IS_GONE),
    "DELETE /api/applications/{application_id}/": Operation(
        "workspace_delete_application", _DATABASES, "Delete a database and its tables",
        status=204, errors=_DATABASE_IS_GONE),
}
