"""Issue 11, default-deny for the remaining tools: shells and wrappers, disks, system,
packages, daemons. Each row is a documented option (earned) or an unvetted one (unknown),
plus the wrong verdicts the per-tool split fixed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from opslens.guard import CommandGuard

R, S, U, M, D = "read_only", "sensitive_read", "unknown", "mutating", "destructive"

CASES = [
    # wrappers: their own options are checked, the inner command is classified
    ("nohup ls -l", R),
    ("setsid -f ls", R),
    ("stdbuf -oL tail -f app.log", R),
    ("nice -n 10 ls", R),
    ("nice -10 ls", R),
    ("ionice -p 123", R),
    ("ionice -c3 -p 123", M),
    ("command -v kubectl", R),
    ("chroot /mnt ls", R),
    ("chroot --bogus /mnt ls", U),
    ("nsenter -t 1 -m -u -i -n -p ls", R),
    ("nsenter -t 1 -m rm -rf /x", D),
    ("su - postgres -c 'psql -l'", R),
    ("runuser -u app -- ls", R),
    ("xvfb-run -a ls", U),
    # shells
    ("bash -xc 'ls -l'", R),
    ("bash -o pipefail -c 'ls | wc -l'", R),
    ("bash --rcfile x.sh -c ls", U),
    ("bash --init-file x.sh -c ls", U),
    ("sh -ec 'ls'", R),
    ("zsh -c 'rm -rf /tmp/x'", D),
    ("fish -C 'rm x' -c ls", U),
    ("eval ls -l", R),
    ("parallel -j4 --dry-run ls ::: a b", R),
    ("parallel --joblog j.log ls ::: a", U),
    # PowerShell
    ("Get-ChildItem -Path C:\\logs -Recurse", R),
    ("Get-ChildItem env:", S),
    ("Get-Process -Bogus", U),
    # ansible, salt
    ("ansible all -m ping -i hosts", R),
    ("ansible all -m setup --tree /tmp/facts", U),
    ("ansible-playbook site.yml --check --diff", R),
    ("ansible-playbook site.yml --check --step", U),
    ("ansible-pull -C main -U https://git.example/x", M),
    ("ansible-lint --fix", M),
    ("ansible-lint play.yml", R),
    ("ansible-vault decrypt vars.yml", M),
    ("ansible-vault decrypt --output - vars.yml", S),
    ("ansible-inventory --list --vault-password-file p", S),
    ("salt -G os:Ubuntu test.ping", R),
    ("salt '*' test.ping --out-file /tmp/o", U),
    # disks (the split fixed the first five, formerly read_only)
    ("lvextend -l +100%FREE /dev/vg/lv", M),
    ("lvcreate -l 100%FREE -n data vg0", M),
    ("sgdisk -d 1 /dev/sda", D),
    ("blkdiscard /dev/sdb", D),
    ("parted -s /dev/sda unit MB mkpart primary 0 100", D),
    ("sgdisk -p /dev/sda", R),
    ("parted /dev/sda print", R),
    ("fdisk -l", R),
    ("mount", R),
    ("swapon --show", R),
    ("losetup -a", R),
    ("e2fsck -fn /dev/sda1", R),
    ("e2fsck -fp /dev/sda1", M),
    ("tune2fs -l /dev/sda1", R),
    ("zpool status -x", R),
    ("cryptsetup luksDump --dump-volume-key /dev/sda2", S),
    ("smartctl -a /dev/sda", R),
    ("smartctl -t long /dev/sda", M),
    ("pvscan --cache", U),
    # system, packages, daemons, files
    ("modprobe -n -v nf_conntrack", R),
    ("dig -p 5353 example.com", R),
    ("nslookup -type=MX example.com", R),
    ("ping -c 3 example.com", R),
    ("ping -f example.com", U),
    ("passwd -S root", R),
    ("passwd -l root", M),
    ("ssh-add -l", R),
    ("visudo -c", R),
    ("pacman -S nginx", M),
    ("yum -q install nginx", M),
    ("rpm -qa", R),
    ("npm install -s express", M),
    ("npm audit fix", M),
    ("npm ls --depth=0", R),
    ("apt list --installed", R),
    ("rm --version", R),
    ("vim -R +'!rm -rf /' f", U),
    ("vim -R /etc/hosts", R),
]


@pytest.mark.parametrize(("cmd", "label"), CASES)
def test_label(cmd: str, label: str) -> None:
    assert CommandGuard({}).classify(cmd).label.value == label


_TOOLS = ["nohup", "setsid", "bash", "sh", "ansible all -m ping", "salt '*' test.ping",
          "mount", "fdisk -l", "sgdisk -p", "zpool status", "lvs", "smartctl -a", "dig x",
          "ping x", "passwd -S"]


@settings(max_examples=200, deadline=None)
@given(
    base=st.sampled_from(_TOOLS),
    name=st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=3, max_size=12),
)
def test_unvetted_long_option_is_never_read_only(base: str, name: str) -> None:
    # a random --long option no tool documents can never keep a read verdict
    label = CommandGuard({}).classify(f"{base} --zz{name}").label.value
    assert label not in (R, S)
