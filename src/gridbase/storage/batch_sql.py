"""PostgreSQL statements that write a whole batch of rows in one go, and their parameters.

A batch travels as one JSON parameter, an array of row objects that `json_to_recordset`
reads into the columns' own types: one parameter whatever the batch size, encoded by
orjson in C and read by PostgreSQL's input functions, where one array per column costs
the driver a type check and an encoder call per value. Values go through each column
type's own bind conversion first, then become JSON text that reads back exactly: text,
integers, booleans, ISO dates and times with their offset, decimals as their digits,
floats in their shortest exact form, JSON columns as their JSON text (cast back in the
statement). Tables with a column of any other type send one array per column instead.

Statements are text, built once per table object (one per schema version), column
choice and variant, so SQLAlchemy prepares each once.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Literal

import orjson
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.selectable import TextualSelect

from gridbase.storage.kept import kept_for
from gridbase.storage.table_versions import Bump, bump_cte

__all__ = ["batch_params", "insert_statement", "update_statement"]

_JSON_TYPES = (sa.String, sa.Integer, sa.Boolean, sa.Date, sa.Numeric, sa.JSON)


def _base_type(conn: AsyncConnection, column: sa.Column[Any]) -> sa.types.TypeEngine[Any]:
    kind = column.type
    if isinstance(kind, sa.types.TypeDecorator):
        return kind.load_dialect_impl(conn.dialect)
    return kind


def _as_json(conn: AsyncConnection, table: sa.Table, keys: Sequence[str]) -> bool:
    """Whether every column reads exactly from JSON text (see the module doc)."""
    for key in keys:
        kind = _base_type(conn, table.c[key])
        timestamp = isinstance(kind, sa.DateTime) and bool(kind.timezone)
        if not (timestamp or isinstance(kind, _JSON_TYPES)):
            return False
    return True


def _is_json(conn: AsyncConnection, column: sa.Column[Any]) -> bool:
    return isinstance(_base_type(conn, column), sa.JSON)


def _decimal_text(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot send {type(value).__name__} as JSON")


_Encoding = tuple[tuple[Any, ...], bool]


def _encoding(conn: AsyncConnection, table: sa.Table, keys: Sequence[str]) -> _Encoding:
    # per table object (`kept_for`) and column choice: each column's bind conversion,
    # and whether the batch travels as JSON (`_as_json`)
    by_keys: dict[tuple[str, ...], _Encoding] = kept_for(table, "encodings")
    chosen = tuple(keys)
    found = by_keys.get(chosen)
    if found is None:
        dialect = conn.dialect
        found = by_keys[chosen] = (
            tuple(table.c[key].type.dialect_impl(dialect).bind_processor(dialect)
                  for key in chosen),
            _as_json(conn, table, chosen))
    return found


def batch_params(conn: AsyncConnection, table: sa.Table, keys: Sequence[str],
                 columns: Sequence[list[Any]], ids: list[int] | None = None
                 ) -> dict[str, Any]:
    """The parameters of a batch statement: each column's values (one list per key,
    `ids` first for updates) through the column type's own bind conversion, as one JSON
    `rows` parameter or as arrays `p0`, `p1`, ... (see `insert_statement`)."""
    processors, as_json = _encoding(conn, table, keys)
    processed: list[list[Any]] = [
        column if process is None else [process(v) for v in column]
        for process, column in zip(processors, columns, strict=True)]
    if ids is not None:
        keys, processed = ["gridbase_id", *keys], [ids, *processed]
    if as_json:
        rows = [dict(zip(keys, values, strict=True)) for values in zip(*processed, strict=True)]
        return {"rows": orjson.dumps(rows, default=_decimal_text,
                                     option=orjson.OPT_NAIVE_UTC).decode()}
    return {f"p{i}": values for i, values in enumerate(processed)}


def _source(conn: AsyncConnection, table: sa.Table, keys: Sequence[str], *,
            with_id: bool, ordinality: bool) -> tuple[str, list[str]]:
    """The FROM item reading a batch's parameters as rows `gridbase_new`, and the
    expression of each key's value (JSON columns cast back from their text)."""
    preparer = conn.dialect.identifier_preparer
    names = [preparer.quote(key) for key in keys]
    position = ", gridbase_position" if ordinality else ""
    ordered = " WITH ORDINALITY" if ordinality else ""
    id_name = ["gridbase_id"] if with_id else []
    if not _as_json(conn, table, keys):
        types = ["INTEGER"] if with_id else []
        types += [table.c[key].type.compile(dialect=conn.dialect) for key in keys]
        arrays = ", ".join(f"CAST(:p{i} AS {kind}[])" for i, kind in enumerate(types))
        values = [f"gridbase_new.{name}" for name in names]
        return (f"unnest({arrays}){ordered} AS gridbase_new"
                f"({', '.join([*id_name, *names])}{position})", values)
    definitions = ["gridbase_id INTEGER"] if with_id else []
    values = []
    for key, name in zip(keys, names, strict=True):
        column = table.c[key]
        if _is_json(conn, column):
            definitions.append(f"{name} TEXT")
            values.append(f"CAST(gridbase_new.{name} AS {column.type.compile(conn.dialect)})")
        else:
            definitions.append(f"{name} {column.type.compile(dialect=conn.dialect)}")
            values.append(f"gridbase_new.{name}")
    records = "json_to_recordset(CAST(:rows AS JSON))"
    if ordinality:
        return (f"ROWS FROM ({records} AS ({', '.join(definitions)})) WITH ORDINALITY "
                f"AS gridbase_new({', '.join([*id_name, *names])}{position})", values)
    return f"{records} AS gridbase_new({', '.join(definitions)})", values


