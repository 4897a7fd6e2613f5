"""Default-deny rules of datastores.yaml and secrets-and-config-stores.yaml (issue 11).

Rows are (command, expected label), one table per class: read-only forms with their common
flags, an unknown flag on a read-only form, file/interactive/code options, secrets on the
command line, and the per-tool decisions written down in rules/README.md ("Datastores").
Flags come from the tools' --help (psql, pg_dump, sqlite3), redis-cli.c, etcdctl source and
the vendors' CLI docs.
"""

from __future__ import annotations

import pytest

from opslens.guard import CommandGuard

GUARD = CommandGuard({})

READ_ONLY = [
    "psql -h db -U app -d orders -c 'SELECT count(*) FROM orders' -At",
    "psql -X -q --csv -c 'select 1' orders",
    "psql -v ON_ERROR_STOP=1 -c 'select 1'",
    "psql -l",
    "mysql -h db -P 3306 -u root -pSecret -e 'SHOW PROCESSLIST'",
    "mysql -Bse 'SHOW SLAVE STATUS' --ssl-mode=REQUIRED",
    "sqlite3 -readonly -header -csv app.db 'SELECT count(*) FROM users'",
    "cqlsh -u cassandra -p pw -k ks -e 'SELECT * FROM t LIMIT 1'",
    "mongosh --quiet --host db --eval 'db.orders.countDocuments()'",
    "redis-cli -h cache -p 6380 -a secret --no-auth-warning INFO memory",
    "redis-cli -n 2 --raw GET session:1",
    "redis-cli --scan --pattern 'session:*' --count 100",
    "redis-cli --cluster check 10.0.0.1:7000",
    "redis-cli KEYS '*'",
    "pg_dump -h db -U app -s orders",
    "pg_dumpall --no-role-passwords -h db",
    "pg_isready -h db -p 5432 -t 3",
    "pg_restore -l app.dump",
    "pg_ctl status -D /var/lib/postgresql/data",
    "mysqladmin -h db -u root processlist",
    "patronictl -c /etc/patroni.yml list -e",
    "etcdctl --endpoints=https://10.0.0.1:2379 --cacert ca.pem -w table endpoint status",
    "etcdctl get /registry/pods/default/web --print-value-only",
    "etcdctl get /registry --prefix --keys-only",
    "etcdctl watch /config --prefix",
    "vault status -address=https://vault:8200",
    "vault kv list -format=json secret/prod",
    "consul members -detailed -http-addr=127.0.0.1:8500",
    "consul kv get -recurse config/app",
    "consul watch -type=service -service=web",
    "nomad job status -verbose api",
    "nomad alloc logs -f -tail 7c3a",
    "kafka-topics --bootstrap-server k:9092 --describe --under-replicated-partitions",
    "kafka-consumer-groups --bootstrap-server k:9092 --describe --group g --members",
    "kafka-console-consumer --bootstrap-server k:9092 --topic t --from-beginning --max-messages 10",
    "kcat -C -b k:9092 -t orders -o -10 -e",
    "kcat -b k:9092 -L -J",
    "rabbitmqctl list_queues -p / name messages",
    "rabbitmq-diagnostics status",
    "rabbitmqadmin -u guest -p guest list queues",
    "nodetool -h 10.0.0.5 status -r",
    "nodetool tablestats -H ks.t",
]

UNKNOWN_FLAG = [
    "psql --bogus -c 'select 1'",
    "mysql --bogus -e 'select 1'",
    "sqlite3 -bogus app.db 'select 1'",
    "redis-cli --bogus PING",
    "mongosh --shell --eval 'db.x.find()'",
    "pg_dump --bogus app",
    "etcdctl get foo --bogus",
    "vault kv list -bogus secret/",
    "consul members -bogus",
    "nomad job status -bogus api",
    "kafka-console-consumer --bootstrap-server k:9092 --topic t --consumer.config c.properties",
    "kcat -C -b k:9092 -t t -Y",
    "rabbitmqctl list_queues --bogus",
    "nodetool status --bogus",
    "clickhouse-client --host ch --bogus --query 'select 1'",
]

