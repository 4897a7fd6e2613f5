"""Compound commands, wrappers, redirections and parser fallbacks."""

from __future__ import annotations

import pytest
from guard_helpers import D, M, R, U

from opslens.guard import CommandGuard, Label

COMPOUND = [
    ("kubectl get pods | grep Crash | awk '{print $1}'", R),
    ("kubectl get pods -o name | xargs kubectl delete", D),
    ("kubectl diff -f k8s/ && kubectl apply -f k8s/", M),
    ("kubectl get ns; kubectl delete ns tmp", D),
    ("false || rm -rf /srv/app", D),
    ("ls $(kubectl delete pod x)", D),
    ("echo `rm -rf /tmp/x`", D),
    ("diff <(kubectl get cm a -o yaml) <(kubectl get cm b -o yaml)", R),
    ("(cd /srv && rm -rf build)", D),
    ("{ uptime; df -h; }", R),
    ("for p in $(kubectl get pods -o name); do kubectl delete $p; done", D),
    ("for p in a b; do echo $p; done", R),
    ("while read l; do echo $l; done < pods.txt", R),
    ("if systemctl is-active nginx; then systemctl restart nginx; fi", M),
    ("X=$(rm -rf /) ls", D),
    ("echo ${VAR:-$(reboot)}", D),
    ("cleanup() { rm -rf /tmp/work; }; cleanup", D),
    ("kubectl logs x &", R),
]

WRAPPERS = [
    ("sudo reboot", D),
    ("sudo -u postgres psql -c 'DROP DATABASE x'", D),
    ("sudo -l", R),
    ("sudo -i", M),
    ("env LANG=C kubectl get pods", R),
    ("env -i PATH=/bin rm -rf /x", D),
    ("nohup rm -rf /data &", D),
    ("timeout 30s kubectl get pods", R),
    ("timeout -s KILL 5 systemctl restart app", M),
    ("nice -n 10 tar -czf b.tgz /etc", M),
    ("watch -n 5 kubectl get pods", R),
    ("watch 'kubectl delete pod x'", D),
    ("bash -c 'kubectl get pods | wc -l'", R),
    ("sh -c 'rm -rf /var/cache/app'", D),
    ("bash -lc 'systemctl restart app'", M),
    ("bash deploy.sh", U),
    ("ssh web-1 uptime", R),
    ("ssh -i key.pem ubuntu@10.0.0.1 'sudo systemctl restart nginx'", M),
    ("ssh web-1 -t 'sudo rm -rf /var/lib/app'", D),
    ("ssh -N -L 5432:db:5432 bastion", R),
    ("ssh bastion", M),
    ("xargs -a hosts.txt -I{} ssh {} 'sudo reboot'", D),
    ("cat pods.txt | xargs -n1 kubectl describe pod", R),
    ("kubectl exec -n data pg-0 -- psql -c 'TRUNCATE events'", D),
    ("docker exec -it db psql -U postgres -c 'select 1'", R),
    ("find / -name core -delete", D),
    ("find . -type f -exec chmod 644 {} +", M),
    ('eval "$(ssh-agent -s)"', M),
    ("eval 'kubectl get pods'", R),
    ("source <(kubectl completion bash)", M),
    ("time kubectl get pods", R),
    ("su - postgres -c 'dropdb app'", D),
    ("chroot /mnt/host rm -rf /var/log", D),
    ("ip netns exec blue ip link set eth0 down", D),
    ("aws-vault exec prod -- terraform destroy", D),
    ("git submodule foreach 'git reset --hard'", D),
]

REDIRECTS = [
    ("kubectl get deploy -o yaml > backup.yaml", M),
    ("journalctl -u app >> /tmp/app.log", M),
    ("kubectl get pods 2>/dev/null", R),
    ("kubectl get pods > /dev/null 2>&1", R),
    ("echo 1 > /proc/sys/vm/drop_caches", M),
    ("echo b > /proc/sysrq-trigger", D),
    ("cat image.iso > /dev/sdb", D),
    ("echo 'x' | sudo tee -a /etc/hosts", M),
    ("echo 'x' | tee /dev/null", R),
    ("kubectl get pods | tee pods.txt", M),
    ("{ date; uptime; } > status.txt", M),
    ("ls > >(tee out.log)", M),
    ("cat <<EOF > /etc/motd\nhello\nEOF", M),
]

FALLBACK = [
    # bashlex does not implement these; the guard must stay conservative.
    ('case "$1" in start) systemctl start app ;; stop) rm -rf /data ;; esac', D),
    ('case "$1" in s) echo hi ;; esac', U),
    ("[[ -f /tmp/x ]] && cat /tmp/x", R),
    ("[[ -f /tmp/x ]] && rm /tmp/x", D),
    ("echo $((1+2)) && kubectl get pods", R),
    ("echo 'unterminated", U),
    ("coproc cat", U),
    ("$CMD --force", U),
    ("./deploy.sh prod", U),
    ("frobnicate --all", U),
    ("", U),
]


@pytest.mark.parametrize(("command", "expected"), COMPOUND + WRAPPERS + REDIRECTS + FALLBACK)
def test_shell_structure(guard: CommandGuard, command: str, expected: Label) -> None:
    verdict = guard.classify(command)
    assert verdict.label is expected, f"{command!r} -> {verdict.label.value}: {verdict.reason}"


def test_part_points_at_the_deciding_command(guard: CommandGuard) -> None:
    verdict = guard.classify("kubectl get pods && kubectl -n x delete pod y; uptime")
    assert verdict.label is Label.DESTRUCTIVE
    assert verdict.part == "kubectl -n x delete pod y"
    assert "delete" in verdict.reason


def test_part_of_a_redirection_is_the_redirection(guard: CommandGuard) -> None:
    verdict = guard.classify("kubectl get pods -o json | jq . > /tmp/pods.json")
    assert verdict.label is Label.MUTATING
    assert verdict.part == "> /tmp/pods.json"


def test_reason_is_one_line(guard: CommandGuard) -> None:
    verdict = guard.classify("bash -c 'echo hi\nrm -rf /x'")
    assert verdict.label is Label.DESTRUCTIVE
    assert "\n" not in verdict.reason


def test_unknown_never_counts_as_safe(guard: CommandGuard) -> None:
    assert not guard.classify("mystery-tool status").is_safe
    assert Label.UNKNOWN > Label.SENSITIVE_READ and Label.UNKNOWN < Label.MUTATING
