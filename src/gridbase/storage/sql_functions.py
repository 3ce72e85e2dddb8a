"""SQL constructs that both backends understand, compiled per dialect.

SQLite lacks a few things PostgreSQL has (regular expressions, fixed-point formatting);
these constructs hide the difference so filters and search are written once.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

__all__ = ["FoldedText", "FormatDecimal", "HasWord", "dialect_templates", "fold_case",
           "icontains", "register_sqlite_functions"]


def dialect_templates(element: type[FunctionElement[Any]], **by_dialect: str) -> None:
    """Compile `element` on each named dialect from a template: `{0}` is its argument
    compiled (a construct of several arguments gets them comma-separated)."""
    for dialect, template in by_dialect.items():
        def compile_sql(element: FunctionElement[Any], compiler: SQLCompiler,
                        template: str = template, **kw: Any) -> str:
            return template.format(compiler.process(element.clauses, **kw))

        compiles(element, dialect)(compile_sql)


class FormatDecimal(FunctionElement[str]):
    """A number as text with a fixed count of decimal places ("3.50")."""

    type = sa.Text()
    inherit_cache = True
    name = "format_decimal"
    # The places change the SQL, so they are part of the statement cache key.
    _traverse_internals = [*FunctionElement._traverse_internals,
                           ("places", InternalTraversal.dp_plain_obj)]

    def __init__(self, expression: ColumnElement[Any], places: int) -> None:
        self.places = places
        super().__init__(expression)


@compiles(FormatDecimal, "postgresql")
def _format_decimal_pg(element: FormatDecimal, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    return f"CAST(ROUND(CAST({inner} AS NUMERIC), {int(element.places)}) AS TEXT)"


@compiles(FormatDecimal, "sqlite")
def _format_decimal_sqlite(element: FormatDecimal, compiler: SQLCompiler, **kw: Any) -> str:
    inner = compiler.process(element.clauses, **kw)
    # Number columns hold integers, REALs exact to their decimal (see number_column) and
    # longer decimals as text. printf() goes through a double: exact for those REALs
    # (none has more places than the field), not for big integers or long decimals.
    places = int(element.places)
    whole = f"{inner} || '.{'0' * places}'" if places else f"CAST({inner} AS TEXT)"
    return (f"(CASE typeof({inner}) WHEN 'integer' THEN {whole} "
            f"WHEN 'real' THEN printf('%.{places}f', {inner}) "
            f"WHEN 'text' THEN gridbase_format_decimal({inner}, {places}) END)")


_EXACT = Context(prec=200)  # more digits than any number field holds


def _sqlite_format_decimal(value: Any, places: int) -> Any:
    try:
        exact = Decimal(value.decode() if isinstance(value, bytes) else str(value))
        rounded = exact.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP, _EXACT)
    except ArithmeticError:
        return None
    return f"{abs(rounded) if rounded.is_zero() else rounded:f}"


class HasWord(FunctionElement[bool]):
    """True when the text contains the word as a whole word, ignoring case."""

    type = sa.Boolean()
    inherit_cache = True
    name = "has_word"


@compiles(HasWord, "postgresql")
def _has_word_pg(element: HasWord, compiler: SQLCompiler, **kw: Any) -> str:
    text, word = list(element.clauses)
    return (f"({compiler.process(text, **kw)} ~* ('\\m' || "
            f"regexp_replace({compiler.process(word, **kw)}, "
            f"'([.^$*+?()\\[\\]{{}}|\\\\-])', '\\\\\\1', 'g') || '\\M'))")


@compiles(HasWord, "sqlite")
def _has_word_sqlite(element: HasWord, compiler: SQLCompiler, **kw: Any) -> str:
    text, word = list(element.clauses)
    return f"gridbase_has_word({compiler.process(text, **kw)}, {compiler.process(word, **kw)})"


def _sqlite_has_word(text: str | None, word: str | None) -> int | None:
    if text is None or word is None:
        return None
    pattern = rf"(?<!\w)(?=\w){re.escape(word)}(?<=\w)(?!\w)"
    return 1 if re.search(pattern, text, re.IGNORECASE) else 0


def register_sqlite_functions(dbapi_connection: Any) -> None:
    """Install the Python functions the SQLite compilations above call."""
    dbapi_connection.create_function("gridbase_has_word", 2, _sqlite_has_word,
                                     deterministic=True)
    dbapi_connection.create_function("gridbase_format_decimal", 2, _sqlite_format_decimal,
                                     deterministic=True)
    # SQLite's own lower() folds ASCII only; PostgreSQL folds all of Unicode.
    dbapi_connection.create_function("lower", 1, _sqlite_lower, deterministic=True)
    from gridbase.storage.date_sql import register_sqlite_date_functions
    from gridbase.storage.json_sql import register_sqlite_json_functions

    register_sqlite_date_functions(dbapi_connection)
    register_sqlite_json_functions(dbapi_connection)


def fold_case(text: str) -> str:
    """Lower case one character at a time, as PostgreSQL's lower() does: Python's own
    str.lower() turns "İ" into two characters and a word-final "Σ" into "ς", which
    PostgreSQL does not, and both backends (and search terms) must fold alike."""
    if "\u0130" not in text and "\u03a3" not in text:
        return text.lower()
    return "".join("i" if char == "\u0130" else char.lower() for char in text)


def _sqlite_lower(text: Any) -> Any:
    return fold_case(text) if isinstance(text, str) else text


class FoldedText(FunctionElement[str]):
    """A text column folded as `fold_case` does, to sort by: `lower(column)`. On SQLite,
    whose lower() is a Python function (each call waits for the GIL, a long wait with
    other requests running), text of printable ASCII alone sorts as itself under the
    NOCASE collation, which folds ASCII letters before comparing: the same order, as
    folded text holds no capital ASCII letter. Other text still goes through lower()."""

    type = sa.Text()
    inherit_cache = True
    name = "lower"


@compiles(FoldedText)
def _folded_default(element: FoldedText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(FoldedText, "sqlite")
def _folded_sqlite(element: FoldedText, compiler: SQLCompiler, **kw: Any) -> str:
    text = compiler.process(element.clauses, **kw)
    return (f"(CASE WHEN {text} GLOB '*[^ -~]*' THEN lower({text}) ELSE {text} END) "
            "COLLATE NOCASE")


# The only characters outside ASCII that fold_case turns into ASCII letters: capital I
# with a dot ("i") and the Kelvin sign ("k"). SQLite's LIKE folds ASCII letters alone.
_ASCII_FROM_ELSEWHERE = {"i": "\u0130", "k": "\u212a"}


class _Contains(FunctionElement[bool]):
    """`lower(text) LIKE pattern`, the pattern already folded and escaped. On SQLite,
    whose lower() is a Python function (one call per row, all rows' calls in turn under
    the GIL), an ASCII pattern is matched by SQLite's own LIKE, which already ignores the
    case of ASCII letters, on the text itself; where the pattern holds an i or a k, a
    text holding a character that folds to one ("İ", "K") still goes through lower()."""

    type = sa.Boolean()
    inherit_cache = True
    name = "gridbase_contains"
    # How SQLite matches changes the SQL, so it is part of the statement cache key (as a
    # string that is never empty: the cache key leaves out empty values).
    _traverse_internals = [*FunctionElement._traverse_internals,
                           ("sqlite_match", InternalTraversal.dp_plain_obj)]

    def __init__(self, text: ColumnElement[Any], pattern: str) -> None:
        # "lower": lower() on every row; "like": SQLite's LIKE on the text; else the
        # characters whose presence in the text needs lower()
        match = "lower"
        if pattern.isascii() and (_column(text) or not any(
                letter in pattern for letter in _ASCII_FROM_ELSEWHERE)):
            match = "".join(char for letter, char in _ASCII_FROM_ELSEWHERE.items()
                            if letter in pattern) or "like"
        self.sqlite_match = match
        super().__init__(text, sa.literal(pattern, sa.Text))


def _column(text: ColumnElement[Any]) -> bool:
    """A column, or a column cast to text: cheap to read three times (the guarded form)
    where an expression (a link's text, a formatted date) may not be."""
    if isinstance(text, sa.Cast):
        text = text.clause
    return isinstance(text, sa.ColumnClause)


def _like(text: str, pattern: str) -> str:
    return f"({text} LIKE {pattern} ESCAPE '\\')"


@compiles(_Contains)
def _contains_default(element: _Contains, compiler: SQLCompiler, **kw: Any) -> str:
    # as `sa.func.lower(text).like(pattern, escape="\\")` renders
    text, pattern = (compiler.process(clause, **kw) for clause in element.clauses)
    return _like(f"lower({text})", pattern)


@compiles(_Contains, "sqlite")
def _contains_sqlite(element: _Contains, compiler: SQLCompiler, **kw: Any) -> str:
    match = element.sqlite_match
    if match == "lower":
        return _contains_default(element, compiler, **kw)
    text, pattern = (compiler.process(clause, **kw) for clause in element.clauses)
    if match == "like":
        return _like(text, pattern)
    # CASE, not OR: SQLite evaluates its branches in order and only the one taken.
    present = " OR ".join(f"instr({text}, '{char}') > 0" for char in match)
    return (f"(CASE WHEN {present} THEN {_like(f'lower({text})', pattern)} "
            f"ELSE {_like(text, pattern)} END)")


def icontains(expression: ColumnElement[Any], value: str) -> ColumnElement[bool]:
    """Case-insensitive substring match with LIKE wildcards in `value` taken literally:
    the text folded by `fold_case` holds `value` folded. Stored text never holds NUL
    (PostgreSQL cannot even compare with it): no match."""
    if "\x00" in value:
        return sa.false()
    escaped = fold_case(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return _Contains(expression, f"%{escaped}%")
