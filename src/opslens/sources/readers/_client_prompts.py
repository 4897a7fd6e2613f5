"""The prompts of database clients in a paste (`MariaDB [shop]>`, `mysql>`, psql's `shop=#`,
redis-cli's `127.0.0.1:6379>`, `sqlite>`): what follows is a statement, the lines below it its
result table."""

from __future__ import annotations

import re

_CLIENT_PROMPT = re.compile(
    r"^\s*(?:(?P<mysql>(?:MariaDB|MySQL|mysql) \[[^\]\s]{0,64}\]>|mysql>)"
    r"|(?P<psql>[\w-]{1,63}=[#>])"
    r"|(?P<redis>(?:redis )?[\w.-]{1,253}:\d{2,5}(?:\[\d+\])?>)"
    r"|(?P<sqlite3>sqlite>))\s*(?P<statement>\S.*)$"
)
_CLIENT_TOOL = {"mysql": "mysql", "psql": "psql", "redis": "redis-cli", "sqlite3": "sqlite3"}
# psql's and redis-cli's prompts look like other text (`count=> 5`, `web-1:8080> hello`): only a
# statement or command of the client after them makes them prompts
_CLIENT_STATEMENT = {
    "psql": re.compile(
        r"\\[a-z?]|(?:select|show|set|explain|with|insert|update|delete|create|alter|drop|grant|"
        r"revoke|begin|commit|rollback|vacuum|analyze|truncate|copy|table|values|reset|reindex|"
        r"cluster|lock|listen|notify|discard|checkpoint|prepare|execute|deallocate)\b", re.I),
    "redis": re.compile(
        r"(?:info|config|get|set|keys|scan|ping|client|memory|dbsize|ttl|pttl|type|exists|del|"
        r"hgetall|hget|hlen|lrange|llen|smembers|scard|zrange|zcard|xinfo|xlen|mget|incr|expire|"
        r"slowlog|monitor|cluster|sentinel|role|latency|debug|object|auth|select|flushall|flushdb|"
        r"save|bgsave|lastsave|replicaof|slaveof|shutdown|acl|command|module|pubsub|publish)\b", re.I),
}


def client_statement(line: str) -> tuple[str, str] | None:
    """(client tool, statement) when `line` is a database client's prompt and a statement."""
    m = _CLIENT_PROMPT.match(line)
    if m is None:
        return None
    client = next(k for k in _CLIENT_TOOL if m.group(k))
    statement = m.group("statement").rstrip()
    words = _CLIENT_STATEMENT.get(client)
    if words is not None and not words.match(statement):
        return None
    return _CLIENT_TOOL[client], statement
