"""SQL over a multiple select's JSON list of option ids, written once for both backends.

PostgreSQL and SQLite both store the list as JSON text but unpack it differently
(`json_array_elements_text` against `json_each`); these constructs hide that.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement

from gridbase.storage import schema as meta
from gridbase.storage.sql_functions import dialect_templates

__all__ = ["HasOption", "OptionCount", "OptionValuesText"]

_OPTIONS = meta.select_options.name


class OptionValuesText(FunctionElement[str]):
    """The option values of a JSON id list, in list order, joined by ", " (NULL if none)."""

    type = sa.Text()
    inherit_cache = True
    name = "option_values_text"


# CROSS JOIN keeps SQLite's json_each as the outer loop, so the values come in list order.
dialect_templates(
    OptionValuesText,
    postgresql=("(SELECT string_agg(so.value, ', ' ORDER BY je.position) "
                "FROM json_array_elements_text({0}) WITH ORDINALITY AS je(item, position) "
                f"JOIN {_OPTIONS} AS so ON so.id = CAST(je.item AS INTEGER))"),
    sqlite=("(SELECT group_concat(so.value, ', ') FROM json_each({0}) AS je "
            f"CROSS JOIN {_OPTIONS} AS so WHERE so.id = je.value)"))


class OptionCount(FunctionElement[int]):
    """How many ids a JSON id list holds (NULL for NULL)."""

    type = sa.Integer()
    inherit_cache = True
    name = "json_array_length"


dialect_templates(OptionCount, postgresql="json_array_length({0})",
                  sqlite="json_array_length({0})")


class HasOption(FunctionElement[bool]):
    """True where a JSON id list holds the given option id: `HasOption(column, 12)`."""

    type = sa.Boolean()
    inherit_cache = True
    name = "has_option"

    def __init__(self, column: ColumnElement[Any], option_id: int) -> None:
        super().__init__(column, sa.literal(int(option_id), sa.Integer))


@compiles(HasOption, "postgresql")
def _has_pg(element: HasOption, compiler: SQLCompiler, **kw: Any) -> str:
    column, option = (compiler.process(c, **kw) for c in element.clauses)
    return (f"EXISTS (SELECT 1 FROM json_array_elements_text({column}) AS je(item) "
            f"WHERE je.item = CAST({option} AS TEXT))")


@compiles(HasOption, "sqlite")
def _has_sqlite(element: HasOption, compiler: SQLCompiler, **kw: Any) -> str:
    column, option = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXISTS (SELECT 1 FROM json_each({column}) AS je WHERE je.value = {option})"
