"""Classify Redis commands as sent by `redis-cli` (argv form or one command per line)."""

from __future__ import annotations

import shlex

from opslens.guard.labels import Label

_READ = frozenset(
    [
        "GET",
        "MGET",
        "GETRANGE",
        "STRLEN",
        "EXISTS",
        "TYPE",
        "TTL",
        "PTTL",
        "EXPIRETIME",
        "PEXPIRETIME",
        "KEYS",
        "SCAN",
        "RANDOMKEY",
        "DBSIZE",
        "HGET",
        "HMGET",
        "HGETALL",
        "HKEYS",
        "HVALS",
        "HLEN",
        "HEXISTS",
        "HSCAN",
        "HSTRLEN",
        "HRANDFIELD",
        "LRANGE",
        "LLEN",
        "LINDEX",
        "LPOS",
        "SMEMBERS",
        "SCARD",
        "SISMEMBER",
        "SMISMEMBER",
        "SSCAN",
        "SRANDMEMBER",
        "SINTER",
        "SUNION",
        "SDIFF",
        "SINTERCARD",
        "ZRANGE",
        "ZRANGEBYSCORE",
        "ZRANGEBYLEX",
        "ZREVRANGE",
        "ZREVRANGEBYSCORE",
        "ZREVRANGEBYLEX",
        "ZSCORE",
        "ZMSCORE",
        "ZCARD",
        "ZCOUNT",
        "ZLEXCOUNT",
        "ZRANK",
        "ZREVRANK",
        "ZSCAN",
        "ZRANDMEMBER",
        "ZINTER",
        "ZUNION",
        "ZDIFF",
        "XLEN",
        "XRANGE",
        "XREVRANGE",
        "XREAD",
        "XINFO",
        "XPENDING",
        "GEOPOS",
        "GEODIST",
        "GEOHASH",
        "GEORADIUS_RO",
        "GEORADIUSBYMEMBER_RO",
        "GEOSEARCH",
        "PFCOUNT",
        "BITCOUNT",
        "BITPOS",
        "GETBIT",
        "DUMP",
        "OBJECT",
        "MEMORY",
        "INFO",
        "PING",
        "ECHO",
        "TIME",
        "LASTSAVE",
        "ROLE",
        "SLOWLOG",
        "LATENCY",
        "COMMAND",
        "MONITOR",
        "SUBSCRIBE",
        "PSUBSCRIBE",
        "SSUBSCRIBE",
        "PUBSUB",
        "HELLO",
        "AUTH",
        "SELECT",
        "READONLY",
        "READWRITE",
        "WAIT",
        "LOLWUT",
        "SORT_RO",
        "EVAL_RO",
        "EVALSHA_RO",
        "FCALL_RO",
        "JSON.GET",
        "JSON.MGET",
        "JSON.TYPE",
        "JSON.STRLEN",
        "JSON.OBJKEYS",
        "JSON.ARRLEN",
        "FT.SEARCH",
        "FT.INFO",
        "FT._LIST",
        "FT.AGGREGATE",
        "TS.GET",
        "TS.RANGE",
        "TS.MRANGE",
        "TS.INFO",
        "QUIT",
    ]
)
_DESTRUCTIVE = frozenset(
    [
        "DEL",
        "UNLINK",
        "FLUSHALL",
        "FLUSHDB",
        "SHUTDOWN",
        "GETDEL",
        "SWAPDB",
        "FT.DROPINDEX",
        "JSON.DEL",
    ]
)
_SUBCOMMANDS = {
    "CONFIG": {
        "GET": Label.READ_ONLY,
        "SET": Label.MUTATING,
        "REWRITE": Label.MUTATING,
        "RESETSTAT": Label.MUTATING,
    },
    "CLIENT": {
        "LIST": Label.READ_ONLY,
        "INFO": Label.READ_ONLY,
        "GETNAME": Label.READ_ONLY,
        "ID": Label.READ_ONLY,
        "KILL": Label.MUTATING,
        "PAUSE": Label.MUTATING,
    },
    "CLUSTER": {
        "INFO": Label.READ_ONLY,
        "NODES": Label.READ_ONLY,
        "SLOTS": Label.READ_ONLY,
        "SHARDS": Label.READ_ONLY,
        "MYID": Label.READ_ONLY,
        "KEYSLOT": Label.READ_ONLY,
        "COUNTKEYSINSLOT": Label.READ_ONLY,
        "GETKEYSINSLOT": Label.READ_ONLY,
        "REPLICAS": Label.READ_ONLY,
        "LINKS": Label.READ_ONLY,
        "RESET": Label.DESTRUCTIVE,
        "FORGET": Label.DESTRUCTIVE,
        "FLUSHSLOTS": Label.DESTRUCTIVE,
        "DELSLOTS": Label.DESTRUCTIVE,
    },
    "ACL": {
        "LIST": Label.READ_ONLY,
        "USERS": Label.READ_ONLY,
        "WHOAMI": Label.READ_ONLY,
        "CAT": Label.READ_ONLY,
        "LOG": Label.READ_ONLY,
        "GETUSER": Label.READ_ONLY,
        "DELUSER": Label.DESTRUCTIVE,
    },
    "SCRIPT": {"EXISTS": Label.READ_ONLY, "FLUSH": Label.DESTRUCTIVE},
    "FUNCTION": {
        "LIST": Label.READ_ONLY,
        "STATS": Label.READ_ONLY,
        "DUMP": Label.READ_ONLY,
        "FLUSH": Label.DESTRUCTIVE,
        "DELETE": Label.DESTRUCTIVE,
    },
    "DEBUG": {"OBJECT": Label.READ_ONLY},
}
_SECRET_CONFIG = ("requirepass", "masterauth", "*", "tls-key-file-pass", "masteruser")


def classify_redis(argv: list[str]) -> tuple[Label, str]:
    """Label for one Redis command given as argv (`["CONFIG", "SET", ...]`)."""
    if not argv:
        return Label.READ_ONLY, "no command"
    name = argv[0].upper()
    sub = argv[1].upper() if len(argv) > 1 else ""
    if (
        name == "CONFIG"
        and sub == "GET"
        and any(a.lower() in _SECRET_CONFIG or "pass" in a.lower() for a in argv[2:])
    ):
        return Label.SENSITIVE_READ, "CONFIG GET prints the server password"
    if name in _SUBCOMMANDS:
        table = _SUBCOMMANDS[name]
        default = Label.DESTRUCTIVE if name == "DEBUG" else Label.MUTATING
        label = table.get(sub, default)
        return label, f"{name} {sub}".strip() + _describe(label)
    if name in _DESTRUCTIVE:
        return Label.DESTRUCTIVE, f"{name} deletes keys or stops the server"
    if name in _READ:
        return Label.READ_ONLY, f"{name} only reads"
    return Label.MUTATING, f"{name} writes to the dataset or server"


def _describe(label: Label) -> str:
    return {
        Label.READ_ONLY: " only reads",
        Label.DESTRUCTIVE: " deletes data or cluster state",
        Label.SENSITIVE_READ: " prints secrets",
    }.get(label, " changes server state")


def classify_redis_script(text: str) -> tuple[Label, str]:
    """Most dangerous command of a newline-separated batch (`redis-cli < cmds.txt`)."""
    best = (Label.READ_ONLY, "no commands")
    for line in text.splitlines():
        try:
            argv = shlex.split(line)
        except ValueError:
            return Label.UNKNOWN, "unparseable Redis command batch"
        verdict = classify_redis(argv)
        if argv and (verdict[0] > best[0] or best[1] == "no commands"):
            best = verdict
    return best
