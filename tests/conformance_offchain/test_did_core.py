"""W3C Decentralized Identifiers (DIDs) v1.0 (DID Core, W3C Recommendation 19 July 2022)
conformance of the `did:fame` documents and their resolution: fame/did/document.py (the
documents), fame/did/resolver.py (`Resolver.resolve`) and fame/did/api.py (the HTTP endpoint
`GET /1.0/identifiers/{did}`).

The resolver reads DIDRegistry and PersonaRegistry through web3-style contract objects; here it
reads stand-ins of both (offchain_helpers.FakeChain), so every clause is checked without a
chain (tests/did resolves against the deployed contracts).

Sections covered, one test per MUST / SHOULD, named after the clause:

* 3.1 DID Syntax (the `did` ABNF: lower-case method name, idchar method-specific id) and
  3.2 DID URL Syntax (verification method and service ids are DID URLs with a fragment).
* 5.1.1 DID Subject (`id`), 5.1.2 DID Controller, 5.1.3 Also Known As.
* 5.2 Verification Methods (id, type, controller), 5.2.2 Referring to Verification Methods,
  5.3 Verification Relationships (authentication, assertionMethod, capabilityInvocation).
* 5.4 Services (id, type, serviceEndpoint; unique ids; endpoints RFC 3986 URIs).
* 6.3.1 JSON-LD Production (`@context` first item, the application/did+ld+json media type).
* 7.1 DID Resolution (the three outputs, the resolved `id`), 7.1.2 DID Resolution Metadata
  (contentType, error: invalidDid / notFound), 7.1.3 DID Document Metadata (created,
  deactivated).
* W3C DID Resolution, HTTP(S) Binding, for the endpoint: the status code of a deactivated DID.

Clauses that do not apply, and why:

* 5.2.1 Verification Material (publicKeyJwk, publicKeyMultibase, "MUST NOT contain multiple
  verification material properties"): the controllers are anonymous Groth16 provers; the one
  method carries a Merkle root of commitments in its own type `FameZkControllerSet2025`, no key.
* 5.3.3 keyAgreement, 5.3.5 capabilityDelegation: not produced.
* 6.2 JSON production / consumption (application/did+json): only JSON-LD is produced.
* 6.3.1 "SHOULD NOT produce ... terms not defined via the @context": the second context
  (https://fameengine.xyz/ns/did/v1) is not in this repository, so whether it defines the
  method's terms cannot be checked here.
* 7.1 resolveRepresentation and the `accept` option, 7.2 DID URL Dereferencing: not offered
  (the resolver resolves DIDs; verification methods are found by id in the document).
* 8 Methods (the did:fame method's own specification): the method's rules are what
  fame/did/document.py implements; only their agreement with the generic syntax is tested.
"""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from offchain_helpers import (
    RFC3339_RE,
    XML_DATETIME_UTC_RE,
    FakeChain,
    PersonaRecord,
    did_of_url,
    is_did,
    is_did_url,
    is_uri,
)

from fame.did.api import did_router
from fame.did.document import DID_CONTEXT, build_document, make_did, parse_did
from fame.did.resolver import CONTENT_TYPE, Resolver

CHAIN_ID = 31337
GATEWAY = "http://gw.test"
ACTIVE, RETIRED, NO_DID = 1, 2, 3
RELATIONSHIPS = ("authentication", "assertionMethod", "keyAgreement", "capabilityInvocation", "capabilityDelegation")


@pytest.fixture
def fake_chain() -> FakeChain:
    chain = FakeChain()
    chain.document_cids[ACTIVE] = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
    chain.personas[ACTIVE] = PersonaRecord(name="Nova")
    chain.document_cids[RETIRED] = "bafkreie7q3iidccmpvszul7kudcvvuavuo7u6gzlbobczuk5nqk3b4akba"
    chain.personas[RETIRED] = PersonaRecord(name="Old", status=2)
    chain.personas[NO_DID] = PersonaRecord(name="Shy")  # a persona without a DID
    return chain


@pytest.fixture
def resolver(fake_chain: FakeChain) -> Resolver:
    return Resolver(CHAIN_ID, fake_chain.did_registry(), fake_chain.persona_registry(), GATEWAY)