def insert_statement(conn: AsyncConnection, table: sa.Table, keys: tuple[str, ...],
                     at_end: bool, read_back: bool | Literal["ids"],
                     bump: Bump | None = None) -> TextualSelect:
    """`INSERT ... SELECT FROM <the batch> ... RETURNING *`: rows are inserted in batch
    order, so the ids the sequence hands out increase in that order; their
    `created_on` and `updated_on` are `:stamp`. `at_end`: the statement itself numbers
    the rows after the table's highest order (what `orders_before(..., None, ...)`
    gives), saving that query's round trip. Without `read_back` it returns only the
    ids and orders; with `read_back="ids"` only the ids. `bump`: the statement also
    bumps the table's data version (`table_versions.bump_cte`, parameters
    `bump_params()`) and returns the bump's columns after the row's, in every row."""
    by_keys: dict[tuple[tuple[str, ...], bool, bool | str, tuple[Any, ...]],
                  TextualSelect] = kept_for(table, "inserts")
    bumped = (bump.table_id, bump.names) if bump is not None else ()
    cached = by_keys.get((keys, at_end, read_back, bumped))
    if cached is not None:
        return cached
    preparer = conn.dialect.identifier_preparer
    target = preparer.format_table(table)
    source, selected = _source(conn, table, keys, with_id=False, ordinality=True)
    columns = [preparer.quote(key) for key in keys]
    stamp_type = table.c.created_on.type.compile(dialect=conn.dialect)
    columns += ['"created_on"', '"updated_on"']
    selected += [f"CAST(:stamp AS {stamp_type})"] * 2
    if at_end:
        columns.append('"order"')
        selected.append(f'(SELECT trunc(coalesce(max("order"), 0)) FROM {target}) '
                        "+ gridbase_position")
    returned = ["id"] if read_back == "ids" else ["*"] if read_back else ["id", '"order"']
    extra: list[sa.ColumnClause[Any]] = []
    for label in bump.returning if bump is not None else ():
        subquery = label.element.compile(dialect=conn.dialect,
                                         compile_kwargs={"literal_binds": True})
        returned.append(f"({subquery}) AS {preparer.quote(label.name)}")
        extra.append(sa.column(label.name, label.type))
    with_bump = f"WITH {bump_cte(bump.table_id)} " if bump is not None else ""
    statement = sa.text(
        f"{with_bump}INSERT INTO {target} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected)} FROM {source} ORDER BY gridbase_position "
        f"RETURNING {', '.join(returned)}"
    ).bindparams(sa.bindparam("stamp", type_=table.c.created_on.type)).columns(
        *((table.c.id,) if read_back == "ids" else table.c if read_back
          else (table.c.id, table.c.order)), *extra)
    by_keys[(keys, at_end, read_back, bumped)] = statement
    return statement


def update_statement(conn: AsyncConnection, table: sa.Table, keys: tuple[str, ...],
                     returning: tuple[str, ...] | None = None
                     ) -> sa.TextClause | TextualSelect:
    """`UPDATE ... FROM <the batch> [RETURNING ...]`: rows changing the same columns
    (`keys`) are one statement, whatever their number; `updated_on` is set to `:stamp`.
    `returning`: the columns returned, if any."""
    by_keys: dict[tuple[tuple[str, ...], tuple[str, ...] | None],
                  sa.TextClause | TextualSelect] = kept_for(table, "updates")
    cached = by_keys.get((keys, returning))
    if cached is not None:
        return cached
    preparer = conn.dialect.identifier_preparer
    source, values = _source(conn, table, keys, with_id=True, ordinality=False)
    sets = [f"{preparer.quote(key)} = {value}" for key, value in zip(keys, values, strict=True)]
    stamp_type = table.c.updated_on.type.compile(dialect=conn.dialect)
    sets.append(f'"updated_on" = CAST(:stamp AS {stamp_type})')
    returned = [table.c[key] for key in returning or ()]
    listed = ", ".join(f"gridbase_row.{preparer.quote(column.name)}" for column in returned)
    text = sa.text(
        f"UPDATE {preparer.format_table(table)} AS gridbase_row SET {', '.join(sets)} "
        f"FROM {source} WHERE gridbase_row.id = gridbase_new.gridbase_id"
        + (f" RETURNING {listed}" if returned else "")
    ).bindparams(sa.bindparam("stamp", type_=table.c.updated_on.type))
    statement = text.columns(*returned) if returned else text
    by_keys[(keys, returning)] = statement
    return statement
