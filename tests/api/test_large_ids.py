"""Ids in request bodies beyond the 32-bit id columns name nothing: they are refused like
any unknown id, never passed to the SQL driver (found by the Schemathesis run on
PostgreSQL, where they overflowed into 500s)."""

from __future__ import annotations

from tests.conftest import Api

HUGE = 11_925_090_709


async def test_unknown_huge_row_ids_in_batches(api: Api) -> None:
    table = await api.table()
    path = f"/api/database/rows/table/{table['id']}"
    update = await api.patch(f"{path}/batch/", json={"items": [{"id": HUGE}]})
    assert update.status_code == 404
    assert update.json()["error"] == "ERROR_ROW_DOES_NOT_EXIST"
    delete = await api.post(f"{path}/batch-delete/", json={"items": [HUGE]})
    assert delete.status_code == 404
    before = await api.post(f"{path}/?before={HUGE}", json={})
    assert before.status_code == 404
    moved = await api.patch(f"{path}/1/move/?before_id={HUGE}")
    assert moved.status_code == 404


async def test_huge_workspace_and_grant_ids_of_tokens(api: Api) -> None:
    created = await api.post("/api/database/tokens/", json={"name": "t", "workspace": HUGE})
    assert created.status_code == 400
    assert created.json()["detail"]["workspace"][0]["code"] == "does_not_exist"
    workspace = await api.workspace()
    token = await api.ok("POST", "/api/database/tokens/",
                         json={"name": "t", "workspace": workspace["id"]})
    changed = await api.patch(f"/api/database/tokens/{token['id']}/", json={"permissions": {
        "create": [["table", HUGE]], "read": [["database", HUGE]], "update": True,
        "delete": False}})
    assert changed.status_code == 400
    assert changed.json()["detail"]["permissions"][0]["code"] in (
        "invalid_table_id", "invalid_database_id")