@pytest.fixture
def document(resolver: Resolver) -> dict:
    doc, meta, _ = resolver.resolve(make_did(CHAIN_ID, ACTIVE))
    assert doc is not None, meta
    return doc


def documents() -> list[dict]:
    """Documents over the builder's range: big ids, with and without spec, token and name."""
    out = []
    for chain_id, persona_id, spec, token, name in [
        (1, 1, "bafkreispec", "0x" + "ab" * 20, "Nova"),
        (31337, 7, None, None, None),
        (2**63, 2**256 - 1, "bafkreispec", "0x" + "00" * 20, None),
        (10, 42, None, "0x" + "cd" * 20, "Nova"),
    ]:
        out.append(
            build_document(
                chain_id=chain_id,
                persona_id=persona_id,
                merkle_root=2**254 + persona_id,
                tree_depth=20,
                controller_count=3,
                registry="0x" + "11" * 20,
                verifier="0x" + "22" * 20,
                document_cid="bafkreidocument",
                spec_cid=spec,
                share_token=token,
                gateway_url=GATEWAY,
                name=name,
            )
        )
    return out


DOCUMENTS = documents()


def _ids(docs: list[dict]) -> list[str]:
    return [d["id"] for d in docs]


# ------------------------------------------------------------------------------------------------
# The grammar checkers themselves, on the standards' own examples
# ------------------------------------------------------------------------------------------------


def test_grammar_checkers_agree_with_the_standards_examples():
    """The checkers below are the ABNF of RFC 3986 section 3 and DID Core 3.1 / 3.2: they accept the
    examples of both texts and refuse near misses."""
    for uri in (
        "ftp://ftp.is.co.za/rfc/rfc1808.txt",
        "ldap://[2001:db8::7]/c=GB?objectClass?one",
        "mailto:John.Doe@example.com",
        "tel:+1-816-555-1212",
        "urn:oasis:names:specification:docbook:dtd:xml:4.1.2",
        "https://bar.example.com",
        "did:example:123#linked-domain",
    ):
        assert is_uri(uri), uri
    for bad in ("no-scheme", "1http://x", "http://a b", "http://x/#a#b", "http://x/\u00e9", ""):
        assert not is_uri(bad), bad
    for did in ("did:example:123456789abcdefghi", "did:example:123", "did:web:a%3A1", "did:a:b:c"):
        assert is_did(did), did
    for bad in ("did:Example:1", "did::1", "did:ex:", "did:ex:1:", "did:ex:a b", "did:ex:%zz", "did:ex:1#f"):
        assert not is_did(bad), bad
    for url in (
        "did:example:123#public-key-0",
        "did:example:123456/path",
        "did:example:123456?versionId=1",
        "did:example:123?service=agent&relativeRef=/credentials#degree",
    ):
        assert is_did_url(url), url
    assert not is_did_url("did:example:123#a#b") and not is_did_url("did:Example:1#x")


# ------------------------------------------------------------------------------------------------
# 3.1 DID Syntax, 3.2 DID URL Syntax
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chain_id", "persona_id"), [(1, 1), (CHAIN_ID, 7), (2**64 - 1, 2**256 - 1), (10**19, 10**77)], ids=str
)
def test_did_syntax_all_dids_must_conform_to_the_abnf(chain_id, persona_id):
    """3.1: "All DIDs MUST conform to the DID Syntax ABNF Rules" (`did = "did:" method-name ":"
    method-specific-id`): every DID the method makes conforms, and parses back."""
    did = make_did(chain_id, persona_id)
    assert is_did(did), did
    if persona_id < 2**256:
        assert parse_did(did) == (chain_id, persona_id)


def test_did_syntax_method_name_is_lower_case_letters_and_digits():
    """3.1: `method-name = 1*method-char`, `method-char = %x61-7A / DIGIT`."""
    method = make_did(1, 1).split(":")[1]
    assert method == "fame" and all(c in "abcdefghijklmnopqrstuvwxyz0123456789" for c in method)


