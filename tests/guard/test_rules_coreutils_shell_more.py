"""Default-deny for text processors, files, system and network tools, and ssh exposure (issue 11).

Each table row is (command, expected label). Read forms with documented options stay
read_only; an option missing from a tool's `flags` makes it unknown; forms that write, run
programs or expose a port keep their label.
"""

from __future__ import annotations

import pytest

from opslens.guard import CommandGuard

GUARD = CommandGuard({})

CASES: list[tuple[str, str]] = [
    # sed (GNU sed 4.9 --help)
    ("sed -n 1,5p app.log", "read_only"),
    ("sed -ne '/ERROR/p' app.log", "read_only"),
    ("sed -E 's/(a|b)+/x/g' app.log", "read_only"),
    ("sed '/warning/d' app.log", "read_only"),
    ("sed --bogus 1p app.log", "unknown"),
    ("sed -f fix.sed app.log", "unknown"),
    ("sed -i.bak s/a/b/ app.log", "mutating"),
    ("sed 's/a/b/w out.txt' app.log", "mutating"),
    ("sed -e '/x/w out.txt' app.log", "mutating"),
    ("sed '5e date' app.log", "mutating"),
    # awk, sort, uniq, tee, yq
    ("awk -F: '{print $1}' /etc/passwd", "read_only"),
    ("awk -v n=3 'NR<n' app.log", "read_only"),
    ("awk -f prog.awk app.log", "unknown"),
    ("awk -i inplace '{print}' app.log", "mutating"),
    ("sort -t: -k3,3n /etc/passwd", "read_only"),
    ("sort -rn counts.txt", "read_only"),
    ("sort --compress-program=gzip big.txt", "unknown"),
    ("sort -o out.txt in.txt", "mutating"),
    ("uniq -c sorted.txt", "read_only"),
    ("uniq --bogus sorted.txt", "unknown"),
    ("tee /dev/null", "read_only"),
    ("tee -a out.log", "mutating"),
    ("yq -o json '.spec' deploy.yaml", "read_only"),
    ("yq -s '.a' deploy.yaml", "unknown"),
    ("yq -i '.a = 1' deploy.yaml", "mutating"),
    # files: tar, gzip, unzip, dd, rsync
    ("tar -tvf backup.tar", "read_only"),
    ("tar -tzf backup.tar.gz --wildcards '*.conf'", "read_only"),
    ("tar -tf backup.tar --to-command=sh", "unknown"),
    ("tar -xf backup.tar", "mutating"),
    ("gzip -cd app.log.gz", "read_only"),
    ("gzip -l app.log.gz", "read_only"),
    ("gzip -c --bogus app.log", "unknown"),
    ("gzip app.log", "mutating"),
    ("unzip -l release.zip", "read_only"),
    ("unzip release.zip", "mutating"),
    ("dd if=/dev/sda bs=512 count=1", "read_only"),
    ("dd if=/dev/zero of=/dev/sda", "destructive"),
    ("rsync -avn --delete src/ host:/srv/", "read_only"),
    ("rsync -avn --log-file=rsync.log src/ host:/srv/", "unknown"),
    ("rsync -av src/ host:/srv/", "mutating"),
    # search
    ("find /var/log -name '*.log' -mtime -7 -size +10M", "read_only"),
    ("find . -type f -exec grep -il error {} ;", "read_only"),
    ("find /tmp -name '*.tmp' -delete", "destructive"),
    ("fd -e log -H app /var/log", "read_only"),
    ("fd --bogus app", "unknown"),
    # system
    ("sysctl -a", "read_only"),
    ("sysctl -n net.ipv4.ip_forward", "read_only"),
    ("sysctl -w net.ipv4.ip_forward=1", "mutating"),
    ("date -u +%s", "read_only"),
    ("date -Iseconds", "read_only"),
    ("date -s '2024-01-01'", "mutating"),
    ("hostname -f", "read_only"),
    ("hostname web01", "mutating"),
    ("dmesg -T --level=err,warn", "read_only"),
    ("dmesg -c", "mutating"),
    ("dmesg --bogus", "unknown"),
    ("getent hosts example.com", "read_only"),
    ("getent shadow", "sensitive_read"),
    ("crontab -l -u deploy", "read_only"),
    ("crontab -r", "destructive"),
    ("atq -q a", "read_only"),
    ("hwclock --show", "read_only"),
    ("hwclock --systohc", "mutating"),
    # processes
    ("kill -l", "read_only"),
    ("kill -0 4242", "read_only"),
    ("kill -9 4242", "destructive"),
    ("fuser -v -m /srv", "read_only"),
    ("fuser -k 8080/tcp", "destructive"),
    # network diagnostics
    ("tcpdump -nni eth0 -c 100 port 443", "read_only"),
    ("tcpdump -vvv -i any host 10.0.0.5", "read_only"),
    ("tcpdump -i eth0 -w capture.pcap", "mutating"),
    ("tcpdump -i eth0 -z gzip -w cap.pcap", "mutating"),
    ("tcpdump -i eth0 --bogus", "unknown"),
    ("arp -an", "read_only"),
    ("arp -d 10.0.0.1", "destructive"),
    ("conntrack -L -p tcp --dport 443", "read_only"),
    ("conntrack -F", "destructive"),
    ("nc -zv db.internal 5432", "read_only"),
    ("nc -l 8080", "unknown"),
    ("ssh-keyscan -t ed25519 -p 2222 host", "read_only"),
]

