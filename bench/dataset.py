"""Builds the benchmark tables through gridbase's own API: ten fields of mixed types."""

from __future__ import annotations

import random
import time
from typing import Any

import httpx

__all__ = ["Dataset", "build_dataset", "load_rows", "row_values"]

STATUSES = ["new", "open", "waiting", "done", "archived"]
WORDS = ["alpha", "beta", "gamma", "delta", "omega", "north", "south", "river", "stone",
         "cloud", "maple", "cedar", "amber", "coral", "ivory"]


class Dataset:
    def __init__(self, base: str, jwt: str, table_id: int, customers_id: int,
                 fields: dict[str, int], options: dict[str, int]) -> None:
        self.base = base
        self.jwt = jwt
        self.table_id = table_id
        self.customers_id = customers_id
        self.fields = fields
        self.options = options

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"JWT {self.jwt}"}


def row_values(rng: random.Random, customers: int) -> dict[str, Any]:
    name = " ".join(rng.choice(WORDS) for _ in range(2)) + f" {rng.randrange(100000)}"
    return {
        "Name": name,
        "Notes": " ".join(rng.choice(WORDS) for _ in range(12)),
        "Amount": f"{rng.uniform(0, 1000):.2f}",
        "Active": rng.random() < 0.5,
        "Due": f"20{rng.randrange(20, 27)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}",
        "Status": rng.choice(STATUSES),
        "Customer": [rng.randrange(1, customers + 1)],
        "Rating": rng.randrange(0, 6),
        "Email": f"{rng.choice(WORDS)}{rng.randrange(1000)}@example.com",
        "Code": f"C-{rng.randrange(10**6):06d}",
    }


def _ok(response: httpx.Response) -> Any:
    if response.status_code not in (200, 204):
        raise RuntimeError(f"{response.request.method} {response.request.url}: "
                           f"{response.status_code} {response.text[:500]}")
    return response.json() if response.status_code == 200 else None


def build_dataset(base: str, customers: int = 1000) -> Dataset:
    """A user, a workspace, a Customers table and an empty Orders table with ten fields."""
    with httpx.Client(base_url=base, timeout=120) as http:
        email = f"bench-{time.time_ns()}@example.com"
        jwt = _ok(http.post("/api/user/", json={
            "name": "Bench", "email": email, "password": "bench-password", "authenticate": True,
        }))["access_token"]
        h = {"Authorization": f"JWT {jwt}"}
        workspace = _ok(http.post("/api/workspaces/", json={"name": "Bench"}, headers=h))
        database = _ok(http.post(f"/api/applications/workspace/{workspace['id']}/",
                                 json={"name": "Bench", "type": "database"}, headers=h))
        customer_rows = [["Name"]] + [[f"Customer {i}"] for i in range(1, customers + 1)]
        customers_table = _ok(http.post(
            f"/api/database/tables/database/{database['id']}/",
            json={"name": "Customers", "data": customer_rows, "first_row_header": True},
            headers=h))
        table = _ok(http.post(f"/api/database/tables/database/{database['id']}/",
                              json={"name": "Orders", "data": [["Name"]],
                                    "first_row_header": True}, headers=h))
        url = f"/api/database/fields/table/{table['id']}/"
        specs: list[dict[str, Any]] = [
            {"name": "Notes", "type": "long_text"},
            {"name": "Amount", "type": "number", "number_decimal_places": 2},
            {"name": "Active", "type": "boolean"},
            {"name": "Due", "type": "date", "date_format": "ISO"},
            {"name": "Status", "type": "single_select", "select_options": [
                {"value": s, "color": "blue"} for s in STATUSES]},
            {"name": "Customer", "type": "link_row", "link_row_table_id": customers_table["id"],
             "has_related_field": False},
            {"name": "Rating", "type": "rating"},
            {"name": "Email", "type": "email"},
            {"name": "Code", "type": "text"},
        ]
        options: dict[str, int] = {}
        for spec in specs:
            field = _ok(http.post(url, json=spec, headers=h))
            for option in field.get("select_options", []):
                options[option["value"]] = option["id"]
        fields = {f["name"]: f["id"] for f in _ok(http.get(url, headers=h))}
        return Dataset(base, jwt, table["id"], customers_table["id"], fields, options)


def load_rows(dataset: Dataset, count: int, seed: int = 7, customers: int = 1000) -> float:
    """Insert `count` rows through the batch API; returns rows per second."""
    rng = random.Random(seed)
    started = time.perf_counter()
    with httpx.Client(base_url=dataset.base, timeout=300, headers=dataset.headers) as http:
        path = f"/api/database/rows/table/{dataset.table_id}/batch/?user_field_names=true"
        done = 0
        while done < count:
            size = min(200, count - done)
            _ok(http.post(path, json={"items": [row_values(rng, customers)
                                                 for _ in range(size)]}))
            done += size
    return count / (time.perf_counter() - started)


