"""JSON schemas of field values: what a row answers for a field and what a request may send.

A field type can describe itself (`FieldType.json_schema` / `input_json_schema`); the
built-in types are described here so the docs do not wait on each type module. A type
nobody describes gets the empty schema, which admits any value: vague, but never false.
Schemas may point at `SELECT_OPTION_REF` and `LINK_ROW_VALUE_REF`; every document that uses
them carries `SHARED_COMPONENTS`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gridbase.fields.model import FieldSpec
from gridbase.fields.registry import field_type_registry

__all__ = [
    "LINK_ROW_VALUE_REF",
    "SELECT_OPTION_REF",
    "SHARED_COMPONENTS",
    "input_schema",
    "output_schema",
]

SELECT_OPTION_REF = "#/components/schemas/SelectOption"
LINK_ROW_VALUE_REF = "#/components/schemas/LinkRowValue"

SHARED_COMPONENTS: dict[str, dict[str, Any]] = {
    "SelectOption": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "value": {"type": "string"},
                       "color": {"type": "string"}},
        "required": ["id", "value", "color"],
    },
    "LinkRowValue": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "value": {},
                       "order": {"type": "string"}},
        "required": ["id", "value"],
    },
}

Schema = dict[str, Any]
_Describe = Callable[[FieldSpec], Schema]


def _places(spec: FieldSpec) -> int:
    return int(spec.props.get("number_decimal_places") or 0)


def _has_time(spec: FieldSpec) -> bool:
    return bool(spec.props.get("date_include_time"))


def _number_out(spec: FieldSpec) -> Schema:
    sign = "-?" if spec.props.get("number_negative") else ""
    places = _places(spec)
    fraction = rf"\.[0-9]{{{places}}}" if places else ""
    return {"type": ["string", "null"], "pattern": f"^{sign}[0-9]+{fraction}$",
            "description": f"A decimal number as text with {places} decimal places."}


def _number_in(spec: FieldSpec) -> Schema:
    negative = "" if spec.props.get("number_negative") else ", not negative"
    return {"type": ["number", "string", "null"],
            "description": f"A number, or a numeric text, with at most {_places(spec)} "
                           f"decimal places{negative}."}


def _rating(spec: FieldSpec) -> Schema:
    top = int(spec.props.get("max_value") or 5)
    return {"type": "integer", "minimum": 0, "maximum": top,
            "description": f"The number of stars, 0 to {top}; never null."}


def _date_out(spec: FieldSpec) -> Schema:
    if _has_time(spec):
        return {"type": ["string", "null"], "format": "date-time",
                "description": "ISO 8601 date and time in UTC, ending in Z."}
    return {"type": ["string", "null"], "format": "date",
            "description": "ISO 8601 date (YYYY-MM-DD)."}


def _date_in(spec: FieldSpec) -> Schema:
    if _has_time(spec):
        return {"type": ["string", "null"],
                "description": "ISO 8601 date and time; an offset is converted to UTC, "
                               "without one UTC is assumed."}
    return {"type": ["string", "null"], "description": "ISO 8601 date (YYYY-MM-DD)."}


def _row_timestamp(spec: FieldSpec) -> Schema:
    schema = _date_out(spec)
    return {**schema, "type": "string", "readOnly": True,
            "description": "Set by gridbase; " + schema["description"]}


def _option_list(spec: FieldSpec) -> str:
    if not spec.options:
        return "The field has no options yet."
    listed = ", ".join(f"{o.value!r} (id {o.id})" for o in spec.options)
    return f"Options: {listed}."


def _single_select_in(spec: FieldSpec) -> Schema:
    return {"type": ["integer", "string", "null"],
            "description": "The id or the value of one option. " + _option_list(spec)}


def _multiple_select_in(spec: FieldSpec) -> Schema:
    return {"anyOf": [{"type": "array", "items": {"type": ["integer", "string"]}},
                      {"type": "null"}],
            "description": "A list of option ids or values (a comma-separated text works "
                           "too). " + _option_list(spec)}


def _link_row_in(spec: FieldSpec) -> Schema:
    target = spec.props.get("link_row_table_id") or spec.props.get("link_row_table")
    where = f" of table {target}" if target else ""
    return {"anyOf": [{"type": "array", "items": {"type": ["integer", "string"]}},
                      {"type": "null"}],
            "description": f"A list of row ids{where}, or of their primary field texts."}


def _fixed(schema: Schema) -> _Describe:
    return lambda _spec: dict(schema)


_TEXT_IN = {"type": ["string", "null"]}

_OUTPUT: dict[str, _Describe] = {
    "text": _fixed({"type": ["string", "null"]}),
    "long_text": _fixed({"type": ["string", "null"]}),
    "url": _fixed({"type": "string", "description": "Empty text when not set."}),
    "email": _fixed({"type": "string", "description": "Empty text when not set."}),
    "phone_number": _fixed({"type": "string", "description": "Empty text when not set."}),
    "number": _number_out,
    "rating": _rating,
    "boolean": _fixed({"type": "boolean"}),
    "date": _date_out,
    "duration": _fixed({"type": ["number", "null"], "description": "A number of seconds."}),
    "created_on": _row_timestamp,
    "last_modified": _row_timestamp,
    "autonumber": _fixed({"type": "integer", "readOnly": True,
                          "description": "Numbered by gridbase, in creation order."}),
    "uuid": _fixed({"type": "string", "format": "uuid", "readOnly": True}),
    "single_select": _fixed({"anyOf": [{"$ref": SELECT_OPTION_REF}, {"type": "null"}]}),
    "multiple_select": _fixed({"type": "array", "items": {"$ref": SELECT_OPTION_REF}}),
    "link_row": _fixed({"type": "array", "items": {"$ref": LINK_ROW_VALUE_REF}}),
}

_INPUT: dict[str, _Describe] = {
    "text": _fixed({**_TEXT_IN, "description": "Any text; null empties it."}),
    "long_text": _fixed({**_TEXT_IN, "description": "Any text, several lines allowed."}),
    "url": _fixed({**_TEXT_IN, "description": "A URL without spaces; null or \"\" empties "
                                              "it."}),
    "email": _fixed({**_TEXT_IN, "description": "An email address; null or \"\" empties "
                                                "it."}),
    "phone_number": _fixed({**_TEXT_IN, "description": "Digits, spaces and + - . , ( ) / "
                                                       "# * = ; N X, at most 100."}),
    "number": _number_in,
    "rating": _rating,
    "boolean": _fixed({"type": "boolean", "description": "true or false; texts such as "
                                                         "\"yes\", \"no\", \"1\", \"0\" too."}),
    "date": _date_in,
    "duration": _fixed({"type": ["number", "string", "null"],
                        "description": "Seconds, or a text in the field's format such as "
                                       "\"1:30\"."}),
    "single_select": _single_select_in,
    "multiple_select": _multiple_select_in,
    "link_row": _link_row_in,
}


def output_schema(spec: FieldSpec) -> Schema:
    """The schema of the field's value in a row response."""
    field_type = field_type_registry.get(spec.type)
    own = field_type.json_schema(spec)
    if own is not None:
        return own
    describe = _OUTPUT.get(spec.type)
    schema = describe(spec) if describe is not None else {}
    if field_type.read_only:
        schema["readOnly"] = True
    return schema


def input_schema(spec: FieldSpec) -> Schema | None:
    """The schema of what a request may send; None for read-only fields."""
    field_type = field_type_registry.get(spec.type)
    if field_type.read_only:
        return None
    own = field_type.input_json_schema(spec)
    if own is not None:
        return own
    describe = _INPUT.get(spec.type)
    return describe(spec) if describe is not None else {}
