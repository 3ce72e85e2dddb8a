"""HTTP edge: thin routers that parse, authenticate, call one handler and answer."""

from __future__ import annotations

from starlette.convertors import IntegerConvertor, register_url_convertor

# Ids are 32-bit integer columns; a bigger number in a path cannot name anything.
MAX_ID = 2**31 - 1


class _IdConvertor(IntegerConvertor):
    """`{x:int}` path parts: an id too large for the id columns becomes 0, which no row
    has, so it is answered "does not exist" instead of overflowing the SQL driver."""

    def convert(self, value: str) -> int:
        number = int(value)
        return number if number <= MAX_ID else 0


# Registered before any router module compiles its paths.
register_url_convertor("int", _IdConvertor())
