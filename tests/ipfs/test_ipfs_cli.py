"""`fame ipfs ...` commands on an embedded store."""

from __future__ import annotations

import os

from click.testing import CliRunner
from ipfs_helpers import aleph, ref_cids_file

from fame.ipfs.car import read_car
from fame.ipfs.cli import ipfs
from fame.ipfs.store import BlockStore
from fame.ipfs.unixfs import CHUNK_SIZE


def run(*args: str, input: bytes | None = None):
    env = {k: None for k in os.environ if k.startswith("FAME_")}
    env["FAME_IPFS_FSYNC"] = "false"
    from fame.ipfs.settings import ipfs_settings

    ipfs_settings.cache_clear()
    return CliRunner().invoke(ipfs, list(args), input=input, env=env, catch_exceptions=False)


def test_add_cat_pin_gc(tmp_path):
    d = str(tmp_path / "store")
    data = os.urandom(CHUNK_SIZE + 5)
    f = tmp_path / "post.bin"
    f.write_bytes(data)
    res = run("add", str(f), "--dir", d)
    assert res.exit_code == 0, res.output
    cid = res.output.strip()
    assert cid == ref_cids_file(f)["CIDv0"]
    res = run("add", str(f), "--cid-version", "1", "--raw-leaves", "--dir", d)
    assert res.output.strip() == aleph(data, True)
    res = run("add", "-", "-n", "--dir", d, input=data)
    assert res.output.strip() == cid
    cat = run("cat", cid, "--dir", d)
    assert cat.exit_code == 0 and cat.stdout_bytes == data
    assert cid in run("pin", "ls", "--dir", d).output
    assert run("pin", "rm", cid, "--dir", d).exit_code == 0
    out = run("gc", "--dir", d).output
    assert "removed 3 blocks" in out  # the CIDv0 root and its two leaves; the v1 DAG stays pinned
    assert not BlockStore(d).has(cid)


def test_export_car(tmp_path):
    d = str(tmp_path / "store")
    f = tmp_path / "m.json"
    f.write_bytes(b'{"ai_generated": true}')
    cid = run("add", str(f), "--dir", d).output.strip()
    out = tmp_path / "m.car"
    assert run("export", cid, "-o", str(out), "--dir", d).exit_code == 0
    roots, blocks = read_car(out.read_bytes())
    assert [str(r) for r in roots] == [cid] and len(blocks) == 1


def test_errors_are_one_line(tmp_path):
    d = str(tmp_path / "store")
    res = run("cat", "not-a-cid", "--dir", d)
    assert res.exit_code == 2 and res.output.startswith("error: ") and len(res.output.strip().splitlines()) == 1
    res = run("pin", "add", "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", "--dir", d)
    assert res.exit_code == 2 and "not in the store" in res.output
