"""Content manifests: signed with EIP-191, verified, tamper-evident, and published through
the embedded IPFS store (content first, then the manifest)."""

from __future__ import annotations

import copy
import json

import pytest
from eth_account import Account

from ai_worker.manifest import (
    DISCLOSURE,
    ContentItem,
    ManifestError,
    build_manifest,
    canonical_json,
    is_valid_manifest,
    make_item,
    publish,
    recover_signer,
    verify_manifest,
)
from ai_worker.model_info import ModelInfo
from fame.ipfs import compute_cid

MODELS = {
    "image": ModelInfo("fameengine/emotion-unet", "1", "diffusers-unet2d-ddim", "ab" * 32),
    "caption": ModelInfo("fameengine/template-captioner", "1", "grammar"),
}
CONTENT = b"\x89PNG\r\n\x1a\n not really a png, but bytes are bytes"


def _item(account, **over) -> ContentItem:
    fields = dict(
        persona_id=7,
        request_id=12,
        models=MODELS,
        brief="rooftop garden",
        emotion="joy",
        seed=42,
        persona_name="Nova Lux",
        caption="Best day ever! #novalux",
        emotional_state="calm",
        created_at="2026-11-22T00:00:00Z",
    )
    fields.update(over)
    return make_item(content=CONTENT, signer=account, **fields)


def test_manifest_fields_and_signature(worker_account):
    m = _item(worker_account).manifest
    assert m["aiGenerated"] is True and "AI-generated" in m["disclosure"] and "Nova Lux" in m["disclosure"]
    assert m["disclosure"] == DISCLOSURE.format(persona="Nova Lux")
    assert m["persona"] == {"id": 7, "name": "Nova Lux"} and m["requestId"] == 12
    assert m["emotion"] == "joy" and m["seed"] == 42 and m["emotionalState"] == "calm"
    assert m["content"]["cid"] == str(compute_cid(CONTENT)) and m["content"]["bytes"] == len(CONTENT)
    assert m["models"][0] == {
        "name": "fameengine/emotion-unet",
        "version": "1",
        "kind": "diffusers-unet2d-ddim",
        "sha256": "ab" * 32,
        "role": "image",
    }
    assert m["briefHash"].startswith("0x") and len(m["briefHash"]) == 66
    assert m["worker"] == worker_account.address
    assert verify_manifest(m, expected_signer=worker_account.address, content=CONTENT) == worker_account.address
    # the signature covers the canonical JSON without the signature field: same result after a JSON round trip
    again = json.loads(json.dumps(m, indent=2))
    assert recover_signer(again) == worker_account.address
    assert canonical_json(again) == canonical_json(m)


@pytest.mark.parametrize(
    "path, value",
    [
        (("emotion",), "anger"),
        (("seed",), 43),
        (("content", "cid"), "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"),
        (("caption",), "Worst day ever"),
        (("aiGenerated",), False),
        (("persona", "id"), 8),
        (("models", 0, "version"), "2"),
        (("worker",), "0x" + "11" * 20),
    ],
)
def test_tampering_is_detected(worker_account, path, value):
    m = copy.deepcopy(_item(worker_account).manifest)
    node = m
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert not is_valid_manifest(m)
    with pytest.raises(ManifestError):
        verify_manifest(m)


def test_wrong_signer_missing_fields_and_wrong_content(worker_account):
    m = _item(worker_account).manifest
    other = Account.from_key("0x" + "5a" * 32)
    with pytest.raises(ManifestError, match="expected"):
        verify_manifest(m, expected_signer=other.address)
    resigned = _item(other).manifest  # a valid manifest, but by another worker
    assert verify_manifest(resigned) == other.address
    stolen = {**resigned, "worker": worker_account.address}
    with pytest.raises(ManifestError, match="altered or signed by another key"):
        verify_manifest(stolen)
    with pytest.raises(ManifestError, match="lacks signature"):
        verify_manifest({k: v for k, v in m.items() if k != "signature"})
    with pytest.raises(ManifestError, match="cannot be read|altered"):
        verify_manifest({**m, "signature": "0x1234"})
    with pytest.raises(ManifestError, match="CID"):
        verify_manifest(m, content=CONTENT + b"!")


def test_build_manifest_checks_its_input(worker_account):
    base = dict(
        persona_id=1,
        request_id=1,
        brief=None,
        emotion="calm",
        seed=1,
        content_cid="Qm" + "1" * 44,
        signer=worker_account,
    )
    with pytest.raises(ManifestError, match="at least one model"):
        build_manifest(models=[], **base)
    with pytest.raises(ManifestError, match="non-empty string"):
        build_manifest(models=[{"name": "x"}], **base)
    with pytest.raises(ManifestError, match="floating-point"):
        build_manifest(models=[{"name": "x", "version": "1"}], extra={"score": 0.5}, **base)
    with pytest.raises(ManifestError, match="overwrite"):
        build_manifest(models=[{"name": "x", "version": "1"}], extra={"emotion": "joy"}, **base)
    with pytest.raises(ValueError, match="unknown emotion"):
        build_manifest(models=[{"name": "x", "version": "1"}], **{**base, "emotion": "meh"})
    ok = build_manifest(models=[{"name": "x", "version": "1"}], extra={"language": "en"}, **base)
    assert ok["language"] == "en" and "caption" not in ok and verify_manifest(ok)


def test_publish_round_trip(worker_account, backend):
    item = _item(worker_account)
    cids = publish(item, backend)
    assert cids.content_cid == item.manifest["content"]["cid"]
    assert backend.read(cids.content_cid) == CONTENT
    stored = json.loads(backend.read(cids.manifest_cid))
    assert stored == item.manifest
    assert (
        verify_manifest(stored, expected_signer=worker_account.address, content=backend.read(stored["content"]["cid"]))
        == worker_account.address
    )
    assert cids.manifest_cid == str(compute_cid(canonical_json(item.manifest)))
    assert backend.store.is_pinned(cids.content_cid) and backend.store.is_pinned(cids.manifest_cid)


def test_publish_refuses_a_manifest_that_does_not_match(worker_account, backend):
    item = _item(worker_account)
    swapped = ContentItem(b"other bytes", item.manifest)
    with pytest.raises(ManifestError, match="manifest says"):
        publish(swapped, backend)
    forged = ContentItem(CONTENT, {**item.manifest, "emotion": "fear"})
    with pytest.raises(ManifestError):
        publish(forged, backend)
