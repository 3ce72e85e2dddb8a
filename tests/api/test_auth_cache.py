"""Credentials and roles are cached per process, yet every change takes effect at once."""

from __future__ import annotations

from typing import Any

from gridbase.clock import now
from gridbase.storage import schema as meta
from tests.conftest import Api


async def _add_member(app: Any, workspace_id: int, user_id: int) -> None:
    """There is no invitation API yet: the membership is written through the app's engine,
    as a future handler would."""
    async with app.state.services.db.write() as conn:
        await conn.execute(meta.workspace_users.insert().values(
            workspace_id=workspace_id, user_id=user_id, permissions="MEMBER", order=1,
            created_on=now()))


async def test_membership_changes_take_effect_at_once(app: Any, api: Api, other_api: Api
                                                      ) -> None:
    table = await api.table(name="Shared")
    database = await api.ok("GET", f"/api/applications/{table['database_id']}/")
    workspace_id = database["workspace"]["id"]
    path = f"/api/database/rows/table/{table['id']}/"
    for _ in range(2):  # the refusal is cached the second time round
        refused = await other_api.get(path)
        assert refused.status_code == 400
        assert refused.json()["error"] == "ERROR_USER_NOT_IN_GROUP"
    await _add_member(app, workspace_id, other_api.user["id"])
    assert (await other_api.get(path)).status_code == 200
    await other_api.ok("POST", f"/api/workspaces/{workspace_id}/leave/")
    gone = await other_api.get(path)
    assert gone.status_code == 400
    assert gone.json()["error"] == "ERROR_USER_NOT_IN_GROUP"


async def test_deleted_token_and_workspace_stop_at_once(api: Api) -> None:
    table = await api.table(name="Tokens")
    database = await api.ok("GET", f"/api/applications/{table['database_id']}/")
    workspace_id = database["workspace"]["id"]
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "t", "workspace": workspace_id})
    path = f"/api/database/rows/table/{table['id']}/"
    headers = {"Authorization": f"Token {token['key']}"}
    for _ in range(2):
        assert (await api.client.get(path, headers=headers)).status_code == 200
    await api.ok("DELETE", f"/api/database/tokens/{token['id']}/")
    refused = await api.client.get(path, headers=headers)
    assert refused.status_code == 401
    assert refused.json()["error"] == "ERROR_TOKEN_DOES_NOT_EXIST"
    assert (await api.get(path)).status_code == 200
    await api.ok("DELETE", f"/api/workspaces/{workspace_id}/")
    assert (await api.get(path)).json()["error"] == "ERROR_TABLE_DOES_NOT_EXIST"
