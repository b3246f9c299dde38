"""What the fuzz modules share (a uniquely named module: several test folders have a conftest).

* The budget: `FUZZ_SETTINGS` is a small, derandomised run per operation (the same requests on
  every `make test`); with FAME_FUZZ_DEEP=1 (what `make audit` sets) a deep one, randomised
  and many times larger.
* The checks every response goes through: schemathesis' own (status code, content type,
  headers and body as documented, negative data rejected) except `positive_data_acceptance`
  (a schema-valid id that names nothing is a 404, not a bug), and `not_a_server_error`
  replaced by `no_server_error`, which lets an operation keep the one 5xx its standard
  requires (the DID resolver's 501 for another DID method).
* Stand-ins for the two contracts the DID resolver reads, so that resolution runs without a chain.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

DEEP = os.environ.get("FAME_FUZZ_DEEP", "") not in ("", "0")
SMALL_EXAMPLES = 20
DEEP_EXAMPLES = 500

FUZZ_SETTINGS = settings(
    max_examples=DEEP_EXAMPLES if DEEP else SMALL_EXAMPLES,
    derandomize=not DEEP,
    database=None,
    deadline=None,
    print_blob=True,
    # too_slow: the project's machines are shared 2-core ones, and how long generating a request
    # takes there says nothing about the service (the suite's own profile suppresses it too);
    # function_scoped_fixture: the live module's server comes from a function-scoped fixture that
    # hypothesis does not make again between examples, on purpose (the service keeps its state
    # across the run, as it would under real traffic).
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

#: 5xx answers an operation gives because its standard says so: {(method, path): {status: what the
#: body must then say}}. DID Resolution's HTTP(S) binding answers a DID of another method with 501.
ALLOWED_5XX: dict[tuple[str, str], dict[int, str]] = {
    ("GET", "/1.0/identifiers/{did}"): {501: '"error":"methodNotSupported"'},
}


def no_server_error(ctx: Any, response: Any, case: Any) -> bool | None:
    """No 5xx, except one the operation's standard prescribes (ALLOWED_5XX)."""
    if response.status_code < 500:
        return None
    allowed = ALLOWED_5XX.get((case.operation.method.upper(), case.operation.path), {})
    if response.status_code in allowed and allowed[response.status_code] in response.text:
        return None
    raise AssertionError(
        f"{case.operation.method.upper()} {case.operation.path} answered {response.status_code}: "
        f"{response.text[:500]}\nreproduce with: {case.as_curl_command()}"
    )


EXCLUDED = [schemathesis.checks.positive_data_acceptance, schemathesis.checks.not_a_server_error]
ADDITIONAL = [no_server_error]


def call_and_validate(
    case: Any,
    *,
    headers: dict[str, str] | None = None,
    cookies: dict[str, str] | None = None,
    known_gaps: tuple[Any, ...] = (),
) -> Any:
    """Send `case` with `headers` and `cookies` (a token, a session) and run every check on the
    answer (see the module's docstring) but those in `known_gaps`: checks a service is known to
    fail, each pinned by a strict xfail test in its module (which starts passing, and so
    failing, once the service is fixed).

    The credentials go into the case itself, not only onto the wire: the negative-data check
    then judges the request as sent (a generated case that left the token out, with it put
    back, is a valid request, and its 200 no bug)."""
    if headers:
        case.headers = {**(case.headers or {}), **headers}
    if cookies:
        case.cookies = {**(case.cookies or {}), **cookies}
    excluded = EXCLUDED + list(known_gaps)
    return case.call_and_validate(excluded_checks=excluded, additional_checks=ADDITIONAL)


# ------------------------------------------------------------------------------------------------
# DIDRegistry and PersonaRegistry as the DID resolver reads them (`contract.functions.f(args).call()`)
# ------------------------------------------------------------------------------------------------


class _Call:
    def __init__(self, value: Any) -> None:
        self._value = value

    def call(self) -> Any:
        return self._value


class _Functions:
    def __init__(self, impl: dict[str, Any]) -> None:
        self._impl = impl

    def __getattr__(self, name: str) -> Any:
        fn = self._impl[name]
        return lambda *args: _Call(fn(*args))


@dataclass
class _Contract:
    address: str
    functions: _Functions


@dataclass
class DidChain:
    """Persona ids with a DID document (active, or retired when in `retired`), on one chain."""

    chain_id: int = 31337
    documents: dict[int, str] = field(default_factory=dict)
    retired: set[int] = field(default_factory=set)

    def did_registry(self) -> _Contract:
        impl = {
            "document_cid": lambda pid: self.documents.get(pid, ""),
            "current_root": lambda pid: (0x1234 * pid) % 2**254,
            "DEPTH": lambda: 20,
            "controller_count": lambda pid: 1 if pid in self.documents else 0,
            "VERIFIER": lambda: "0x" + "22" * 20,
            "attestation_count": lambda pid: 0,
        }
        return _Contract("0x" + "11" * 20, _Functions(impl))

    def persona_registry(self) -> _Contract:
        def persona(pid: int) -> tuple[Any, ...]:
            if pid not in self.documents:
                return ("", "", "0x" + "00" * 20, "0x" + "00" * 20, "0x" + "00" * 20, 0, 0)
            status = 2 if pid in self.retired else 1
            return (f"Persona {pid}", "bafkreispec", "0x" + "ab" * 20, "0x" + "01" * 20, "0x" + "02" * 20, status, 1)

        return _Contract("0x" + "33" * 20, _Functions({"persona": persona}))

    def resolver(self, gateway_url: str = "http://gw.test") -> Any:
        from fame.did.resolver import Resolver

        return Resolver(self.chain_id, self.did_registry(), self.persona_registry(), gateway_url)  # type: ignore[arg-type]
