"""The frontend build cache (stack.web.build): a build of the same sources and contracts is
copied from the cache instead of rebuilt, into any output folder; a different manifest misses
it; the cache keeps only the newest few builds.

Invariants: a cache hit never runs npm (here npm is not even on PATH); what lands in the output
folder is the cached build with its key; a miss with npm absent is the clear FameError."""

from __future__ import annotations

import json
import os
import time

import pytest

from fame.errors import FameError
from stack.web import build


def _manifest(tmp_path, address: str):
    path = tmp_path / f"manifest-{address[-4:]}.json"
    path.write_text(json.dumps({"contracts": {"FMC": {"address": address, "abi": []}}}))
    return path


def _fake_build(folder, key: str, marker: str) -> None:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(f"<!doctype html><title>{marker}</title>")
    (folder / build.KEY_FILE).write_text(key)


def test_a_cached_build_is_copied_not_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-npm-here"))
    cache = tmp_path / "cache"
    manifest = _manifest(tmp_path, "0x" + "11" * 20)
    key = build.build_key(manifest)
    _fake_build(cache / key, key, "cached")
    for stack in ("fan", "live"):
        out = build.build_frontend(manifest, tmp_path / "log", out_dir=tmp_path / stack / "dist", cache=cache)
        assert (out / "index.html").read_text().endswith("<title>cached</title>")
        assert (out / build.KEY_FILE).read_text() == key
    other = _manifest(tmp_path, "0x" + "22" * 20)  # other addresses: another build
    with pytest.raises(FameError, match="npm is not installed"):
        build.build_frontend(other, tmp_path / "log", out_dir=tmp_path / "other", cache=cache)
    with pytest.raises(FameError, match="npm is not installed"):  # the type check never comes from the cache
        build.build_frontend(manifest, tmp_path / "log", out_dir=tmp_path / "typed", check_types=True, cache=cache)


def test_the_cache_keeps_the_newest_builds(tmp_path):
    cache = tmp_path / "cache"
    now = time.time()
    for i in range(build.KEEP):  # full, oldest first
        _fake_build(cache / f"key{i}", f"key{i}", str(i))
        os.utime(cache / f"key{i}", (now - 1000 + i, now - 1000 + i))
    out = tmp_path / "out"
    _fake_build(out, "new", "new")
    build._keep(out, cache, "new")
    assert sorted(d.name for d in cache.iterdir()) == sorted(["new", *(f"key{i}" for i in range(1, build.KEEP))])
    assert (cache / "new" / "index.html").read_text().endswith("<title>new</title>")