@pytest.mark.parametrize(
    "candidate",
    [
        "did:fame:31337:7",
        "did:fame:1:1",
        "did:Fame:1:1",
        "DID:fame:1:1",
        "did:fame:1:1:",
        "did:fame::1",
        "did:fame:1:1#x",
        "did:fame:1:1/path",
        "did:fame:1:%zz",
        "did:fame:1:1 ",
        "did:fame:01:1",
        "did:fame:1:01",
        "did:fame:0:1",
    ],
)
def test_did_syntax_method_accepts_only_conforming_dids(candidate):
    """3.1: the method-specific id may restrict the generic syntax, never widen it: whatever
    `parse_did` accepts is a conforming DID."""
    if parse_did(candidate) is not None:
        assert is_did(candidate)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_did_url_syntax_of_method_and_service_ids(doc):
    """3.2: "All DID URLs MUST conform to the DID URL Syntax ABNF Rules" (`did-url = did
    path-abempty [ "?" query ] [ "#" fragment ]`): the ids of methods and services are DID URLs
    of this DID with a fragment."""
    for entry in doc["verificationMethod"] + doc["service"]:
        assert is_did_url(entry["id"]), entry["id"]
        assert did_of_url(entry["id"]) == doc["id"] and "#" in entry["id"]


# ------------------------------------------------------------------------------------------------
# 5.1 Identifiers
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_did_subject_id_must_be_a_conforming_did_in_the_root_map(doc):
    """5.1.1: "The value of id MUST be a string that conforms to the rules in 3.1 DID Syntax and
    MUST exist in the root map of the data model"."""
    assert isinstance(doc.get("id"), str) and is_did(doc["id"])


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_did_controller_must_be_a_did_or_set_of_dids(doc):
    """5.1.2: "If present, the value MUST be a string or a set of strings that conform to the rules
    in 3.1 DID Syntax"."""
    controller = doc.get("controller")
    values = [controller] if isinstance(controller, str) else controller
    assert values and all(is_did(v) for v in values)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_did_controller_document_should_contain_verification_relationships(doc):
    """5.1.2: "The corresponding DID document(s) SHOULD contain verification relationships that
    explicitly permit the use of certain verification methods for specific purposes"."""
    assert doc["controller"] == doc["id"]
    assert any(doc.get(rel) for rel in RELATIONSHIPS)


@pytest.mark.parametrize(
    "name",
    [
        "Nova",
        "Nova Vale",
        "Nová#1",
    ],
)
def test_also_known_as_items_must_be_rfc3986_uris(name):
    """5.1.3: "If present, the value MUST be a set where each item in the set is a URI conforming
    to [RFC3986]" (persona names are free text: PersonaRegistry takes any String[64])."""
    doc = build_document(
        chain_id=CHAIN_ID,
        persona_id=1,
        merkle_root=1,
        tree_depth=20,
        controller_count=1,
        registry="0x" + "11" * 20,
        verifier="0x" + "22" * 20,
        document_cid="bafkreidocument",
        spec_cid="bafkreispec",
        share_token=None,
        gateway_url=GATEWAY,
        name=name,
    )
    aka = doc["alsoKnownAs"]
    assert isinstance(aka, list) and len(set(aka)) == len(aka)
    assert all(is_uri(item) for item in aka), aka


