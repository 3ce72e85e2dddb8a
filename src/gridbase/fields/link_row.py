"""The `link_row` field type: a row links to rows of another table of the same database.

Links are kept in a join table shared with the related field (see `link_relation`).
Reading a link gives `[{id, value, order}]`, sorted like the linked table, where `value`
is the linked row's primary field as text; writing takes row ids or primary texts.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import sqlalchemy as sa

from gridbase.clock import now
from gridbase.errors import ApiError
from gridbase.fields.base import CellError, FieldType, PropSpec
from gridbase.fields.link_relation import (
    Relation,
    bump_table,
    chunks,
    drop_relation,
    forget_field,
    links_exist,
    relation_of,
    relation_table,
    user_table,
)
from gridbase.fields.link_sql import linked_items_json, linked_text, target_of
from gridbase.fields.model import FieldSpec, TableSchema
from gridbase.fields.select import split_comma_separated
from gridbase.storage import schema as meta
from gridbase.storage.direct import fetch_dicts, run_directly
from gridbase.storage.kept import kept_for, kept_value
from gridbase.storage.rows import existing_ids, id_in, ids_param
from gridbase.storage.types import format_order

if TYPE_CHECKING:
    from gridbase.fields.context import FieldContext

__all__ = ["LinkRowFieldType", "Relation", "links_exist", "relation_of"]

MAX_NAME = 255
MAX_ID = 2**31 - 1  # ids are 32-bit integers; larger ones cannot exist and break queries


def _field_type(name: str) -> FieldType:
    from gridbase.fields.registry import field_type_registry  # the registry imports us

    return field_type_registry.get(name)



def _links_query(relation: Relation, target: sa.Table, wanted: tuple[str, ...], dialect: str
                 ) -> sa.Select[Any]:
    """The query reading a link field's links with the linked rows' columns, built once
    per join table, target table object (`kept_for`) and column choice."""
    by_key: dict[tuple[str, str, tuple[str, ...]], sa.Select[Any]] = kept_for(
        target, "links_queries")
    key = (relation.table.name, relation.own, wanted)
    statement = by_key.get(key)
    if statement is None:
        statement = by_key[key] = (
            sa.select(relation.own_column.label("gridbase_own"),
                      *(target.c[name] for name in wanted))
            .select_from(relation.table.join(target, target.c.id == relation.other_column))
            .where(ids_param(relation.own_column, "own_ids", dialect))
            .order_by(target.c.order, target.c.id))
    return statement


def _targets_query(target: sa.Table, wanted: tuple[str, ...], dialect: str) -> sa.Select[Any]:
    """The query reading linked rows by id (the columns a link cell shows), built once
    per target table object (`kept_for`) and column choice."""
    by_key: dict[tuple[str, ...], sa.Select[Any]] = kept_for(target, "targets_queries")
    statement = by_key.get(wanted)
    if statement is None:
        statement = by_key[wanted] = sa.select(*(target.c[name] for name in wanted)).where(
            ids_param(target.c.id, "target_ids", dialect))
    return statement


@functools.lru_cache(maxsize=4096)
def _pairs_insert(relation: Relation) -> sa.TextClause:
    """PostgreSQL: a batch of links as one statement, one array per side."""
    name = relation.table.name.replace('"', '""')
    return sa.text(f'INSERT INTO "{name}" ({relation.own}, {relation.other}) '
                   "SELECT * FROM unnest(CAST(:own AS INTEGER[]), CAST(:other AS INTEGER[]))")


def _shown_columns(target: TableSchema) -> tuple[str, ...]:
    """The columns of a linked row that its cell item needs: id, order and what its
    primary field reads."""
    return kept_value(target.sa_table, "shown_columns", lambda: _columns_shown(target))


def _columns_shown(target: TableSchema) -> tuple[str, ...]:
    wanted = ["id", "order"]
    primary = target.primary
    if primary is not None:
        primary_type = _field_type(primary.type)
        wanted += [name for name in dict.fromkeys(
            (primary_type.source_column(primary), primary.column_name))
            if name in target.sa_table.c and name not in wanted]
    return tuple(wanted)


async def _cell_items(ctx: FieldContext, target: TableSchema, rows: list[dict[str, Any]]
                      ) -> dict[int, dict[str, Any]]:
    """The item each linked row shows in a cell, `{id, value, order}`, by id; `rows`
    hold `_shown_columns` and are turned into JSON in place."""
    primary = target.primary
    if primary is None:
        return {row["id"]: {"id": row["id"], "value": "", "order": format_order(row["order"])}
                for row in rows}
    primary_type = _field_type(primary.type)
    await primary_type.load(ctx, primary, target, rows)
    return {row["id"]: {"id": row["id"],
                        "value": primary_type.to_text(primary, row[primary.column_name]),
                        "order": format_order(row["order"])}
            for row in rows}


def _requested_items(value: Any) -> list[Any] | CellError:
    """A request value as a list of ids (int) and primary texts (str), or why not."""
    if value.__class__ is list and value:
        first = value[0].__class__
        if (first is int or first is str) and all(item.__class__ is first for item in value):
            return list(value)
    if isinstance(value, bool):
        return CellError("A valid integer is required.", "invalid")
    if not value:
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, str):
        return list(split_comma_separated(value))
    if not isinstance(value, list):
        return CellError("This provided value must be a list, an integer or a string.")
    first = type(value[0])
    if any(type(item) is not first for item in value):
        return CellError("All list values must be same type.", "not_same_type")
    if first not in (int, str):
        return CellError("The provided value must be a list of valid integer or string")
    return list(value)


class LinkRowFieldType(FieldType):
    type = "link_row"
    can_be_primary = False
    has_column = False
    row_local = False
    props: ClassVar[dict[str, PropSpec]] = {
        "link_row_table_id": PropSpec(None, (int,), nullable=True),
        "link_row_table": PropSpec(None, (int,), nullable=True),
        "has_related_field": PropSpec(None, (bool,)),
        "link_row_multiple_relationships": PropSpec(True, (bool,)),
        "link_row_limit_selection_view_id": PropSpec(None, (int,), nullable=True),
    }

    # -- properties -----------------------------------------------------------------

    def clean_props(self, raw: dict[str, Any], current: dict[str, Any] | None) -> dict[str, Any]:
        checked = super().clean_props(raw, None)
        props = dict(current or {})
        target = next((checked[key] for key in ("link_row_table_id", "link_row_table")
                       if raw.get(key) is not None), None)
        if target is not None:
            props["link_row_table_id"] = target
        elif props.get("link_row_table_id") is None:
            raise ApiError("ERROR_LINK_ROW_TABLE_NOT_PROVIDED",
                           "The `link_row_table_id` must be provided.")
        if "link_row_multiple_relationships" in raw or current is None:
            props["link_row_multiple_relationships"] = checked["link_row_multiple_relationships"]
        view_id = raw.get("link_row_limit_selection_view_id", -1)
        if view_id != -1:  # -1 is the API's "not given"; checked against views in after_save
            props["link_row_limit_selection_view_id"] = view_id
        props.setdefault("link_row_limit_selection_view_id", None)
        props.setdefault("link_row_related_field_id", None)
        return props

    def props_json(self, spec: FieldSpec) -> dict[str, Any]:
        return {}

    async def extra_json(self, ctx: FieldContext, spec: FieldSpec) -> dict[str, Any]:
        from gridbase.handlers.fields import field_json  # handlers build on field types

        target_id = spec.props.get("link_row_table_id")
        related_id = spec.props.get("link_row_related_field_id")
        view_id = spec.props.get("link_row_limit_selection_view_id")
        if view_id is not None and await ctx.conn.scalar(
                sa.select(meta.views.c.id).where(meta.views.c.id == view_id)) is None:
            view_id = None  # the view was deleted since
        primary_json = None
        try:
            target = await ctx.schema(int(target_id or 0))
        except ApiError:
            target = None
        if target is not None and target.primary is not None:
            primary_json = await field_json(ctx, target.primary, target)
        return {
            "link_row_table_id": target_id,
            "link_row_related_field_id": related_id,
            "link_row_table": target_id,
            "link_row_related_field": related_id,
            "link_row_limit_selection_view_id": view_id,
            "link_row_table_primary_field": primary_json,
            "link_row_multiple_relationships": spec.props.get(
                "link_row_multiple_relationships", True),
        }

    # -- lifecycle ------------------------------------------------------------------

    async def after_save(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, raw: dict[str, Any],
        old: FieldSpec | None,
    ) -> list[int]:
        conn = ctx.conn
        props = dict(spec.props)
        target_id = int(props["link_row_table_id"])
        database_id = None if not 0 < target_id <= MAX_ID else await conn.scalar(
            sa.select(meta.tables.c.database_id).where(meta.tables.c.id == target_id))
        if database_id is None:
            raise ApiError("ERROR_TABLE_DOES_NOT_EXIST")
        if database_id != table.database_id:
            raise ApiError("ERROR_LINK_ROW_TABLE_NOT_IN_SAME_DATABASE")
        self_link = target_id == table.id
        previous = old.props if old is not None else None
        related_id = previous.get("link_row_related_field_id") if previous else None
        retarget = previous is not None and previous.get("link_row_table_id") != target_id
        wanted = raw.get("has_related_field")
        if wanted is None:
            wanted = not self_link and (previous is None or related_id is not None)
        if wanted and self_link:
            raise ApiError("ERROR_SELF_REFERENCING_LINK_ROW_CANNOT_HAVE_RELATED_FIELD",
                           "A self referencing link row cannot have a related field.")
        await self._check_view(ctx, props, target_id, raw, retarget)
        if previous is None or not props.get("relation_table"):
            props["relation_table"] = f"database_relation_{spec.id}"
            props["relation_side"] = "a"
            await conn.run_sync(lambda sync: relation_table(props["relation_table"])
                                .create(sync))
        elif retarget:
            await conn.execute(relation_of(spec).table.delete())
        if related_id is not None and (retarget or not wanted):
            await forget_field(conn, int(related_id))
            related_id = None
        if wanted and related_id is None:
            related_id = await self._create_related(ctx, spec, table, target_id, props)
        props["link_row_related_field_id"] = related_id
        if previous is not None and not retarget and not props.get(
                "link_row_multiple_relationships", True) and previous.get(
                "link_row_multiple_relationships", True):
            await self._keep_first_links(ctx, spec)
        if props != spec.props:
            await conn.execute(meta.fields.update().where(meta.fields.c.id == spec.id)
                               .values(props=props))
            await bump_table(conn, table.id)
        return []

    async def _check_view(self, ctx: FieldContext, props: dict[str, Any], target_id: int,
                          raw: dict[str, Any], retarget: bool) -> None:
        """The view limiting the choices must be one of the linked table's views."""
        key = "link_row_limit_selection_view_id"
        view_id = props.get(key)
        if view_id is None:
            return
        if retarget and raw.get(key, -1) == -1:
            props[key] = None  # a view of the previous table does not carry over
            return
        found = None if not 0 < view_id <= MAX_ID else await ctx.conn.scalar(
            sa.select(meta.views.c.id).where(meta.views.c.id == view_id,
                                             meta.views.c.table_id == target_id))
        if found is None:
            raise ApiError("ERROR_VIEW_DOES_NOT_EXIST")

    async def _create_related(self, ctx: FieldContext, spec: FieldSpec, table: TableSchema,
                              target_id: int, props: dict[str, Any]) -> int:
        """The reverse field in the linked table, named after this table."""
        target = await ctx.schema(target_id)
        taken = set(target.by_name)
        candidates = [table.name[:MAX_NAME], f"{table.name} - {spec.name}"[:MAX_NAME]]
        name = next((c for c in candidates if c not in taken), None)
        suffix = 2
        while name is None:
            numbered = f"{table.name[:MAX_NAME - 8]} {suffix}"
            name = numbered if numbered not in taken else None
            suffix += 1
        order = max((f.order for f in target.fields), default=-1) + 1
        related_props = {
            "link_row_table_id": table.id,
            "link_row_related_field_id": spec.id,
            "link_row_multiple_relationships": True,
            "link_row_limit_selection_view_id": None,
            "relation_table": props["relation_table"],
            "relation_side": "b" if props.get("relation_side", "a") == "a" else "a",
        }
        related_id: int = (await ctx.conn.execute(meta.fields.insert().values(
            table_id=target_id, name=name, type=self.type, order=order, primary=False,
            description=None, db_index=False, props=related_props, created_on=now(),
        ).returning(meta.fields.c.id))).scalar_one()
        await bump_table(ctx.conn, target_id)
        return related_id

    async def _keep_first_links(self, ctx: FieldContext, spec: FieldSpec) -> None:
        """Now limited to one link per row: keep the first in the linked table's order."""
        relation = relation_of(spec)
        target = user_table(int(spec.props["link_row_table_id"]))
        rows = (await ctx.conn.execute(
            sa.select(relation.own_column, relation.other_column)
            .select_from(relation.table.join(target, target.c.id == relation.other_column))
            .order_by(target.c.order, target.c.id))).all()
        kept: dict[int, int] = {}
        for own, other in rows:
            kept.setdefault(own, other)
        if not kept:
            return
        await ctx.conn.execute(relation.table.delete())
        await ctx.conn.execute(relation.table.insert(), [
            {relation.own: own, relation.other: other} for own, other in kept.items()])

    async def before_delete(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema
    ) -> list[int]:
        related_id = spec.props.get("link_row_related_field_id")
        deleted = []
        if related_id is not None and await forget_field(ctx.conn, int(related_id)):
            deleted.append(int(related_id))
        await drop_relation(ctx.conn, spec.props.get("relation_table"))
        return deleted

    async def before_table_delete(self, ctx: FieldContext, table_id: int) -> None:
        database_id = await ctx.conn.scalar(sa.select(meta.tables.c.database_id)
                                            .where(meta.tables.c.id == table_id))
        if database_id is None:
            return
        siblings = sa.select(meta.tables.c.id).where(meta.tables.c.database_id == database_id,
                                                     meta.tables.c.id != table_id)
        rows = (await ctx.conn.execute(
            sa.select(meta.fields.c.id, meta.fields.c.props)
            .where(meta.fields.c.type == self.type, meta.fields.c.table_id.in_(siblings))
        )).all()
        for field_id, props in rows:
            if (props or {}).get("link_row_table_id") == table_id:
                await drop_relation(ctx.conn, props.get("relation_table"))
                await forget_field(ctx.conn, field_id)

    async def forget_rows(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, row_ids: list[int]
    ) -> None:
        relation = relation_of(spec)
        self_link = spec.props.get("link_row_table_id") == table.id
        for chunk in chunks(row_ids):
            condition: sa.ColumnElement[bool] = relation.own_column.in_(chunk)
            if self_link:
                condition = sa.or_(condition, relation.other_column.in_(chunk))
            await ctx.conn.execute(relation.table.delete().where(condition))

    # -- values ---------------------------------------------------------------------

    async def _primary_texts(self, ctx: FieldContext, target: TableSchema,
                             where: sa.ColumnElement[bool] | None) -> list[tuple[int, str]]:
        """(id, primary text) of the target's rows matching `where`, in the table's order."""
        query = sa.select(target.sa_table).order_by(target.sa_table.c.order,
                                                    target.sa_table.c.id)
        if where is not None:
            query = query.where(where)
        rows = [dict(r) for r in (await ctx.conn.execute(query)).mappings()]
        primary = target.primary
        if primary is None:
            return [(row["id"], "") for row in rows]
        primary_type = _field_type(primary.type)
        await primary_type.load(ctx, primary, target, rows)
        return [(row["id"], primary_type.to_text(primary, row[primary.column_name]))
                for row in rows]

    async def _ids_for_texts(self, ctx: FieldContext, target: TableSchema,
                             texts: set[str]) -> dict[str, int]:
        """Rows whose primary text is one of `texts`; the first in table order wins."""
        primary = target.primary
        if primary is None or not texts:
            return {}
        primary_type = _field_type(primary.type)
        source = primary_type.source_column(primary)
        where: sa.ColumnElement[bool] | None = None
        if primary_type.has_column and source in target.sa_table.c:
            # A text primary is looked up by its stored value; any other kind is compared
            # as text after reading (a full pass, but no odd value ever reaches the SQL).
            # Text with NUL cannot be stored (PostgreSQL refuses it), so it matches nothing.
            try:
                stored = [primary_type.from_text(primary, text) for text in sorted(texts)
                          if "\x00" not in text]
            except Exception:  # a type's best-effort parse must not fail a write
                stored = [None]
            if all(isinstance(value, str) for value in stored):
                where = target.sa_table.c[source].in_(stored)
        found: dict[str, int] = {}
        for row_id, text in await self._primary_texts(ctx, target, where):
            if text in texts:
                found.setdefault(text, row_id)
        return found

    async def _linkable(self, ctx: FieldContext, target: TableSchema, ids: set[int]
                        ) -> dict[int, dict[str, Any]]:
        """The rows of `target` among `ids`, with the columns their cell items show."""
        wanted = _shown_columns(target)
        statement = _targets_query(target.sa_table, wanted, ctx.dialect)
        found: dict[int, dict[str, Any]] = {}
        for chunk in chunks(sorted(i for i in ids if 0 < i <= MAX_ID)):
            for row in await fetch_dicts(ctx.conn, statement, {"target_ids": chunk}):
                found[row["id"]] = row
        return found

    async def prepare(
        self, ctx: FieldContext, spec: FieldSpec, values: Sequence[Any]
    ) -> list[Any | CellError]:
        shaped = [_requested_items(value) for value in values]
        lists = [items for items in shaped if not isinstance(items, CellError)]
        texts = {i for items in lists for i in items if isinstance(i, str)}
        target_id = int(spec.props["link_row_table_id"])
        target = await ctx.schema(target_id)
        names = await self._ids_for_texts(ctx, target, texts)
        numbers = {int(t) for t in texts - set(names) if t.isdigit()}
        ids = {i for items in lists for i in items if isinstance(i, int)} | numbers
        wanted = ids | set(names.values())
        if ctx.answer_in_database:
            existing = await existing_ids(ctx.conn, target.sa_table, wanted)
        else:
            linkable = await self._linkable(ctx, target, wanted) if wanted else {}
            ctx.memo[("linked_rows", spec.id)] = linkable  # for `load_written`
            existing = set(linkable)
        multiple = spec.props.get("link_row_multiple_relationships", True)
        results: list[Any | CellError] = []
        for items in shaped:
            if isinstance(items, CellError):
                results.append(items)
                continue
            if not multiple and len(set(items)) > 1:
                results.append(CellError("Ensure this field has no more than 1 elements.",
                                         "max_length"))
                continue
            missing = next((i for i in items if isinstance(i, str) and i not in names
                            and not i.isdigit()), None)
            if missing is not None:
                results.append(CellError(f"The provided text value '{missing}' doesn't match "
                                         "any row in the linked table.", "missing_row",
                                         whole_body=True))
                continue
            linked: list[int] = []
            for item in items:
                row_id = names.get(item, int(item) if item.isdigit() else None) \
                    if isinstance(item, str) else item
                if row_id in existing and row_id not in linked:
                    linked.append(row_id)
            results.append(linked)
        return results

    async def store(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, values: dict[int, Any],
        *, new_rows: bool = False,
    ) -> None:
        given = {row_id: ids for row_id, ids in values.items() if ids is not None}
        if not given:
            return
        relation = relation_of(spec)
        for chunk in ([] if new_rows else chunks(list(given))):
            await ctx.conn.execute(relation.table.delete().where(
                id_in(relation.own_column, chunk, ctx.dialect)))
        if ctx.dialect == "postgresql":
            own = [row_id for row_id, ids in given.items() for _ in ids]
            if own:
                others = [other for ids in given.values() for other in ids]
                await run_directly(ctx.conn, _pairs_insert(relation),
                                   {"own": own, "other": others})
            return
        pairs = [{relation.own: row_id, relation.other: other}
                 for row_id, ids in given.items() for other in ids]
        if pairs:
            await ctx.conn.execute(relation.table.insert(), pairs)

    async def load(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, rows: list[dict[str, Any]]
    ) -> None:
        """One query per 500 rows reads the links with the linked rows' order and primary
        columns; each linked row's text is then worked out once."""
        row_ids = [row["id"] for row in rows]
        links: dict[int, list[int]] = {row_id: [] for row_id in row_ids}
        if not row_ids:
            return
        relation = relation_of(spec)
        target_schema = await ctx.schema(int(spec.props["link_row_table_id"]))
        wanted = _shown_columns(target_schema)
        linked: dict[int, dict[str, Any]] = {}
        statement = _links_query(relation, target_schema.sa_table, wanted, ctx.dialect)
        for chunk in chunks(row_ids):
            result = await ctx.conn.execute(statement, {"own_ids": chunk})
            for own, *values in result.all():
                other = values[0]
                links[own].append(other)
                if other not in linked:
                    linked[other] = dict(zip(wanted, values, strict=True))
        items = await _cell_items(ctx, target_schema, list(linked.values()))
        for row in rows:
            # cells linking the same row share its (never changed) JSON object
            row[spec.column_name] = [items[other] for other in links[row["id"]]]

    async def load_written(
        self, ctx: FieldContext, spec: FieldSpec, table: TableSchema, rows: list[dict[str, Any]],
        values: Sequence[Any] | None, before: Sequence[Any] | None,
    ) -> None:
        """Links written to every row are the ids `prepare` checked, and it kept those
        rows' columns: the cells are built from them, in the linked table's order, with
        no query; links an update left alone are what they were before it. A link to
        the table itself is read back (the write may change what its rows show)."""
        target_id = int(spec.props["link_row_table_id"])
        if target_id == table.id:
            await self.load(ctx, spec, table, rows)
        elif values is None and before is not None:
            for row, cell in zip(rows, before, strict=True):
                row[spec.column_name] = cell
        elif values is not None and (before is None or all(v is not None for v in values)):
            await self._show_written(ctx, spec, target_id, rows, values)
        else:
            await self.load(ctx, spec, table, rows)

    async def _show_written(self, ctx: FieldContext, spec: FieldSpec, target_id: int,
                            rows: list[dict[str, Any]], values: Sequence[Any]) -> None:
        checked: dict[int, dict[str, Any]] | None = ctx.memo.get(("linked_rows", spec.id))
        wanted = {other for ids in values if ids for other in ids}
        if checked is None or not wanted <= checked.keys():
            target = await ctx.schema(target_id)
            checked = {**(checked or {}), **await self._linkable(ctx, target, wanted)}
        target = await ctx.schema(target_id)
        items = await _cell_items(ctx, target, [dict(checked[other]) for other in wanted
                                                if other in checked])
        place = {other: (checked[other]["order"], other) for other in items}
        for row, ids in zip(rows, values, strict=True):
            # cells linking the same row share its (never changed) JSON object
            row[spec.column_name] = [items[other] for other in sorted(
                (other for other in ids if other in place), key=place.__getitem__)
            ] if ids else []

    def to_json(self, spec: FieldSpec, value: Any) -> Any:
        return value if isinstance(value, list) else []

    def default_value(self, spec: FieldSpec) -> Any:
        return None

    def to_text(self, spec: FieldSpec, value: Any) -> str:
        if not isinstance(value, list):
            return ""
        return ", ".join(str(item.get("value", "")) for item in value
                         if isinstance(item, dict))

    def from_text(self, spec: FieldSpec, text: str) -> Any:
        return None

    def sort_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        """By the linked rows' primary values, as text sorts (see `link_sql`)."""
        return sa.func.lower(linked_text(spec, table))

    def sort_tiebreak(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any] | None:
        return linked_text(spec, table)

    def value_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[Any]:
        return sa.cast(sa.null(), sa.Integer)

    def text_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[str]:
        """The linked rows' primary values joined by ", ", for search."""
        return linked_text(spec, table)

    def json_expression(self, spec: FieldSpec, table: TableSchema, dialect: str
                        ) -> sa.ColumnElement[Any] | None:
        """Only where the primary field's `text_expression` is exactly the text `load`
        shows (`label_in_sql`)."""
        target = target_of(spec, table)
        primary = None if target is None else target.primary
        if primary is None or not _field_type(primary.type).label_in_sql:
            return None
        return linked_items_json(spec, table, dialect)

    def empty_expression(self, spec: FieldSpec, table: TableSchema) -> sa.ColumnElement[bool]:
        return sa.not_(links_exist(spec, table))

    def example(self, spec: FieldSpec) -> Any:
        return [1]
