"""What the commands that use the incident store share: the `--db` option, opening the store
with one-line errors, and reading time and duration options.

Every store problem the user can cause (bad URL, unknown reference, unknown category, bad
time) ends as one `error:` line and exit code 2, also under typer's test runner, which does
not go through `opslens.cli.main`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from opslens.cli.console import fail
from opslens.cli.timeopts import parse_duration, parse_time
from opslens.errors import OpslensError

if TYPE_CHECKING:
    from opslens.store import Store

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        metavar="URL",
        help="Database: sqlite:///FILE, a file path, or postgresql+psycopg://... "
        "(default: OPSLENS_DATABASE_URL, config \\[store] url, then the opslens data directory).",
    ),
]


@contextmanager
def one_line_errors() -> Iterator[None]:
    """Turn opslens errors (and the taxonomy's ValueError) into one line and exit code 2."""
    try:
        yield
    except OpslensError as exc:
        fail(str(exc))
    except ValueError as exc:
        fail(str(exc))


@contextmanager
def opened(url: str | None, *, wal_autocheckpoint: bool = True) -> Iterator[Store]:
    """The store at `url` (migrated), closed afterwards; errors as one line."""
    from opslens.store import open_store

    with one_line_errors(), open_store(url, wal_autocheckpoint=wal_autocheckpoint) as store:
        yield store


def time_option(value: str | None, flag: str) -> datetime | None:
    """A time option as an aware UTC datetime (ISO 8601, epoch seconds, or `2h` meaning ago;
    a time without a zone is UTC)."""
    epoch = parse_time(value, UTC, flag)
    return None if epoch is None else datetime.fromtimestamp(epoch, UTC)


def age_option(value: str, flag: str) -> timedelta:
    """A duration like `90d`, `12h`, `1h30m`; ConfigError names the flag otherwise."""
    from opslens.errors import ConfigError

    seconds = parse_duration(value)
    if seconds is None or seconds <= 0:
        raise ConfigError(f"{flag}: cannot read {value!r} as a duration (use e.g. 90d or 12h)")
    return timedelta(seconds=seconds)