SSH_CASES: list[tuple[str, str]] = [
    # loopback-only forwards are read_only (project policy: port-forward to localhost)
    ("ssh -L 8080:db:5432 -N bastion", "read_only"),
    ("ssh -L localhost:8080:db:5432 -N bastion", "read_only"),
    ("ssh -L 127.0.0.1:8080:db:5432 -N bastion", "read_only"),
    ("ssh -L [::1]:8080:db:5432 -N bastion", "read_only"),
    ("ssh -fNL 8080:db:5432 bastion", "read_only"),
    ("ssh -D 1080 -N bastion", "read_only"),
    # forwards bound to other addresses, -g, GatewayPorts, and every -R expose a port
    ("ssh -L 0.0.0.0:8080:db:5432 -N bastion", "mutating"),
    ("ssh -L *:8080:db:5432 -N bastion", "mutating"),
    ("ssh -L :8080:db:5432 -N bastion", "mutating"),
    ("ssh -L [::]:8080:db:5432 -N bastion", "mutating"),
    ("ssh -NL 0.0.0.0:8080:db:5432 bastion", "mutating"),
    ("ssh -D 0.0.0.0:1080 -N bastion", "mutating"),
    ("ssh -g -L 8080:db:5432 -N bastion", "mutating"),
    ("ssh -o GatewayPorts=yes -L 8080:db:5432 -N bastion", "mutating"),
    ("ssh -o 'RemoteForward 9000 localhost:3000' -N host", "mutating"),
    ("ssh -R 9000:localhost:3000 -N host", "mutating"),
    ("ssh -R 9000:localhost:3000 host sleep 60", "mutating"),
    # remote commands keep their own label; no command opens a login shell
    ("ssh -p 2222 -i key.pem host uptime", "read_only"),
    ("ssh host rm -rf /srv/app", "destructive"),
    ("ssh host", "mutating"),
    # options that run programs, write files or forward credentials are not earned
    ("ssh -o ProxyCommand='nc %h %p' host uptime", "unknown"),
    ("ssh -E ssh.log host uptime", "unknown"),
    ("ssh -A host uptime", "unknown"),
    ("ssh -X host xclock", "unknown"),
    ("ssh --bogus host uptime", "unknown"),
    ("ssh -G host", "read_only"),
]


@pytest.mark.parametrize(("command", "expected"), CASES + SSH_CASES)
def test_label(command: str, expected: str) -> None:
    """Each documented form gets its label; unlisted options are unknown."""
    got = GUARD.classify(command)
    assert got.label.value == expected, f"{command!r}: {got.label.value} ({got.reason})"


def test_ssh_options_after_host_are_read_as_ssh_options() -> None:
    """OpenSSH parses options after the host too: they get the same label as before it."""
    for command in ("ssh host -L 9999:x:80 -N", "ssh host -R 9000:x:80 -N"):
        before = command.replace("ssh host ", "ssh ") + " host"
        assert GUARD.classify(command).label is GUARD.classify(before).label, command
