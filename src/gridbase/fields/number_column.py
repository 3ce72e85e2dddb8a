"""The column behind number fields: exact decimals on PostgreSQL and on SQLite.

SQLite's NUMERIC affinity turns every decimal into a REAL and keeps only about 15
significant digits, while a number field holds up to 60. So on SQLite the column has no
affinity (declared BLOB) and each value is stored as an INTEGER or a REAL when that is
exact, otherwise as its decimal text. Sorting casts to REAL there, which orders the rare
long values among the others.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler

__all__ = ["ExactDecimal", "numeric_sort_key", "sorted_number_column"]

_INT64 = 2**63


class _AnyValue(sa.types.UserDefinedType[Any]):
    """A SQLite column type without affinity: values are kept as they are bound."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "BLOB"


def _sqlite_value(number: Decimal) -> int | float | str:
    if number == number.to_integral_value() and abs(number) < _INT64:
        return int(number)
    as_float = float(number)
    if Decimal(repr(as_float)) == number:
        return as_float
    return f"{number:f}"


class ExactDecimal(sa.types.TypeDecorator[Decimal]):
    """NUMERIC(precision, scale) on PostgreSQL; exact values without affinity on SQLite."""

    impl = sa.Numeric
    cache_ok = True

    def __init__(self, precision: int, scale: int) -> None:
        super().__init__()
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(_AnyValue())
        return dialect.type_descriptor(sa.Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "sqlite":
            return value
        return _sqlite_value(value if isinstance(value, Decimal) else Decimal(str(value)))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            return value
        if isinstance(value, float):
            return Decimal(repr(value))
        if isinstance(value, bytes):
            value = value.decode()
        return Decimal(str(value))


class _NumericSortKey(sa.sql.expression.ColumnElement[Any]):
    """The value to sort a number column by: the column itself, CAST to REAL on SQLite."""

    inherit_cache = True
    _traverse_internals = [("column", sa.sql.visitors.InternalTraversal.dp_clauseelement)]

    def __init__(self, column: sa.ColumnElement[Any]) -> None:
        self.column = column
        self.type = column.type


@compiles(_NumericSortKey)
def _compile_default(element: _NumericSortKey, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.column, **kw)


@compiles(_NumericSortKey, "sqlite")
def _compile_sqlite(element: _NumericSortKey, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST({compiler.process(element.column, **kw)} AS REAL)"


def numeric_sort_key(column: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return _NumericSortKey(column)


def sorted_number_column(expression: Any) -> sa.ColumnElement[Any] | None:
    """The column a `numeric_sort_key` sorts by, or None for any other expression (the
    automatic indexes match the key to an index on the column)."""
    return expression.column if isinstance(expression, _NumericSortKey) else None
