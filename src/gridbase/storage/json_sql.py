"""JSON built by the database, for pages of rows answered without Python per cell.

A page of 100 rows costs more Python time turned into dicts and JSON than the database
spends finding it; PostgreSQL and SQLite build the same JSON in C. These constructs are
what the field types' `json_expression`s are made of, compiled per dialect.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from gridbase.storage.sql_functions import dialect_templates
from gridbase.storage.types import format_order

__all__ = ["IdArray", "JoinedValue", "JsonArray", "JsonBool", "JsonObject", "JsonRowsText",
           "JsonText", "OrderText", "UtcIsoText", "json_object", "register_sqlite_json_functions",
           "with_joins"]


class JsonObject(FunctionElement[Any]):
    """An object of (key, value) pairs, keys in the order given: text values become
    strings, numbers numbers, NULL null, and JSON values are embedded."""

    inherit_cache = True
    name = "json_object"


dialect_templates(JsonObject, postgresql="json_build_object({0})", sqlite="json_object({0})")


def json_object(pairs: list[tuple[str, ColumnElement[Any]]]) -> JsonObject:
    """`JsonObject` with keys as text literals (typed, so PostgreSQL's variadic
    json_build_object knows them)."""
    args: list[Any] = []
    for key, value in pairs:
        args += [sa.cast(sa.literal(key, sa.Text), sa.Text), value]
    return JsonObject(*args)


class JsonArray(FunctionElement[Any]):
    """An aggregate: the JSON array of its rows' values, ordered by the further
    arguments on PostgreSQL; on SQLite in the order the rows come (an ordered subquery)."""

    inherit_cache = True
    name = "json_array_agg"


@compiles(JsonArray, "postgresql")
def _array_pg(element: JsonArray, compiler: SQLCompiler, **kw: Any) -> str:
    value, *order = (compiler.process(c, **kw) for c in element.clauses)
    ordered = f" ORDER BY {', '.join(order)}" if order else ""
    return f"json_agg({value}{ordered})"


@compiles(JsonArray, "sqlite")
def _array_sqlite(element: JsonArray, compiler: SQLCompiler, **kw: Any) -> str:
    value = compiler.process(next(iter(element.clauses)), **kw)
    return f"json_group_array({value})"


class JsonRowsText(FunctionElement[str]):
    """An aggregate: the JSON array of its rows' values as text, `[]` for no rows."""

    type = sa.Text()
    inherit_cache = True
    name = "json_rows_text"


dialect_templates(JsonRowsText, postgresql="COALESCE(CAST(json_agg({0}) AS TEXT), '[]')",
                  sqlite="json_group_array({0})")


class JsonText(FunctionElement[Any]):
    """JSON given as text (a constant, say), embedded as JSON rather than as a string."""

    inherit_cache = True
    name = "json_text"


dialect_templates(JsonText, postgresql="CAST({0} AS JSON)", sqlite="json({0})")


class JsonBool(FunctionElement[Any]):
    """A boolean column as JSON true/false, NULL read as false."""

    inherit_cache = True
    name = "json_bool"


dialect_templates(JsonBool, postgresql="COALESCE({0}, false)",
                  sqlite="json(CASE WHEN {0} THEN 'true' ELSE 'false' END)")


class UtcIsoText(FunctionElement[str]):
    """An aware timestamp as UTC ISO text with a `Z`, the microseconds only when there
    are any: 2024-01-31T13:05:00Z, 2024-01-31T13:05:00.250000Z."""

    type = sa.Text()
    inherit_cache = True
    name = "utc_iso_text"


dialect_templates(
    UtcIsoText,
    postgresql=("(to_char(({0} AT TIME ZONE 'UTC'), 'YYYY-MM-DD\"T\"HH24:MI:SS') || CASE WHEN "
                "date_part('microseconds', ({0} AT TIME ZONE 'UTC')) :: bigint % 1000000 = 0 "
                "THEN '' ELSE to_char(({0} AT TIME ZONE 'UTC'), '.US') END || 'Z')"),
    # stored as "2024-01-31 13:05:00.250000" (UtcDateTime)
    sqlite=("(replace(substr({0}, 1, 19), ' ', 'T') || CASE WHEN substr({0}, 20) "
            "IN ('', '.000000') THEN '' ELSE substr({0}, 20) END || 'Z')"))


class OrderText(FunctionElement[str]):
    """A row's `order` as its JSON text, twenty decimal places ("1.00000000000000000000")."""

    type = sa.Text()
    inherit_cache = True
    name = "order_text"


dialect_templates(
    OrderText,
    # NUMERIC(40, 20) prints its twenty places
    postgresql="CAST({0} AS TEXT)",
    # NUMERIC affinity keeps whole orders as integers, others as REAL
    sqlite=(f"(CASE typeof({{0}}) WHEN 'integer' THEN {{0}} || '.{'0' * 20}' "
            "ELSE gridbase_order_text({0}) END)"))


def _sqlite_order_text(order: Any) -> str | None:
    return None if order is None else format_order(Decimal(str(order)))


def register_sqlite_json_functions(dbapi_connection: Any) -> None:
    """Install the Python functions the SQLite compilations above call."""
    dbapi_connection.create_function("gridbase_order_text", 1, _sqlite_order_text,
                                     deterministic=True)


class IdArray(FunctionElement[Any]):
    """PostgreSQL: the ids a subquery selects, as an array (`ARRAY(SELECT ...)`), for
    `column = ANY(...)`, which an index answers id by id."""

    type = ARRAY(sa.Integer)
    inherit_cache = True
    name = "id_array"


@compiles(IdArray, "postgresql")
def _id_array_pg(element: IdArray, compiler: SQLCompiler, **kw: Any) -> str:
    ids = next(iter(element.clauses))  # a scalar subquery: its SELECT goes inside ARRAY()
    return f"ARRAY({compiler.process(ids.element, **kw)})"


class JoinedValue(FunctionElement[Any]):
    """A page cell with two forms: `value`, found by each row itself (what it compiles
    to), and `joined_value`, read from a subquery `joined` that the page's statement
    LEFT JOINs on `onclause` (`with_joins`). Joined, one hash join matches all the
    page's rows; but a join does not keep the page's order, so only a statement that
    orders its rows itself can use it."""

    inherit_cache = True
    name = "joined_value"

    def __init__(self, value: ColumnElement[Any], joined_value: ColumnElement[Any],
                 joined: sa.Subquery, onclause: ColumnElement[bool]) -> None:
        super().__init__(value)
        self.joined_value = joined_value
        self.joined = joined
        self.onclause = onclause


@compiles(JoinedValue)
def _joined_value(element: JoinedValue, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


def with_joins(source: sa.FromClause, cells: list[tuple[str, ColumnElement[Any]]]
               ) -> tuple[sa.FromClause, list[tuple[str, ColumnElement[Any]]]]:
    """`source` LEFT JOINed to the subqueries of the `JoinedValue`s among the cells, and
    the cells with those in their joined form."""
    joined_cells = []
    for key, value in cells:
        if isinstance(value, JoinedValue):
            source = source.outerjoin(value.joined, value.onclause)
            value = value.joined_value
        joined_cells.append((key, value))
    return source, joined_cells
