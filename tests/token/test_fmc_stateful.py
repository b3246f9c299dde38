"""Stateful property test of FMC against a plain Python model of the token.

Hypothesis drives random sequences of every state-changing operation of FMC:
transfers, transferFroms, approvals, permits (valid, replayed, expired),
delegations (direct and by signature, valid, replayed, expired), mints
(within and beyond the cap, by minters and by others), burns and time
travel. Each rule first predicts the outcome from the model (which revert
string, or which new state), sends the transaction, and updates the model.

After every step the invariants compare the chain with the model:
  * the sum of all balances equals totalSupply, which never exceeds the cap;
  * balances, allowances, nonces and delegates equal the model's;
  * every account's getVotes equals the sum of the balances of the accounts
    that delegate to it (computed from the chain and from the model);
  * getPastVotes and getPastTotalSupply, at every timepoint the model has
    recorded (and between and before them), equal the model's history.

Each hypothesis example starts from the same freshly deployed FMC: the
machine takes a chain snapshot when it starts and restores it when it ends.
The number of examples and steps comes from the loaded hypothesis profile
(`default`, or `deep` with `HYPOTHESIS_PROFILE=deep`).
"""

import time

import requests
from ape import chain
from eth_abi import decode, encode
from eth_utils import keccak, to_checksum_address
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

ZERO = "0x0000000000000000000000000000000000000000"
MAX_UINT256 = 2**256 - 1

PERMIT = "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)"
DELEGATE_BY_SIG = "delegateBySig(address,uint256,uint256,uint8,bytes32,bytes32)"

#: Valid signatures expire this far after the latest block: beyond any time travel of a run.
SIGNATURE_LIFETIME = 10**9

#: Seconds between a transaction's block and the previous block. 0 puts the transaction at the
#: timepoint of the previous block, so the checkpoint of that timepoint is updated in place.
GAPS = [0, 1, 2, 7, 60, 3600]

ACTOR = st.integers(min_value=0, max_value=4)  # index into the five actors
ACTOR_OR_ZERO = st.integers(min_value=-1, max_value=4)  # -1 stands for the zero address


def as_address(word):
    """The checksummed address held in the low 20 bytes of a returned word."""
    return to_checksum_address(word.to_bytes(32, "big")[12:])


def amounts(limit):
    """Amounts for an operation whose upper valid bound is `limit`.

    Mostly in [0, limit], with the edges 0, `limit` and `limit + 1` drawn often,
    and sometimes far above the bound to exercise the revert paths.
    """
    return st.one_of(
        st.integers(min_value=0, max_value=limit),
        st.sampled_from([0, limit, limit + 1]),
        st.integers(min_value=limit + 1, max_value=limit + 10**27),
    )


