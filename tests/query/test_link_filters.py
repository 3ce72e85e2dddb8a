"""Link filters over HTTP: by linked row id and by the linked rows' primary text,
empty links, sorting by and searching in the primary values, and a table linking to
itself."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

PEOPLE = ["Ada", "bob", None, "Ádám"]
# Which people (by index) each project links to, in the order written.
TEAMS: list[list[int]] = [[0, 1], [1], [], [2], [3, 0]]


@pytest.fixture(scope="module")
async def link_tables(module_api: Api) -> tuple[int, int, list[int]]:
    api = module_api
    database = await api.database()
    people = await api.table(database["id"], name="People")
    projects = await api.table(database["id"], name="Projects")
    await api.field(projects["id"], name="Team", type="link_row",
                    link_row_table_id=people["id"], has_related_field=False)
    await api.field(people["id"], name="Friends", type="link_row",
                    link_row_table_id=people["id"], has_related_field=False)
    created = await api.ok("POST", f"/api/database/rows/table/{people['id']}/batch/",
                           params={"user_field_names": "true"},
                           json={"items": [{"Name": name} for name in PEOPLE]})
    person_ids = [row["id"] for row in created["items"]]
    await api.ok("PATCH", f"/api/database/rows/table/{people['id']}/batch/",
                 params={"user_field_names": "true"},
                 json={"items": [{"id": person_ids[0], "Friends": [person_ids[1]]},
                                 {"id": person_ids[1], "Friends": [person_ids[0],
                                                                   person_ids[3]]}]})
    await api.ok("POST", f"/api/database/rows/table/{projects['id']}/batch/",
                 params={"user_field_names": "true"},
                 json={"items": [{"Name": f"j{i}", "Team": [person_ids[p] for p in team]}
                                 for i, team in enumerate(TEAMS)]})
    return int(projects["id"]), int(people["id"]), person_ids


async def _names(api: Api, table_id: int, **params: Any) -> list[Any]:
    body = await api.rows(table_id, user_field_names="true", **params)
    return [row["Name"] for row in body["results"]]


def _projects(*indexes: int) -> list[str]:
    return [f"j{i}" for i in indexes]


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("link_row_has", "{0}", [0, 4]),
    ("link_row_has", " {1} ", [0, 1]),
    ("link_row_has", "x", [0, 1, 2, 3, 4]),
    ("link_row_has", "999999", []),
    ("link_row_has", "99999999999999999999", []),
    ("link_row_has_not", "{0}", [1, 2, 3]),
    ("link_row_has_not", "x", [0, 1, 2, 3, 4]),
    ("link_row_contains", "ad", [0, 4]),
    ("link_row_contains", "ÁD", [4]),
    ("link_row_contains", "B", [0, 1]),
    ("link_row_contains", "", [0, 1, 2, 3, 4]),
    ("link_row_contains", "zzz", []),
    ("link_row_not_contains", "ad", [1, 2, 3]),
    ("link_row_not_contains", "", [0, 1, 2, 3, 4]),
    ("empty", "", [2]),
    ("not_empty", "", [0, 1, 3, 4]),
])
async def test_link_filters(module_api: Api, link_tables: tuple[int, int, list[int]], key: str,
                            value: str, expected: list[int]) -> None:
    projects, _, person_ids = link_tables
    for index, person_id in enumerate(person_ids):
        value = value.replace("{" + str(index) + "}", str(person_id))
    assert await _names(module_api, projects, **{f"filter__Team__{key}": value}) == \
        _projects(*expected)


@pytest.mark.parametrize(("params", "expected"), [
    ({"order_by": "Team"}, [2, 3, 0, 4, 1]),
    ({"order_by": "-Team"}, [1, 4, 0, 3, 2]),
    ({"search": "bob"}, [0, 1]),
    ({"search": "ádám"}, [4]),
    ({"search": "ada, bob", "search_mode": "compat"}, [0]),
])
async def test_link_sort_and_search(module_api: Api, link_tables: tuple[int, int, list[int]],
                                    params: dict[str, str], expected: list[int]) -> None:
    projects, _, _ = link_tables
    assert await _names(module_api, projects, **params) == _projects(*expected)


async def test_link_to_own_table(module_api: Api, link_tables: tuple[int, int, list[int]]
                                 ) -> None:
    _, people, _ = link_tables
    assert await _names(module_api, people, filter__Friends__link_row_contains="BOB") == ["Ada"]
    assert await _names(module_api, people, filter__Friends__link_row_contains="ád") == ["bob"]
    assert await _names(module_api, people, order_by="-Friends") == ["Ada", "bob", None, "Ádám"]
    assert await _names(module_api, people, search="ádám") == ["bob", "Ádám"]