NOT_READ_ONLY = [
    # statement files, output files, interactive sessions, loaded code
    ("psql -d app -f migrate.sql", "mutating"),
    ("psql -c 'select 1' -o /tmp/out.txt", "mutating"),
    ("psql -c 'select 1' -L /tmp/session.log", "mutating"),
    ("psql -v x='1; DROP TABLE t' -c 'SELECT :x'", "unknown"),
    ("psql app", "mutating"),
    ("mysql --tee=/tmp/s.log -e 'select 1'", "mutating"),
    ("sqlite3 -init setup.sql app.db", "mutating"),
    ("mongosh -f script.js", "mutating"),
    ("redis-cli", "mutating"),
    ("redis-cli --rdb /tmp/dump.rdb", "mutating"),
    ("redis-cli --cluster fix 10.0.0.1:7000", "mutating"),
    ("pg_dump app -f app.sql", "mutating"),
    ("mongodump", "mutating"),
    ("mongodump --archive=/tmp/x.gz", "mutating"),
    ("mongoexport -d app -c users -o users.json", "mutating"),
    ("pg_restore -l app.dump -f list.txt", "mutating"),
    # Redis commands
    ("redis-cli DEBUG SLEEP 0", "destructive"),
    ("redis-cli FLUSHALL", "destructive"),
    ("redis-cli SHUTDOWN NOSAVE", "destructive"),
    # etcd
    ("etcdctl snapshot save /backup/etcd.db", "mutating"),
    ("etcdctl defrag --cluster", "mutating"),
    ("etcdctl del /registry/pods/default/x", "destructive"),
    ("etcdctl check perf", "mutating"),
    ("etcdctl watch foo -- rm -rf /tmp/x", "destructive"),
    # Vault, Consul, Nomad
    ("vault token create -policy=admin", "mutating"),
    ("vault login -method=userpass username=a", "mutating"),
    ("consul watch -type=key -key=foo /usr/local/bin/handler.sh", "unknown"),
    ("consul kv delete -recurse config/", "destructive"),
    ("nomad job stop -purge api", "destructive"),
    # Kafka, RabbitMQ, Cassandra
    ("kafka-console-consumer --bootstrap-server k:9092 --topic t --group g", "mutating"),
    (
        "kafka-console-consumer --bootstrap-server k:9092 --topic t --consumer-property group.id=g",
        "mutating",
    ),
    (
        "kafka-reassign-partitions --bootstrap-server k:9092 --reassignment-json-file r.json --verify",
        "mutating",
    ),
    (
        "kafka-consumer-groups --bootstrap-server k:9092 --reset-offsets --to-latest --group g --all-topics --execute --dry-run",
        "mutating",
    ),
    ("kcat -G billing orders -b k:9092", "mutating"),
    ("kcat -P -b k:9092 -t orders", "mutating"),
    ("rabbitmqctl export_definitions /tmp/defs.json", "mutating"),
    ("rabbitmqadmin export /tmp/defs.json", "mutating"),
    ("rabbitmqadmin get queue=orders", "mutating"),
    ("nodetool repair ks", "mutating"),
    ("nodetool cleanup", "mutating"),
    ("nodetool drain", "mutating"),
]

SENSITIVE = [
    "redis-cli MONITOR",
    "redis-cli -h cache monitor",
    "redis-cli CONFIG GET requirepass",
    "redis-cli CONFIG GET '*'",
    "redis-cli --replica",
    "etcdctl get /registry/secrets/default/db",
    "etcdctl get /registry/ --prefix",
    "etcdctl get '' --prefix",
    "etcdctl get /a /z",
    "etcdctl get --from-key /",
    "vault kv get -format=json secret/prod/db",
    "vault read secret/data/prod",
    "vault token lookup -format=json",
    "rabbitmqctl export_definitions -",
    "pg_dumpall -h db",
    "mysqldump --all-databases",
    "mongodump --archive",
]


@pytest.mark.parametrize("cmd", READ_ONLY)
def test_read_only_forms(cmd: str) -> None:
    verdict = GUARD.classify(cmd)
    assert verdict.label.value == "read_only", verdict.reason


@pytest.mark.parametrize("cmd", UNKNOWN_FLAG)
def test_unknown_flag_is_unknown(cmd: str) -> None:
    verdict = GUARD.classify(cmd)
    assert verdict.label.value == "unknown", verdict.reason
    assert "unknown flag" in verdict.reason


@pytest.mark.parametrize(("cmd", "label"), NOT_READ_ONLY)
def test_not_read_only_classes(cmd: str, label: str) -> None:
    verdict = GUARD.classify(cmd)
    assert verdict.label.value == label, verdict.reason


@pytest.mark.parametrize("cmd", SENSITIVE)
def test_sensitive_reads(cmd: str) -> None:
    verdict = GUARD.classify(cmd)
    assert verdict.label.value == "sensitive_read", verdict.reason


def test_monitor_rule_is_not_a_substring_match() -> None:
    """MONITOR alone prints traffic; a key named `monitor` is an ordinary read."""
    assert GUARD.classify("redis-cli GET monitor").label.value == "read_only"
