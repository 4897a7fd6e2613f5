"""Classify statements sent to databases: SQL (PostgreSQL, MySQL, SQLite, ClickHouse), CQL and
MongoDB shell JavaScript. The first keyword of each statement decides; a batch takes the most
dangerous statement."""

from __future__ import annotations

import re

from opslens.guard.labels import Label

_READ = {
    "SELECT",
    "SHOW",
    "DESCRIBE",
    "DESC",
    "EXPLAIN",
    "VALUES",
    "TABLE",
    "USE",
    "BEGIN",
    "START",
    "COMMIT",
    "ROLLBACK",
    "END",
    "SAVEPOINT",
    "RELEASE",
    "FETCH",
    "DECLARE",
    "CLOSE",
    "LISTEN",
    "UNLISTEN",
    "PREPARE",
    "DEALLOCATE",
    "CONSISTENCY",
    "TRACING",
    "EXPAND",
    "PAGING",
    "LIST",
    "CHECKSUM",
    "HELP",
    "STATUS",
    "WATCH",
    "EXISTS",
    "CHECK",
    "PRAGMA",
    "SERIAL",
    "CAPTURE",
}
_MUTATING = {
    "INSERT",
    "UPDATE",
    "MERGE",
    "UPSERT",
    "REPLACE",
    "COPY",
    "CREATE",
    "ALTER",
    "GRANT",
    "COMMENT",
    "VACUUM",
    "ANALYZE",
    "ANALYSE",
    "REINDEX",
    "CLUSTER",
    "REFRESH",
    "CALL",
    "DO",
    "LOCK",
    "SET",
    "RESET",
    "DISCARD",
    "NOTIFY",
    "SECURITY",
    "IMPORT",
    "LOAD",
    "RENAME",
    "OPTIMIZE",
    "REPAIR",
    "FLUSH",
    "KILL",
    "INSTALL",
    "UNINSTALL",
    "HANDLER",
    "CHANGE",
    "STOP",
    "START_REPLICA",
    "CHECKPOINT",
    "SOURCE",
    "ATTACH",
    "DETACH",
    "SYSTEM",
    "BATCH",
    "APPLY",
    "EXCHANGE",
    "MOVE",
    "REASSIGN",
}
_DESTRUCTIVE = {"DELETE", "DROP", "TRUNCATE", "SHUTDOWN", "PURGE", "REVOKE", "RESTART"}
_FUNCTIONS = (
    (
        re.compile(r"\bpg_(drop_replication_slot|promote)\s*\(", re.I),
        Label.DESTRUCTIVE,
        "calls a function that drops a replication slot or promotes a standby",
    ),
    (
        re.compile(
            r"\b(pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|"
            r"pg_switch_wal|pg_create_\w+_replication_slot|setval|pg_advisory_lock|"
            r"lo_unlink|lo_import|lo_export|pg_file_write|dblink_exec)\s*\(",
            re.I,
        ),
        Label.MUTATING,
        "calls a function that changes server state",
    ),
)
_WRITE_CTE = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b", re.I)
_SELECT_INTO = re.compile(r"^\s*SELECT\b.*\bINTO\s+(?!@|OUTFILE\s|DUMPFILE\s)", re.I | re.S)
_SELECT_OUTFILE = re.compile(r"\bINTO\s+(OUTFILE|DUMPFILE)\b", re.I)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.S)
_DUMP_PATH = re.compile(r"(dump|backup|restore|snapshot|\.sql\.gz$|\.bak$)", re.I)


def split_statements(text: str) -> list[str]:
    """Split on `;` outside quotes (also psql backslash commands on their own line)."""
    out, current, quote = [], [], ""
    for char in text:
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"`":
            quote = char
        elif char == ";":
            out.append("".join(current))
            current = []
            continue
        current.append(char)
    out.append("".join(current))
    return [s.strip() for s in out if s.strip()]


def _meta_command(stmt: str) -> tuple[Label, str]:
    word = stmt.split()[0]
    if word in ("\\i", "\\ir", "\\include", "\\."):
        return Label.MUTATING, "runs statements from a file"
    if word in ("\\copy", "\\o", "\\w", "\\out", "\\g") and (
        "to " in stmt.lower() or word != "\\copy"
    ):
        return Label.MUTATING, "writes query output to a file"
    if word == "\\copy":
        return Label.MUTATING, "loads rows from a file"
    if word in ("\\!", "\\setenv"):
        return Label.UNKNOWN, "runs a shell command from the SQL client"
    return Label.READ_ONLY, "client meta-command that only reads"


