"""A schemathesis run over the IPFS gateway's read side (`/health`, `GET`/`HEAD /ipfs/{cid}`),
the public port: no request gets a 5xx or an answer the OpenAPI document does not describe.
The store holds a small JSON file, a multi-block file (CIDv0 and CIDv1 with raw leaves) and a
raw block. The schema knows nothing of CIDs or of the headers the gateway reads (Range,
If-None-Match, Accept), so a second run sends those: real and mangled CIDs, every format,
odd file names, ranges in and out of the file. (The write API has its own port and tests.)"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from fuzz_helpers import FUZZ_SETTINGS, call_and_validate
from hypothesis import given
from hypothesis import strategies as st

from fame.ipfs.gateway import create_app
from fame.ipfs.store import BlockStore

BIG = bytes(range(256)) * 2100  # a little over two 256 KiB chunks: a DAG with links


def _store() -> tuple[BlockStore, list[str]]:
    folder = Path(tempfile.mkdtemp(prefix="fame-gateway-fuzz-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    store = BlockStore(folder / "store", fsync=False)
    cids = [
        str(store.add(b'{"name": "Nova Lumen"}\n', name="nova.json")),
        str(store.add(BIG)),
        str(store.add(BIG, cid_version=1, raw_leaves=True)),
        str(store.put_block(b"a raw block")),
    ]
    return store, cids


STORE, CIDS = _store()
schema = (
    schemathesis.openapi.from_asgi("/openapi.json", create_app(STORE))
    # one include: its conditions all hold (separate ones would add up)
    .include(path_regex=r"^/(health|ipfs/)", method=["GET", "HEAD"])
)


@schema.parametrize()
@FUZZ_SETTINGS
def test_fuzz_gateway_read_side(case):
    call_and_validate(case)


def _mangled(cid: str) -> st.SearchStrategy[str]:
    return st.one_of(
        st.just(cid[:-1]),
        st.just(cid + "a"),
        st.just(cid.upper()),
        st.just("f01551220" + "00" * 32),  # base16 CIDv1 of a block this store does not hold
        st.just("z" + cid[1:]),
    )


_cid = st.one_of(st.sampled_from(CIDS), st.sampled_from(CIDS).flatmap(_mangled))
_offset = st.one_of(st.integers(0, len(BIG) + 2), st.sampled_from([2**63, 2**64, 10**30]))
_range = st.one_of(
    st.builds(lambda a, b: f"bytes={a}-{b}", _offset, _offset),
    st.builds(lambda a: f"bytes={a}-", _offset),
    st.builds(lambda b: f"bytes=-{b}", _offset),
    st.builds(lambda a, b: f"bytes={a}-{b}, 0-1", _offset, _offset),
    st.sampled_from(["bytes=", "bytes=-", "items=0-1", "bytes=1-0", "bytes=abc"]),
)
_text = st.text(st.characters(codec="latin-1", exclude_characters="\r\n\x00"), max_size=40)
_header = st.from_regex(r"\A[!-~]([ -~]{0,38}[!-~])?\Z")  # what the client sends as a header value


@given(
    cid=_cid,
    method=st.sampled_from(["GET", "HEAD"]),
    fmt=st.sampled_from([None, "car", "raw", "CAR", "dag-json", ""]),
    filename=st.one_of(st.none(), st.sampled_from(["a.png", "x.json", "noext", "../../etc/passwd"]), _text),
    download=st.booleans(),
    rng=st.one_of(st.none(), _range),
    if_none_match=st.one_of(st.none(), st.just("*"), _cid.map(lambda c: f'"{c}"'), _header),
    accept=st.sampled_from([None, "application/vnd.ipld.car", "application/vnd.ipld.raw", "*/*", "text/html"]),
)
@FUZZ_SETTINGS
def test_fuzz_gateway_with_cids_and_headers(cid, method, fmt, filename, download, rng, if_none_match, accept):
    query = {k: v for k, v in (("format", fmt), ("filename", filename)) if v is not None}
    if download:
        query["download"] = "true"
    headers = {k: v for k, v in (("Range", rng), ("If-None-Match", if_none_match), ("Accept", accept)) if v}
    case = schema["/ipfs/{cid}"][method].Case(path_parameters={"cid": cid}, query=query, headers=headers)
    call_and_validate(case)


def test_a_file_is_served_with_its_sniffed_type_which_the_document_allows():
    response = call_and_validate(schema["/ipfs/{cid}"]["GET"].Case(path_parameters={"cid": CIDS[0]}))
    (content_type,) = response.headers["content-type"]  # schemathesis keeps each header's values
    assert content_type.startswith("application/json")
