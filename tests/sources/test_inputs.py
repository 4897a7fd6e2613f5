"""Expanding paths into inputs: directories, archives (by magic bytes), stdin, bad paths."""

from __future__ import annotations

import gzip
import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

from opslens.sources import inputs


def _names(items: list[inputs.Input]) -> list[str]:
    return [str(i.source) if isinstance(i, inputs.Readable) else f"UNREADABLE {i.where}" for i in items]


def _read(item: inputs.Input) -> bytes:
    assert isinstance(item, inputs.Readable)
    with item.open() as fh:
        return fh.read()


def _tar_gz(path: Path, members: dict[str, bytes]) -> None:
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_directory_is_walked_recursively_in_sorted_order_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.log").write_text("z\n")
    (tmp_path / "a.log").write_text("a\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "HEAD").write_text("ref\n")
    (tmp_path / ".hidden.log").write_text("h\n")
    items = list(inputs.expand([str(tmp_path)]))
    assert _names(items) == [str(tmp_path / "a.log"), str(tmp_path / "b" / "z.log")]


def test_missing_path_is_reported_not_raised(tmp_path: Path) -> None:
    items = list(inputs.expand([str(tmp_path / "nope.log")]))
    assert len(items) == 1 and isinstance(items[0], inputs.Unreadable)
    assert "no such file" in items[0].reason


def test_unreadable_file_is_reported(tmp_path: Path) -> None:
    f = tmp_path / "secret.log"
    f.write_text("x\n")
    f.chmod(0)
    # Root reads past file modes (CI may run as root); no one may read a process' unmapped memory.
    path = "/proc/self/mem" if os.geteuid() == 0 else str(f)
    items = list(inputs.expand([path]))
    assert len(items) == 1 and isinstance(items[0], inputs.Unreadable) and "cannot read" in items[0].reason


def test_tar_gz_members_are_inputs_with_member_names_and_kubelet_identity(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle.tgz"
    _tar_gz(bundle, {
        "logs/shop_cart-85f6d9c7b-4jq8s_cart.log": b"hello\n",
        "events.json": b"{}\n",
    })
    items = list(inputs.expand([str(bundle)]))
    assert _names(items) == [f"{bundle}!events.json", f"{bundle}!logs/shop_cart-85f6d9c7b-4jq8s_cart.log"]
    log = items[1]
    assert isinstance(log, inputs.Readable)
    assert log.source.identity.namespace == "shop" and log.source.identity.pod == "cart-85f6d9c7b-4jq8s"
    assert _read(log) == b"hello\n"


def test_zip_and_plain_gzip_and_nested_archives_are_opened_by_magic_not_name(tmp_path: Path) -> None:
    inner = tmp_path / "inner.tar.gz"
    _tar_gz(inner, {"deep.log": b"deep\n"})
    odd_name = tmp_path / "support-bundle.data"  # a zip without a .zip suffix
    with zipfile.ZipFile(odd_name, "w") as zf:
        zf.writestr("a.log", "from zip\n")
        zf.write(inner, "nested/inner.tar.gz")
    gz = tmp_path / "syslog.1.gz"
    gz.write_bytes(gzip.compress(b"gzipped line\n"))
    items = list(inputs.expand([str(odd_name), str(gz)]))
    by_name = {str(i.source): _read(i) for i in items if isinstance(i, inputs.Readable)}
    assert by_name[f"{odd_name}!a.log"] == b"from zip\n"
    assert by_name[f"{odd_name}!nested/inner.tar.gz/deep.log"] == b"deep\n"
    assert by_name[str(gz)] == b"gzipped line\n"


def test_corrupt_archives_become_unreadable_entries(tmp_path: Path) -> None:
    bad_gz = tmp_path / "broken.gz"
    bad_gz.write_bytes(b"\x1f\x8b" + b"\x00garbage" * 10)
    bad_zip = tmp_path / "broken.zip"
    bad_zip.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    items = list(inputs.expand([str(bad_gz), str(bad_zip)]))
    assert all(isinstance(i, inputs.Unreadable) for i in items), _names(items)
    assert [i.reason.split(":")[0] for i in items] == ["corrupt gzip data", "corrupt zip archive"]  # type: ignore[union-attr]


def test_stdin_is_spooled_and_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdin:
        buffer = io.BytesIO(b"line from stdin\n")

    monkeypatch.setattr("sys.stdin", FakeStdin())
    items = list(inputs.expand(["-"]))
    assert _names(items) == ["<stdin>"]
    assert _read(items[0]) == b"line from stdin\n"
    inputs.cleanup()


def test_a_compressed_archive_is_decompressed_once_whatever_its_member_count(tmp_path: Path) -> None:
    bundle = tmp_path / "many.tgz"
    _tar_gz(bundle, {f"logs/app-{i:03d}.log": f"line {i}\n".encode() for i in range(50)})
    calls = 0

    def opener() -> io.BufferedReader:
        nonlocal calls
        calls += 1
        return open(bundle, "rb")  # noqa: SIM115 (the caller closes it)

    with open(bundle, "rb") as fh:
        magic = fh.read(512)
    items = list(inputs._classify(opener, magic, str(bundle), None, depth=0))
    contents = [_read(i) for i in items] + [_read(i) for i in items]  # every member read twice
    assert len(items) == 50 and contents[0] == b"line 0\n" and contents[-1] == b"line 49\n"
    assert calls <= 3  # magic sniff + gzip check + one decompression, not one per member read
    inputs.cleanup()
