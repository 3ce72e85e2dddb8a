from __future__ import annotations

from tests.conftest import Api


async def test_table_rows_roundtrip(api: Api) -> None:
    table = await api.table(name="People")
    fields = await api.fields(table["id"])
    name = fields[0]
    number = await api.field(table["id"], name="Age", type="number")
    response = await api.create_row(table["id"], {name["name"]: "Ada", "Age": 36},
                                    user_field_names=True)
    assert response.status_code == 200, response.text
    row = response.json()
    assert row == {"id": row["id"], "order": "1.00000000000000000000", "Name": "Ada", "Age": "36"}
    listing = await api.rows(table["id"])
    assert listing["count"] == 1
    assert listing["results"][0][f"field_{number['id']}"] == "36"