class Rpc:
    """A lean JSON-RPC client for the hot paths of the state machine.

    ape's contract calls re-resolve the ABI on every call and trace every
    reverted transaction, which would make a long campaign slow. The invariants
    therefore read FMC with one raw `eth_call` batch each, and the rules that
    expect a revert use `expect_revert` (an `eth_call` for the reason, then the
    real transaction, which must fail). Successful transactions still go through
    ape, whose receipts give the block timestamps the model records.
    """

    def __init__(self, uri, token_address):
        self.uri = uri
        self.token = str(token_address)
        self.session = requests.Session()

    @staticmethod
    def calldata(signature, *args):
        """ABI-encodes a call: 4-byte selector of `signature` and its arguments."""
        types = signature[signature.index("(") + 1 : -1]
        encoded = encode(types.split(","), list(args)) if types else b""
        return "0x" + (keccak(text=signature)[:4] + encoded).hex()

    def _post(self, payload):
        response = self.session.post(self.uri, json=payload, timeout=60)
        response.raise_for_status()
        return response.json()

    def read(self, calls):
        """Runs `(signature, *args)` view calls in one batch at the latest block; returns uint words."""
        if not calls:
            return []
        payload = [
            {
                "jsonrpc": "2.0",
                "id": index,
                "method": "eth_call",
                "params": [{"to": self.token, "data": self.calldata(*call)}, "latest"],
            }
            for index, call in enumerate(calls)
        ]
        replies = sorted(self._post(payload), key=lambda reply: reply["id"])
        errors = [reply["error"] for reply in replies if "error" in reply]
        assert not errors, errors
        return [int(reply["result"], 16) for reply in replies]

    def set_next_timestamp(self, timestamp):
        """The next mined block gets `timestamp` (which may equal the latest block's)."""
        self._post({"jsonrpc": "2.0", "id": 0, "method": "evm_setNextBlockTimestamp", "params": [timestamp]})

    def latest_timestamp(self):
        """Timestamp of the latest block, which is what `clock()` returns in an `eth_call`."""
        reply = self._post({"jsonrpc": "2.0", "id": 0, "method": "eth_getBlockByNumber", "params": ["latest", False]})
        return int(reply["result"]["timestamp"], 16)

    def expect_revert(self, reason, sender, signature, *args):
        """Asserts that `sender` calling `signature(*args)` reverts with `reason`, then sends it.

        The reason comes from an `eth_call` against the latest state; the transaction
        itself is then mined and must fail (status 0). The invariants that follow
        check that it changed nothing.
        """
        call = {
            "from": str(sender.address),
            "to": self.token,
            "data": self.calldata(signature, *args),
            "gas": hex(2_000_000),
        }
        reply = self._post({"jsonrpc": "2.0", "id": 0, "method": "eth_call", "params": [call, "latest"]})
        assert "error" in reply, f"{signature} did not revert (expected {reason!r})"
        data = reply["error"].get("data") or "0x"
        revert_data = bytes.fromhex(data[2:])
        assert revert_data[:4] == keccak(text="Error(string)")[:4], reply["error"]
        assert decode(["string"], revert_data[4:])[0] == reason
        tx_hash = self._post({"jsonrpc": "2.0", "id": 0, "method": "eth_sendTransaction", "params": [call]})["result"]
        receipt = None
        for _ in range(200):  # automine answers within milliseconds; wait up to ~10 s
            receipt = self._post(
                {"jsonrpc": "2.0", "id": 0, "method": "eth_getTransactionReceipt", "params": [tx_hash]}
            )["result"]
            if receipt is not None:
                break
            time.sleep(0.05)
        assert receipt is not None, f"{signature} was not mined"
        assert int(receipt["status"], 16) == 0


class TokenModel:
    """The expected state of FMC, kept in plain Python (addresses as checksummed strings).

    Votes are derived, not stored: the votes of `d` are the sum of the balances
    of the holders whose delegate is `d`. `history` keeps, per timepoint, the
    votes of every actor and the total supply after the last transaction of that
    timepoint, which is exactly what the past lookups must return.
    """

    def __init__(self, actors, cap, holder, supply, deployed_at):
        self.actors = list(actors)
        self.cap = cap
        self.balances = {a: 0 for a in self.actors}
        self.balances[holder] = supply
        self.allowances = {}
        self.nonces = {a: 0 for a in self.actors}
        self.delegates = {a: ZERO for a in self.actors}
        self.supply = supply
        self.history = {}  # timepoint -> (votes per actor, total supply)
        self.record(deployed_at)

    def votes(self, delegate):
        """Sum of the balances of the holders that delegate to `delegate`."""
        return sum(b for holder, b in self.balances.items() if self.delegates[holder] == delegate)

    def record(self, timepoint):
        """Stores the current votes and supply as the state at the end of `timepoint`."""
        self.history[timepoint] = ({a: self.votes(a) for a in self.actors}, self.supply)

    def at(self, timepoint):
        """The (votes per actor, supply) in force at `timepoint`, zeros before any record."""
        known = [t for t in self.history if t <= timepoint]
        if not known:
            return {a: 0 for a in self.actors}, 0
        return self.history[max(known)]

    def allowance(self, owner, spender):
        return self.allowances.get((owner, spender), 0)

    def move(self, sender, receiver, amount):
        """Moves `amount` between balances; ZERO as sender mints, as receiver burns."""
        if sender == ZERO:
            self.supply += amount
        else:
            self.balances[sender] -= amount
        if receiver == ZERO:
            self.supply -= amount
        else:
            self.balances[receiver] += amount


