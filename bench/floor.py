"""The floor: a bare ASGI app doing the same SQL as gridbase for listing and batch create.

No framework, no validation, no permissions, no events: what the database and a fast JSON
encoder can do on this machine. gridbase's figures are reported as a ratio of these.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs

import orjson
import uvicorn

Scope = dict[str, Any]


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "numeric": Decimal,
    "date": date.fromisoformat,
    "timestamp with time zone": datetime.fromisoformat,
}


class Store:
    """Minimal SQL access for one user table on asyncpg or sqlite3."""

    def __init__(self, url: str, table: str) -> None:
        self.url = url
        self.table = table
        self.pool: Any = None
        self.sqlite: Any = None
        self.lock = asyncio.Lock()
        self.converters: dict[str, Callable[[Any], Any]] = {}

    async def open(self) -> None:
        if self.url.startswith("postgresql"):
            import asyncpg

            self.pool = await asyncpg.create_pool(self.url.replace("+asyncpg", ""),
                                                  min_size=4, max_size=10)
            # asyncpg binds typed values: JSON text becomes the column's Python type.
            rows = await self.pool.fetch(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = $1", self.table)
            self.converters = {r["column_name"]: _CONVERTERS[r["data_type"]] for r in rows
                               if r["data_type"] in _CONVERTERS}
        else:
            import aiosqlite

            self.sqlite = await aiosqlite.connect(self.url.split("///", 1)[1])
            self.sqlite.row_factory = None

    def _typed(self, column: str, value: Any) -> Any:
        convert = self.converters.get(column)
        return value if value is None or convert is None else convert(value)

    async def page(self, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        query = f'SELECT * FROM {self.table} ORDER BY "order", id LIMIT {limit} OFFSET {offset}'
        count_sql = f"SELECT count(*) FROM {self.table}"
        if self.pool is not None:
            async with self.pool.acquire() as conn:
                rows = await conn.fetch(query)
                count = await conn.fetchval(count_sql)
            return count, [dict(r) for r in rows]
        cursor = await self.sqlite.execute(query)
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, r, strict=True)) for r in await cursor.fetchall()]
        count = (await (await self.sqlite.execute(count_sql)).fetchone())[0]
        return count, rows

    async def insert(self, items: list[dict[str, Any]]) -> list[int]:
        columns = sorted({k for item in items for k in item})
        quoted = ", ".join(['"order"', "created_on", "updated_on", *columns])
        if self.pool is not None:
            async with self.pool.acquire() as conn, conn.transaction():
                top = await conn.fetchval(f'SELECT coalesce(max("order"), 0) FROM {self.table}')
                values: list[str] = []
                params: list[Any] = []
                for i, item in enumerate(items):
                    base = len(params)
                    params += [Decimal(int(top) + 1 + i),
                               *[self._typed(c, item.get(c)) for c in columns]]
                    marks = ", ".join(f"${base + j + 1}" for j in range(len(columns) + 1))
                    first, rest = marks.split(", ", 1) if columns else (marks, "")
                    values.append(f"({first}, now(), now()" + (f", {rest})" if rest else ")"))
                sql = f"INSERT INTO {self.table} ({quoted}) VALUES {', '.join(values)} RETURNING id"
                return [r[0] for r in await conn.fetch(sql, *params)]
        async with self.lock:
            top = (await (await self.sqlite.execute(
                f'SELECT coalesce(max("order"), 0) FROM {self.table}')).fetchone())[0]
            marks = ", ".join(["?"] * (len(columns) + 3))
            rows = [(float(int(top) + 1 + i), "2026-01-01 00:00:00.000000",
                     "2026-01-01 00:00:00.000000", *[item.get(c) for c in columns])
                    for i, item in enumerate(items)]
            await self.sqlite.executemany(
                f"INSERT INTO {self.table} ({quoted}) VALUES ({marks})", rows)
            await self.sqlite.commit()
            return []


def floor_app(store: Store) -> Any:
    async def app(scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await store.open()
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        path = scope["path"]
        if path == "/health/":
            body: bytes = b"OK"
        elif scope["method"] == "GET":
            query = parse_qs(scope["query_string"].decode())
            size = int(query.get("size", ["100"])[0])
            page = int(query.get("page", ["1"])[0])
            count, rows = await store.page(size, (page - 1) * size)
            for row in rows:
                row.pop("created_on", None)
                row.pop("updated_on", None)
            body = orjson.dumps({"count": count, "next": None, "previous": None,
                                 "results": rows}, default=_default)
        else:
            chunks = []
            while True:
                message = await receive()
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    break
            items = orjson.loads(b"".join(chunks))["items"]
            ids = await store.insert(items)
            body = orjson.dumps({"items": [{"id": i} for i in ids]})
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(floor_app(Store(args.database_url, args.table)), host="127.0.0.1",
                port=args.port, log_level="warning", lifespan="on")


if __name__ == "__main__":
    main()