# ------------------------------------------------------------------------------------------------
# 5.2 Verification Methods, 5.3 Verification Relationships
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_verification_method_map_must_include_id_type_controller(doc):
    """5.2: "the value MUST be a set of verification methods, where each verification method is
    expressed using a map. The verification method map MUST include the id, type, controller"."""
    methods = doc["verificationMethod"]
    assert isinstance(methods, list) and methods
    for vm in methods:
        assert isinstance(vm, dict) and {"id", "type", "controller"} <= vm.keys()
    ids = [vm["id"] for vm in methods]
    assert len(set(ids)) == len(ids)  # a set


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_verification_method_id_must_be_a_did_url(doc):
    """5.2: "The value of the id property for a verification method MUST be a string that conforms
    to the rules in Section 3.2 DID URL Syntax"."""
    assert all(is_did_url(vm["id"]) for vm in doc["verificationMethod"])


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_verification_method_type_must_be_one_string(doc):
    """5.2: "The value of the type property MUST be a string that references exactly one
    verification method type"."""
    assert all(isinstance(vm["type"], str) and vm["type"] for vm in doc["verificationMethod"])


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_verification_method_controller_must_be_a_did(doc):
    """5.2: "The value of the controller property MUST be a string that conforms to the rules in
    3.1 DID Syntax"."""
    assert all(isinstance(vm["controller"], str) and is_did(vm["controller"]) for vm in doc["verificationMethod"])


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_verification_relationships_are_sets_of_embedded_or_referenced_methods(doc):
    """5.3.1 authentication (and 5.3.2, 5.3.4 alike): "If present, the associated value MUST be a
    set of one or more verification methods. Each verification method MAY be embedded or
    referenced"; 5.2.2: a reference is a URL found as a method `id`."""
    method_ids = {vm["id"] for vm in doc["verificationMethod"]}
    present = [rel for rel in RELATIONSHIPS if rel in doc]
    assert present
    for rel in present:
        value = doc[rel]
        assert isinstance(value, list) and value, rel
        refs = [v for v in value if isinstance(v, str)]
        assert len(set(refs)) == len(refs), rel
        for v in value:
            if isinstance(v, str):
                assert is_did_url(v) and v in method_ids, (rel, v)
            else:
                assert isinstance(v, dict) and {"id", "type", "controller"} <= v.keys(), (rel, v)


# ------------------------------------------------------------------------------------------------
# 5.4 Services
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_service_map_must_contain_id_type_service_endpoint(doc):
    """5.4: "the associated value MUST be a set of services ... Each service map MUST contain id,
    type, and serviceEndpoint properties"; "type ... MUST be a string or a set of strings"."""
    services = doc["service"]
    assert isinstance(services, list) and services
    for s in services:
        assert {"id", "type", "serviceEndpoint"} <= s.keys()
        assert isinstance(s["type"], str) or (
            isinstance(s["type"], list) and all(isinstance(t, str) for t in s["type"])
        )


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_service_id_must_be_a_uri_and_unique(doc):
    """5.4: "The value of the id property MUST be a URI conforming to [RFC3986]. A conforming
    producer MUST NOT produce multiple service entries with the same id"."""
    ids = [s["id"] for s in doc["service"]]
    assert all(is_uri(i) for i in ids) and len(set(ids)) == len(ids)


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_service_endpoint_strings_must_be_rfc3986_uris(doc):
    """5.4: "The value of the serviceEndpoint property MUST be a string, a map, or a set ... All
    string values MUST be valid URIs conforming to [RFC3986] and normalized" (lower-case scheme)."""
    for s in doc["service"]:
        ep = s["serviceEndpoint"]
        strings = [ep] if isinstance(ep, str) else [e for e in ep if isinstance(e, str)]
        for value in strings:
            assert is_uri(value), value
            scheme = value.split(":", 1)[0]
            assert scheme == scheme.lower(), value


# ------------------------------------------------------------------------------------------------
# 6.3 JSON-LD
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("doc", DOCUMENTS, ids=_ids(DOCUMENTS))
def test_json_ld_production_context_first_item_is_did_v1(doc):
    """6.3.1: "The serialized value of @context MUST be the JSON String https://www.w3.org/ns/did/v1,
    or a JSON Array where the first item is the JSON String https://www.w3.org/ns/did/v1"."""
    ctx = doc["@context"]
    assert ctx == DID_CONTEXT or (isinstance(ctx, list) and ctx[0] == "https://www.w3.org/ns/did/v1")
    assert isinstance(ctx, str) or all(isinstance(c, (str, dict)) for c in ctx)


def test_json_ld_production_media_type_is_did_ld_json(resolver):
    """6.3.1: "When serializing a JSON-LD representation of a DID document, a conforming producer
    MUST specify a media type of application/did+ld+json to downstream applications": the HTTP
    endpoint's resolution metadata names it."""
    app = FastAPI()
    app.include_router(did_router(lambda: resolver))
    body = TestClient(app).get(f"/1.0/identifiers/{make_did(CHAIN_ID, ACTIVE)}").json()
    assert body["didDocument"]["@context"][0] == DID_CONTEXT
    assert body["didResolutionMetadata"]["contentType"] == "application/did+ld+json" == CONTENT_TYPE