class FMCStateMachine(RuleBasedStateMachine):
    """Random operations on FMC checked step by step against `TokenModel`.

    Actor arguments are indices into `actors` (alice, bob, carol, dave, minter);
    -1 stands for the zero address where a rule accepts it.
    """

    def __init__(self, env):
        super().__init__()
        self.env = env
        self.fmc = env["fmc"]
        self.rpc = env["rpc"]
        self.minter = env["minter"]
        self.actors = env["actors"]
        self.snapshot_id = chain.snapshot()
        self.model = TokenModel(
            [str(a.address) for a in self.actors],
            env["cap"],
            str(env["holder"].address),
            env["supply"],
            env["deployed_at"],
        )
        self.gaps = [0]
        self.sent = 0
        self.permits_used = []
        self.delegations_used = []

    def teardown(self):
        """Puts the chain back to the freshly deployed FMC for the next example."""
        chain.restore(self.snapshot_id)

    # ------------------------------------------------------------------ helpers

    def address(self, index):
        """Checksummed address of actor `index`, or the zero address for -1."""
        return ZERO if index < 0 else str(self.actors[index].address)

    def head(self):
        return self.rpc.latest_timestamp()

    def next_block(self):
        """Schedules the next block `gap` seconds after the latest one (gaps cycle per example)."""
        gap = self.gaps[self.sent % len(self.gaps)]
        self.sent += 1
        self.rpc.set_next_timestamp(self.head() + gap)

    def send(self, sender, method, *args):
        """Sends `method(*args)` from `sender` through ape; the transaction must succeed.

        The model must already hold the state the transaction produces: it is
        recorded at the timepoint of the transaction's block.
        """
        self.next_block()
        receipt = self.fmc.invoke_transaction(method, *args, sender=sender)
        assert not receipt.failed
        self.model.record(receipt.timestamp)
        return receipt

    def expect_revert(self, reason, sender, signature, *args):
        """`sender`'s call of `signature(*args)` must revert with `reason` (see `Rpc.expect_revert`)."""
        self.next_block()
        self.rpc.expect_revert(reason, sender, signature, *args)

    # ------------------------------------------------------------------ starting point

    @initialize(
        shares=st.lists(st.integers(min_value=0, max_value=10**26), min_size=4, max_size=4),
        choices=st.lists(st.one_of(st.none(), ACTOR_OR_ZERO), min_size=5, max_size=5),
        spenders=st.lists(st.one_of(st.none(), ACTOR), min_size=5, max_size=5),
        gaps=st.lists(st.sampled_from(GAPS), min_size=1, max_size=12),
    )
    def spread_supply_and_delegate(self, shares, choices, spenders, gaps):
        """Every example first spreads alice's tokens, then each actor picks a delegate and a spender.

        alice sends `shares[i]` to each other actor; actor `i` delegates to
        `choices[i]` and gives `spenders[i]` an infinite allowance (None: skips
        that step), so that later transfers and transferFroms move votes between
        delegates. `gaps` are the seconds between consecutive blocks for the
        whole example.
        """
        self.gaps = gaps
        alice = self.actors[0]
        for receiver, share in zip(self.actors[1:], shares, strict=False):
            self.model.move(str(alice.address), str(receiver.address), share)
            self.send(alice, "transfer", receiver, share)
        for actor, choice, spender in zip(self.actors, choices, spenders, strict=False):
            if choice is not None:
                self.model.delegates[str(actor.address)] = self.address(choice)
                self.send(actor, "delegate", self.address(choice))
            if spender is not None:
                self.model.allowances[(str(actor.address), self.address(spender))] = MAX_UINT256
                self.send(actor, "approve", self.address(spender), MAX_UINT256)

    # ------------------------------------------------------------------ ERC-20

    @rule(sender=ACTOR, receiver=ACTOR_OR_ZERO, data=st.data())
    def transfer(self, sender, receiver, data):
        """transfer: succeeds iff the receiver is not zero and the amount is covered by the balance."""
        src, dst = self.actors[sender], self.address(receiver)
        balance = self.model.balances[str(src.address)]
        amount = data.draw(amounts(balance), label="amount")
        if dst == ZERO:
            self.expect_revert("erc20: transfer to the zero address", src, "transfer(address,uint256)", dst, amount)
        elif amount > balance:
            self.expect_revert("erc20: transfer amount exceeds balance", src, "transfer(address,uint256)", dst, amount)
        else:
            self.model.move(str(src.address), dst, amount)
            self.send(src, "transfer", dst, amount)

    @rule(owner=ACTOR, spender=ACTOR, amount=st.one_of(st.integers(0, 10**27), st.just(MAX_UINT256)))
    def approve(self, owner, spender, amount):
        """approve: always succeeds for a non-zero spender and overwrites the allowance."""
        src, dst = self.actors[owner], self.address(spender)
        self.model.allowances[(str(src.address), dst)] = amount
        self.send(src, "approve", dst, amount)

    @rule(spender=ACTOR, owner=ACTOR, receiver=ACTOR_OR_ZERO, data=st.data())
    def transfer_from(self, spender, owner, receiver, data):
        """transferFrom: the allowance is checked first, then the receiver, then the balance.

        An allowance of max(uint256) is infinite and never decreases.
        """
        caller, src, dst = self.actors[spender], self.address(owner), self.address(receiver)
        allowance = self.model.allowance(src, str(caller.address))
        balance = self.model.balances[src]
        amount = data.draw(amounts(min(balance, allowance)), label="amount")
        signature = "transferFrom(address,address,uint256)"
        if allowance != MAX_UINT256 and amount > allowance:
            self.expect_revert("erc20: insufficient allowance", caller, signature, src, dst, amount)
        elif dst == ZERO:
            self.expect_revert("erc20: transfer to the zero address", caller, signature, src, dst, amount)
        elif amount > balance:
            self.expect_revert("erc20: transfer amount exceeds balance", caller, signature, src, dst, amount)
        else:
            if allowance != MAX_UINT256:
                self.model.allowances[(src, str(caller.address))] = allowance - amount
            self.model.move(src, dst, amount)
            self.send(caller, "transferFrom", src, dst, amount)

    # ------------------------------------------------------------------ permits

    @rule(owner=ACTOR, spender=ACTOR, value=st.integers(0, 10**27), relayer=ACTOR)
    def permit_valid(self, owner, spender, value, relayer):
        """A fresh permit signed with the owner's current nonce sets the allowance and uses the nonce."""
        src, dst = self.actors[owner], self.address(spender)
        nonce = self.model.nonces[str(src.address)]
        deadline = self.head() + SIGNATURE_LIFETIME
        v, r, s = self.env["sign_permit"](self.fmc, src, dst, value, nonce, deadline)
        self.model.allowances[(str(src.address), dst)] = value
        self.model.nonces[str(src.address)] += 1
        self.send(self.actors[relayer], "permit", src, dst, value, deadline, v, r, s)
        self.permits_used.append((str(src.address), dst, value, deadline, v, r, s))

    @precondition(lambda self: self.permits_used)
    @rule(choice=st.integers(0, 10**6), relayer=ACTOR)
    def permit_replayed(self, choice, relayer):
        """A permit that was already used is rejected: its nonce is spent."""
        permit = self.permits_used[choice % len(self.permits_used)]
        self.expect_revert("erc20: invalid signature", self.actors[relayer], PERMIT, *permit)

    @rule(owner=ACTOR, spender=ACTOR, value=st.integers(0, 10**27), age=st.integers(1, 10**6))
    def permit_expired(self, owner, spender, value, age):
        """A permit whose deadline is before the next block is rejected (nonce untouched)."""
        src, dst = self.actors[owner], self.address(spender)
        deadline = self.head() - age
        v, r, s = self.env["sign_permit"](self.fmc, src, dst, value, self.model.nonces[str(src.address)], deadline)
        self.expect_revert("erc20: expired deadline", src, PERMIT, str(src.address), dst, value, deadline, v, r, s)

    # ------------------------------------------------------------------ delegation

    @rule(account=ACTOR, delegatee=ACTOR_OR_ZERO)
    def delegate(self, account, delegatee):
        """delegate: always succeeds; the account's whole balance now counts for the delegatee."""
        src, to = self.actors[account], self.address(delegatee)
        self.model.delegates[str(src.address)] = to
        self.send(src, "delegate", to)

    @rule(signer=ACTOR, delegatee=ACTOR_OR_ZERO, relayer=ACTOR)
    def delegate_by_sig_valid(self, signer, delegatee, relayer):
        """A fresh Delegation signature with the signer's current nonce delegates and uses the nonce."""
        src, to = self.actors[signer], self.address(delegatee)
        nonce = self.model.nonces[str(src.address)]
        expiry = self.head() + SIGNATURE_LIFETIME
        v, r, s = self.env["sign_delegation"](self.fmc, src, to, nonce, expiry)
        self.model.delegates[str(src.address)] = to
        self.model.nonces[str(src.address)] += 1
        self.send(self.actors[relayer], "delegateBySig", to, nonce, expiry, v, r, s)
        self.delegations_used.append((to, nonce, expiry, v, r, s))

    @precondition(lambda self: self.delegations_used)
    @rule(choice=st.integers(0, 10**6), relayer=ACTOR)
    def delegate_by_sig_replayed(self, choice, relayer):
        """A Delegation signature that was already used is rejected."""
        delegation = self.delegations_used[choice % len(self.delegations_used)]
        self.expect_revert("fmc: invalid nonce", self.actors[relayer], DELEGATE_BY_SIG, *delegation)

    @rule(signer=ACTOR, delegatee=ACTOR_OR_ZERO, age=st.integers(1, 10**6))
    def delegate_by_sig_expired(self, signer, delegatee, age):
        """A Delegation signature past its expiry is rejected."""
        src, to = self.actors[signer], self.address(delegatee)
        expiry = self.head() - age
        nonce = self.model.nonces[str(src.address)]
        v, r, s = self.env["sign_delegation"](self.fmc, src, to, nonce, expiry)
        self.expect_revert("fmc: signature expired", src, DELEGATE_BY_SIG, to, nonce, expiry, v, r, s)

    # ------------------------------------------------------------------ supply

    @rule(receiver=ACTOR_OR_ZERO, data=st.data())
    def mint(self, receiver, data):
        """mint by the minter: refused past the cap, then for the zero address, else credited."""
        dst = self.address(receiver)
        headroom = self.model.cap - self.model.supply
        amount = data.draw(amounts(headroom), label="amount")
        if amount > headroom:
            self.expect_revert("fmc: cap exceeded", self.minter, "mint(address,uint256)", dst, amount)
        elif dst == ZERO:
            self.expect_revert("erc20: mint to the zero address", self.minter, "mint(address,uint256)", dst, amount)
        else:
            self.model.move(ZERO, dst, amount)
            self.send(self.minter, "mint", dst, amount)

    @rule(caller=st.integers(0, 3), amount=st.integers(0, 10**24))
    def mint_by_non_minter(self, caller, amount):
        """Accounts without the minter role cannot mint, whatever the amount."""
        account = self.actors[caller]
        self.expect_revert(
            "fmc: caller is not a minter", account, "mint(address,uint256)", str(account.address), amount
        )

    @rule(holder=ACTOR, data=st.data())
    def burn(self, holder, data):
        """burn: succeeds iff the holder has the amount; lowers balance and supply."""
        src = self.actors[holder]
        balance = self.model.balances[str(src.address)]
        amount = data.draw(amounts(balance), label="amount")
        if amount > balance:
            self.expect_revert("erc20: burn amount exceeds balance", src, "burn(uint256)", amount)
        else:
            self.model.move(str(src.address), ZERO, amount)
            self.send(src, "burn", amount)

    # ------------------------------------------------------------------ time

    @rule(seconds=st.one_of(st.integers(1, 60), st.integers(61, 10**6)))
    def advance_time(self, seconds):
        """Time travel: mines an empty block `seconds` later, turning recent timepoints into past ones."""
        chain.mine(timestamp=self.head() + seconds)

    # ------------------------------------------------------------------ invariants

    @invariant()
    def supply_is_sum_of_balances_within_cap(self):
        """The balances add up to totalSupply, which equals the model's and never exceeds the cap."""
        actors = self.model.actors
        *balances, supply, cap = self.rpc.read(
            [("balanceOf(address)", a) for a in actors] + [("totalSupply()",), ("cap()",)]
        )
        assert sum(balances) == supply == self.model.supply
        assert supply <= cap == self.model.cap
        assert dict(zip(actors, balances, strict=False)) == self.model.balances

    @invariant()
    def allowances_nonces_and_delegates_match_model(self):
        """Every allowance, nonce and delegate on chain is the model's."""
        actors = self.model.actors
        pairs = [(o, s) for o in actors for s in actors]
        results = self.rpc.read(
            [("allowance(address,address)", o, s) for o, s in pairs]
            + [("nonces(address)", a) for a in actors]
            + [("delegates(address)", a) for a in actors]
        )
        allowances, rest = results[: len(pairs)], results[len(pairs) :]
        nonces, delegates = rest[: len(actors)], [as_address(d) for d in rest[len(actors) :]]
        assert dict(zip(pairs, allowances, strict=False)) == {p: self.model.allowance(*p) for p in pairs}
        assert dict(zip(actors, nonces, strict=False)) == self.model.nonces
        assert dict(zip(actors, delegates, strict=False)) == self.model.delegates

    @invariant()
    def votes_are_delegated_balances(self):
        """getVotes(d) is the sum of the balances of the accounts delegating to d (chain and model agree)."""
        actors = self.model.actors
        n = len(actors)
        results = self.rpc.read(
            [("getVotes(address)", a) for a in actors]
            + [("balanceOf(address)", a) for a in actors]
            + [("delegates(address)", a) for a in actors]
        )
        votes, balances = results[:n], results[n : 2 * n]
        delegates = [as_address(d) for d in results[2 * n :]]
        for index, delegate in enumerate(actors):
            on_chain = sum(b for b, d in zip(balances, delegates, strict=False) if d == delegate)
            assert votes[index] == on_chain == self.model.votes(delegate), f"votes of {delegate}"

    @invariant()
    def past_votes_and_supply_match_history(self):
        """At every recorded past timepoint, between two of them and before the first, the past
        lookups return the model's votes and supply."""
        now = self.head()
        recorded = sorted(t for t in self.model.history if t < now)
        probes = set(recorded)
        if recorded:
            probes.add(recorded[0] - 1)
            probes |= {(a + b) // 2 for a, b in zip(recorded, recorded[1:], strict=False)}
        probes = sorted(probes)
        actors = self.model.actors
        calls = []
        for t in probes:
            calls.append(("getPastTotalSupply(uint256)", t))
            calls.extend(("getPastVotes(address,uint256)", a, t) for a in actors)
        results = self.rpc.read(calls)
        width = 1 + len(actors)
        for index, t in enumerate(probes):
            votes, supply = self.model.at(t)
            row = results[index * width : (index + 1) * width]
            assert row[0] == supply, f"past total supply at {t}"
            assert dict(zip(actors, row[1:], strict=False)) == votes, f"past votes at {t}"


def test_fmc_matches_model(fmc, alice, bob, carol, dave, minter, sign_permit, sign_delegation, C):
    """Runs FMCStateMachine with the loaded hypothesis profile's settings.

    Actors: alice (holds the initial supply), bob, carol, dave and the minter;
    the deployer stays owner and takes no part.
    """
    env = {
        "fmc": fmc,
        "rpc": Rpc(chain.provider.web3.provider.endpoint_uri, fmc.address),
        "minter": minter,
        "actors": [alice, bob, carol, dave, minter],
        "holder": alice,
        "cap": C.CAP,
        "supply": C.INITIAL_SUPPLY,
        "deployed_at": chain.get_receipt(fmc.txn_hash).timestamp,
        "sign_permit": sign_permit,
        "sign_delegation": sign_delegation,
    }
    run_state_machine_as_test(lambda: FMCStateMachine(env))