def classify_statement(stmt: str) -> tuple[Label, str]:
    """Label and reason for one SQL/CQL statement."""
    body = _COMMENTS.sub(" ", stmt).strip()
    if not body:
        return Label.READ_ONLY, "empty statement"
    if body.startswith("\\"):
        return _meta_command(body)
    first = re.split(r"[\s(]", body, maxsplit=1)[0].upper()
    for pattern, label, reason in _FUNCTIONS:
        if pattern.search(body):
            return label, reason
    if first == "EXPLAIN" and re.search(r"\bANALY[SZ]E\b", body, re.I):
        inner = re.sub(r"^EXPLAIN\s*(\([^)]*\)|ANALY[SZ]E|VERBOSE|\s)*", "", body, flags=re.I)
        return classify_statement(inner) if inner != body else (Label.READ_ONLY, "EXPLAIN")
    if first == "WITH" and _WRITE_CTE.search(body):
        return classify_statement(body[_WRITE_CTE.search(body).start() :])
    if first in ("SELECT", "WITH", "TABLE") and _SELECT_OUTFILE.search(body):
        return Label.MUTATING, "SELECT ... INTO OUTFILE writes a file on the server"
    if first == "SELECT" and _SELECT_INTO.search(body):
        return Label.MUTATING, "SELECT ... INTO creates a table"
    if first == "UPDATE" and not re.search(r"\bWHERE\b", body, re.I):
        return Label.DESTRUCTIVE, "UPDATE without WHERE rewrites every row"
    if first == "SET" and re.search(r"^SET\s+(GLOBAL|PERSIST|@@GLOBAL)", body, re.I) is None:
        return Label.READ_ONLY, "SET changes only this session"
    if first == "START" and not re.search(r"^START\s+TRANSACTION\b", body, re.I):
        return Label.MUTATING, "starts replication or a server process"
    if first in _DESTRUCTIVE:
        return Label.DESTRUCTIVE, f"{first} deletes data"
    if first in _MUTATING:
        return Label.MUTATING, f"{first} changes data or server state"
    if first in _READ:
        return Label.READ_ONLY, f"{first} only reads"
    return Label.UNKNOWN, f"unrecognised statement `{first[:20]}`"


def classify_sql(text: str) -> tuple[Label, str]:
    """The most dangerous statement of a batch."""
    best = (Label.READ_ONLY, "no statements")
    for stmt in split_statements(text):
        verdict = classify_statement(stmt)
        if verdict[0] > best[0] or best[1] == "no statements":
            best = verdict
    return best


def classify_script_path(path: str) -> tuple[Label, str]:
    """A script file fed to a database client: restoring a dump is destructive."""
    if _DUMP_PATH.search(path):
        return Label.DESTRUCTIVE, f"restores `{path}` (dumps drop and recreate objects)"
    return Label.MUTATING, f"runs statements from `{path}`"


_MONGO_DESTRUCTIVE = re.compile(
    r"\.(drop|dropDatabase|dropIndex|dropIndexes|dropUser|dropAllUsers|dropRole|remove|"
    r"deleteOne|deleteMany|findOneAndDelete|findAndModify|shutdownServer|renameCollection)\s*\("
)
_MONGO_MUTATING = re.compile(
    r"\.(insert\w*|update\w*|replaceOne|findOneAndUpdate|findOneAndReplace|bulkWrite|save|"
    r"createCollection|createIndex\w*|createUser|createRole|grant\w*|revoke\w*|updateUser|"
    r"changeUserPassword|stepDown|reconfig|add|addArb|freeze|setProfilingLevel|fsyncLock|"
    r"fsyncUnlock|killOp|runCommand|adminCommand|eval|aggregate|mapReduce|enableSharding|"
    r"shardCollection|setFeatureCompatibilityVersion|compact|repairDatabase|initiate)\s*\("
)
_MONGO_READ_COMMANDS = re.compile(
    r"(?:runCommand|adminCommand)\s*\(\s*\{\s*['\"]?(ping|serverStatus|buildInfo|hello|isMaster|"
    r"listDatabases|replSetGetStatus|getLog|currentOp|dbStats|collStats|hostInfo|connectionStatus|"
    r"getCmdLineOpts|listCollections|top|getParameter)\b"
)
_MONGO_AGG_WRITE = re.compile(r"\$(out|merge)\b")


def classify_mongo(script: str) -> tuple[Label, str]:
    """Label for mongosh JavaScript passed with --eval or on standard input."""
    if _MONGO_DESTRUCTIVE.search(script):
        return Label.DESTRUCTIVE, "drops or deletes documents, collections or users"
    cleaned = _MONGO_READ_COMMANDS.sub("", script)
    match = _MONGO_MUTATING.search(cleaned)
    if match and not (match.group(1) == "aggregate" and not _MONGO_AGG_WRITE.search(script)):
        return Label.MUTATING, f"calls `{match.group(1)}` which changes data or cluster state"
    if re.search(r"\b(load|exec|spawn|runProgram)\s*\(", script):
        return Label.UNKNOWN, "runs code opslens cannot see"
    return Label.READ_ONLY, "reads with find/count/stats calls"