# ------------------------------------------------------------------------------------------------
# 7.1 DID Resolution
# ------------------------------------------------------------------------------------------------


def test_resolution_resolved_document_id_must_match_the_did(resolver):
    """7.1: "The value of id in the resolved DID document MUST match the DID that was resolved"."""
    for pid in (ACTIVE, RETIRED):
        did = make_did(CHAIN_ID, pid)
        doc, _, _ = resolver.resolve(did)
        assert doc["id"] == did


def test_resolution_successful_outputs(resolver, document):
    """7.1: on success didDocument "MUST be a DID document abstract data model (a map)" and
    didDocumentMetadata "MUST be a metadata structure"; no `error` in the resolution metadata."""
    doc, meta, doc_meta = resolver.resolve(make_did(CHAIN_ID, ACTIVE))
    assert isinstance(doc, dict) and isinstance(meta, dict) and isinstance(doc_meta, dict)
    assert "error" not in meta and doc == document


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason=(
        "DID Core 7.1.2 contentType: 'This property is REQUIRED if resolution is successful and if the "
        "resolveRepresentation function was called. This property MUST NOT be present if the resolve function "
        "was called.'; Resolver.resolve (which returns the abstract data model, a map) puts "
        "contentType in its resolution metadata"
    ),
)
def test_resolution_metadata_content_type_must_not_be_present_for_resolve(resolver):
    """7.1.2: contentType "MUST NOT be present if the resolve function was called"."""
    _, meta, _ = resolver.resolve(make_did(CHAIN_ID, ACTIVE))
    assert "contentType" not in meta


@pytest.mark.parametrize(
    "bad",
    [
        "not-a-did",
        "",
        "DID:fame:31337:1",
        "did:fame:abc:1",
        "did:fame:31337:01",
        "did:fame:31337:0",
        "did:fame:31337:1:",
        "did:fame:",
        "did:fame:31337:1#controllers",
        "did:fame:31337:1/path",
        f"did:fame:31337:{2**256}",
    ],
)
def test_resolution_error_invalid_did_for_malformed_dids(resolver, bad):
    """7.1.2 error: "invalidDid: The DID supplied to the DID resolution function does not conform to
    valid syntax"; 7.1: on failure didDocument "MUST be empty" and didDocumentMetadata "MUST be
    an empty metadata structure"."""
    doc, meta, doc_meta = resolver.resolve(bad)
    assert meta.get("error") == "invalidDid" and doc is None and doc_meta == {}


_INVALID_NOT_METHOD = pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason=(
        "DID Core 7.1.2 error: 'invalidDid: The DID supplied to the DID resolution function does not conform "
        "to valid syntax. (See 3.1 DID Syntax.)'; Resolver.resolve answers methodNotSupported for any "
        "'did:' string that does not start with 'did:fame:', before checking the generic syntax "
        "(upper-case method name, empty method name or id, a space)"
    ),
)


@pytest.mark.parametrize(
    "bad",
    [
        pytest.param("did:Fame:31337:1", marks=_INVALID_NOT_METHOD),
        pytest.param("did::31337:1", marks=_INVALID_NOT_METHOD),
        pytest.param("did:web:", marks=_INVALID_NOT_METHOD),
        pytest.param("did:ex ample:1", marks=_INVALID_NOT_METHOD),
    ],
)
def test_resolution_error_invalid_did_before_method_dispatch(resolver, bad):
    """7.1.2: a string that is not a conforming DID at all (3.1) is `invalidDid`, whatever its method."""
    assert not is_did(bad)
    doc, meta, doc_meta = resolver.resolve(bad)
    assert meta.get("error") == "invalidDid" and doc is None and doc_meta == {}


@pytest.mark.parametrize("pid", [NO_DID, 10**6], ids=["persona-without-did", "unknown-persona"])
def test_resolution_error_not_found(resolver, pid):
    """7.1.2 error: "notFound: The DID resolver was unable to find the DID document resulting from
    this resolution request"; the outputs of a failure are empty."""
    for did in (make_did(CHAIN_ID, pid), make_did(CHAIN_ID + 1, ACTIVE)):
        doc, meta, doc_meta = resolver.resolve(did)
        assert meta.get("error") == "notFound" and doc is None and doc_meta == {}, did


def test_resolution_metadata_error_is_a_single_keyword_ascii_string(resolver):
    """7.1.2 error: "REQUIRED when there is an error ... MUST be a single keyword ASCII string";
    7.1: the resolution metadata "in the case of an error ... MUST NOT be empty"."""
    for did in ("nope", "did:web:example.com", make_did(CHAIN_ID, NO_DID)):
        _, meta, _ = resolver.resolve(did)
        assert meta and isinstance(meta["error"], str)
        assert meta["error"].isascii() and meta["error"].isalnum(), meta


def test_document_metadata_deactivated_true_for_a_deactivated_did(resolver):
    """7.1.3 deactivated: "If a DID has been deactivated, DID document metadata MUST include this
    property with the boolean value true. If a DID has not been deactivated, this property is
    OPTIONAL, but if included, MUST have the boolean value false"."""
    _, _, retired = resolver.resolve(make_did(CHAIN_ID, RETIRED))
    _, _, active = resolver.resolve(make_did(CHAIN_ID, ACTIVE))
    assert retired["deactivated"] is True
    assert active.get("deactivated", False) is False


def test_document_metadata_created_is_utc_xml_datetime_without_fractions(resolver):
    """7.1.3 created: "SHOULD include a created property ... MUST be a string formatted as an XML
    Datetime normalized to UTC 00:00:00 and without sub-second decimal precision"."""
    _, _, doc_meta = resolver.resolve(make_did(CHAIN_ID, ACTIVE))
    created = doc_meta["created"]
    assert XML_DATETIME_UTC_RE.match(created) and RFC3339_RE.match(created), created
    assert created == "2023-11-14T22:13:20Z"  # PersonaRecord.created_at = 1_700_000_000


# ------------------------------------------------------------------------------------------------
# The HTTP endpoint (W3C DID Resolution, HTTP(S) Binding)
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def http(resolver):
    app = FastAPI()
    app.include_router(did_router(lambda: resolver))
    return TestClient(app)


@pytest.mark.parametrize(
    ("did", "status", "error"),
    [
        (make_did(CHAIN_ID, ACTIVE), 200, None),
        ("did:fame:abc:1", 400, "invalidDid"),
        (make_did(CHAIN_ID, 10**6), 404, "notFound"),
        ("did:web:example.com", 501, "methodNotSupported"),
    ],
    ids=["found", "invalid", "not-found", "other-method"],
)
def test_http_binding_status_codes_follow_the_error(http, did, status, error):
    """DID Resolution HTTP(S) binding: 200 with a document; 400 invalidDid, 404 notFound, 501
    methodNotSupported, the body carrying the three outputs (and empty ones on failure)."""
    r = http.get(f"/1.0/identifiers/{did}")
    assert r.status_code == status
    body = r.json()
    assert {"didDocument", "didResolutionMetadata", "didDocumentMetadata"} <= body.keys()
    if error is None:
        assert body["didDocument"]["id"] == did
    else:
        assert body["didResolutionMetadata"]["error"] == error
        assert body["didDocument"] is None and body["didDocumentMetadata"] == {}


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason=(
        "W3C DID Resolution, HTTP(S) Binding: 'If the DID resolution or DID URL dereferencing function returns "
        "a deactivated metadata property with the value true in the didDocumentMetadata ...: The HTTP response "
        "status code MUST be 410.'; fame/did/api.py answers 200 for a retired persona's DID"
    ),
)
def test_http_binding_deactivated_did_is_410(http):
    """DID Resolution HTTP(S) binding: a DID whose document metadata says deactivated: true is 410."""
    r = http.get(f"/1.0/identifiers/{make_did(CHAIN_ID, RETIRED)}")
    assert r.json()["didDocumentMetadata"]["deactivated"] is True
    assert r.status_code == 410
