"""PersonaEvents, property-based: a hypothesis RuleBasedStateMachine against a plain-Python model.

The world: personas 1 and 3 (active, real share tokens) and 2 (retired), their event operator,
three fans (alice, bob, carol) who start with no allowance, anyone (stranger), the live
server's voucher key and a key that is not it, and a clock that the machine moves (blocks are
exactly 1 s apart unless a rule travels, so the model knows every transaction's timestamp).

Rules: schedule (by the operator or not, for an active or a retired persona), buy (approve
then buy, or buy_with_permit), cancel, settle, refund, claim_badge with a valid voucher or an
invalid one (another signer, another attendee's, expired, too little attendance, tampered),
an attempted badge transfer or approval (every ERC-721 entry point), and time travel. Every
rule is also tried when the model says it must fail: the contract must then revert with the
reason the model predicts, and change nothing.

Invariants, checked after every step:
  1. Capacity: no event ever sells more tickets than its capacity.
  2. FMC is conserved: the contract holds exactly the sum over unsettled events of
     price * sold - refunded, and what the fans, the share tokens and the contract hold
     together never changes.
  3. No badge without a valid voucher: the badges on chain are exactly those the model
     minted, and the model mints only for a claim with a genuine, unexpired voucher for the
     sender with enough attendance.
  4. No second badge: a fan holds at most one badge per event, and each badge's owner and
     event never change (so every transfer attempt, which must revert, moved nothing).
  5. Model and chain agree on every view: events(), event_count, has_ticket, badge_of,
     refunded, persona_badges, balanceOf, ownerOf, badge_count.
"""

from collections import Counter

from eth_abi import decode as abi_decode
from eth_abi import encode as abi_encode
from eth_utils import keccak, to_checksum_address
from events_helpers import BAD_VOUCHER, CID, E18, NOT_OPERATOR, PRICE, SOULBOUND, sign_voucher
from gov_helpers import FastTx, encode_call, sign_permit
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

PRICES = st.one_of(st.just(0), st.just(PRICE), st.integers(1, 1_000 * E18))
EVENT_TUPLE = ["(uint256,uint256,uint256,uint256,uint256,uint256,uint256,bool,bool,string)"]
# One of each fault, and the valid voucher twice.
VOUCHERS = ["valid", "expired", "too short", "other signer", "other attendee", "tampered", "valid"]
TRANSFERS = ["transferFrom", "safeTransferFrom", "safeTransferFrom+data", "approve", "setApprovalForAll"]
_LENS_READ = keccak(text="read((address,bytes)[])")[:4]


def _a(x) -> str:
    return to_checksum_address(str(getattr(x, "address", x)))


class EventsModel:
    """What the contract should hold, in plain Python."""

    def __init__(self):
        self.events = {}  # id -> dict of the event's fields
        self.tickets = set()  # (event id, fan index)
        self.badges = {}  # (event id, fan index) -> token id
        self.owners = {}  # token id -> (fan index, event id)
        self.persona_badges = Counter()
        self.nonces = Counter()  # FMC permit nonces per fan index

    def held(self):
        """FMC the contract must hold: price * (sold - refunds) over unsettled events."""
        return sum(e["price"] * (e["sold"] - e["refunds"]) for e in self.events.values() if not e["settled"])


def test_events_state_machine(
    chain, project, events, fmc, shares, deployer, alice, bob, carol, operator, stranger, voucher_key, other_key
):
    """Runs EventsMachine under the loaded hypothesis profile (see the module docstring)."""
    fans = [alice, bob, carol]
    tx = FastTx()
    w3 = tx.w3
    lens = project.MockLens.deploy(sender=deployer)
    share_of = {1: shares[0], 2: shares[1], 3: shares[2]}
    watched = [_a(f) for f in fans] + [_a(s) for s in shares] + [_a(events)]
    F = st.integers(0, len(fans) - 1)
    reached = Counter()  # what the run got to do, per rule and outcome (`-s` prints it)

    def read(calls):
        """uint256 (or bool, address) views in one eth_call through MockLens."""
        payload = [(_a(c), encode_call(c, m, *args)) for c, m, args in calls]
        out = []
        for i in range(0, len(payload), 96):
            data = _LENS_READ + abi_encode(["(address,bytes)[]"], [payload[i : i + 96]])
            out += abi_decode(["uint256[]"], w3.eth.call({"to": _a(lens), "data": data}))[0]
        return out

    def event_view(event_id):
        data = encode_call(events, "events", event_id)
        return abi_decode(EVENT_TUPLE, w3.eth.call({"to": _a(events), "data": data}))[0]

    def t_next():
        # Blocks are 1 s apart (anvil_setBlockTimestampInterval): the next transaction's time.
        return w3.eth.get_block("latest")["timestamp"] + 1

    class EventsMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.snapshot = chain.snapshot()
            w3.provider.make_request("anvil_setBlockTimestampInterval", [1])
            self.m = EventsModel()
            for fan in fans:
                tx.ok(fmc, "approve", events, 0, sender=fan)  # fans approve (or permit) per purchase
            self.total = sum(read([(fmc, "balanceOf", (a,)) for a in watched]))

        def teardown(self):
            w3.provider.make_request("anvil_removeBlockTimestampInterval", [])
            chain.restore(self.snapshot)

        def pick_event(self, data, wanted=None):
            """An event id: mostly one for which `wanted(event)` holds (when any does), sometimes
            any known one, rarely one that does not exist."""
            known = sorted(self.m.events)
            liked = [i for i in known if wanted is None or wanted(self.m.events[i])] or known
            pool = liked * 6 + known * 2 + [len(known) + 1]
            return data.draw(st.sampled_from(pool), label="event")

        def pick_fan(self, data, preferred):
            """A fan index: mostly one of `preferred` (when there are any)."""
            pool = list(range(len(fans))) + list(preferred) * 4
            return data.draw(st.sampled_from(pool), label="fan")

        def expect(self, contract, method, *args, sender, reason):
            reached[(method, reason or "ok")] += 1
            if reason is None:
                tx.ok(contract, method, *args, sender=sender)
            else:
                tx.reverts(contract, method, *args, sender=sender, reason=reason)
            return reason is None

        # ------------------------------------------------------------ the operator

        @initialize(
            start_in=st.sampled_from([1, 30, 600]),
            length=st.sampled_from([60, 600, 3_600]),
            capacity=st.integers(1, 3),
            price=PRICES,
            min_share=st.sampled_from([0, 1, 2]),
        )
        def first_event(self, start_in, length, capacity, price, min_share):
            """Every run starts with one event of persona 1 on sale."""
            self.schedule(1, True, start_in, length, capacity, price, min_share)

        @precondition(lambda self: len(self.m.events) < 4)  # a few events, each with a full life
        @rule(
            persona=st.sampled_from([1, 1, 3, 2]),
            by_operator=st.sampled_from([True, True, True, False]),
            start_in=st.sampled_from([1, 30, 600]),
            length=st.sampled_from([60, 600, 3_600]),
            capacity=st.integers(1, 3),
            price=PRICES,
            min_share=st.sampled_from([0, 1, 2]),
        )
        def schedule(self, persona, by_operator, start_in, length, capacity, price, min_share):
            t = t_next()
            min_attendance = length * min_share // 2
            args = (persona, t + start_in, t + start_in + length, capacity, price, min_attendance, CID)
            reason = None if by_operator else NOT_OPERATOR
            if reason is None and persona == 2:
                reason = "events: persona not active"
            if self.expect(events, "schedule", *args, sender=operator if by_operator else stranger, reason=reason):
                self.m.events[len(self.m.events) + 1] = dict(
                    persona=persona,
                    starts=t + start_in,
                    ends=t + start_in + length,
                    capacity=capacity,
                    price=price,
                    min_attendance=min_attendance,
                    sold=0,
                    refunds=0,
                    cancelled=False,
                    settled=False,
                )

        @precondition(lambda self: self.m.events)
        @rule(by_operator=st.sampled_from([True, True, False]), data=st.data())
        def cancel(self, by_operator, data):
            event_id = self.pick_event(data, lambda e: not e["cancelled"])
            e, t = self.m.events.get(event_id), t_next()
            if e is None:
                reason = "events: unknown event"
            elif not by_operator:
                reason = NOT_OPERATOR
            elif e["cancelled"]:
                reason = "events: cancelled"
            elif t >= e["ends"]:
                reason = "events: event ended"
            else:
                reason = None
            if self.expect(events, "cancel", event_id, sender=operator if by_operator else stranger, reason=reason):
                e["cancelled"] = True

        # ------------------------------------------------------------ fans

        @precondition(lambda self: self.m.events)
        @rule(fan=F, with_permit=st.booleans(), data=st.data())
        def buy(self, fan, with_permit, data):
            event_id = self.pick_event(data, lambda e: not e["cancelled"] and e["sold"] < e["capacity"])
            e = self.m.events.get(event_id)
            price = e["price"] if e else 0
            who = fans[fan]
            if with_permit:
                t = t_next()
                if price:
                    v, r, s = sign_permit(fmc, who, events, price, self.m.nonces[fan], t + 3_600)
                else:
                    v, r, s = 27, b"\x00" * 32, b"\x00" * 32  # a free ticket needs no permit
                call = ("buy_with_permit", event_id, t + 3_600, v, r, s)
            else:
                if price:
                    tx.ok(fmc, "approve", events, price, sender=who)
                t = t_next()
                call = ("buy", event_id)
            if e is None:
                reason = "events: unknown event"
            elif e["cancelled"]:
                reason = "events: cancelled"
            elif t >= e["ends"]:
                reason = "events: event ended"
            elif e["sold"] >= e["capacity"]:
                reason = "events: sold out"
            elif (event_id, fan) in self.m.tickets:
                reason = "events: already has a ticket"
            else:
                reason = None
            if self.expect(events, *call, sender=who, reason=reason):
                e["sold"] += 1
                self.m.tickets.add((event_id, fan))
                if with_permit and price:
                    self.m.nonces[fan] += 1

        @precondition(lambda self: any(e["cancelled"] for e in self.m.events.values()))
        @rule(data=st.data())
        def refund(self, data):
            event_id = self.pick_event(data, lambda e: e["cancelled"])
            fan = self.pick_fan(data, [f for f in range(len(fans)) if (event_id, f) in self.m.tickets])
            e = self.m.events.get(event_id)
            if e is None:
                reason = "events: unknown event"
            elif not e["cancelled"]:
                reason = "events: not cancelled"
            elif (event_id, fan) not in self.m.tickets:
                reason = "events: no ticket"
            else:
                reason = None
            before = fmc.balanceOf(fans[fan]) if reason is None else 0
            if self.expect(events, "refund", event_id, sender=fans[fan], reason=reason):
                assert fmc.balanceOf(fans[fan]) - before == e["price"]
                self.m.tickets.remove((event_id, fan))
                e["refunds"] += 1

        @precondition(lambda self: self.m.tickets)
        @rule(kind=st.sampled_from(VOUCHERS), extra=st.sampled_from([0, 1, 3_600]), data=st.data())
        def claim_badge(self, kind, extra, data):
            event_id = self.pick_event(data, lambda e: not e["cancelled"] and e["sold"] > 0)
            fan = self.pick_fan(
                data,
                [f for f in range(len(fans)) if (event_id, f) in self.m.tickets and (event_id, f) not in self.m.badges],
            )
            e, t = self.m.events.get(event_id), t_next()
            min_attendance = e["min_attendance"] if e else 0
            if kind == "too short" and min_attendance == 0:
                kind = "tampered"  # nothing is too short for an event that asks for no attendance
            attended = min_attendance - 1 if kind == "too short" else min_attendance + extra
            deadline = t - 1 if kind == "expired" else t + 600
            key = other_key if kind == "other signer" else voucher_key
            attendee = fans[(fan + 1) % len(fans)] if kind == "other attendee" else fans[fan]
            signed_attended = attended + 1 if kind == "tampered" else attended
            signature = sign_voucher(key, chain.chain_id, events, event_id, attendee, signed_attended, deadline)
            if e is None:
                reason = "events: unknown event"
            elif e["cancelled"]:
                reason = "events: cancelled"
            elif (event_id, fan) not in self.m.tickets:
                reason = "events: no ticket"
            elif (event_id, fan) in self.m.badges:
                reason = "events: badge already claimed"
            elif attended < min_attendance:
                reason = "events: attendance too short"
            elif t > deadline:
                reason = "events: voucher expired"
            elif kind != "valid":
                reason = BAD_VOUCHER
            else:
                reason = None
            args = (event_id, attended, deadline, signature)
            if self.expect(events, "claim_badge", *args, sender=fans[fan], reason=reason):
                token_id = len(self.m.owners) + 1
                self.m.badges[(event_id, fan)] = token_id
                self.m.owners[token_id] = (fan, event_id)
                self.m.persona_badges[e["persona"]] += 1

        @rule(fan=F, how=st.sampled_from(TRANSFERS), data=st.data())
        def attempt_transfer(self, fan, how, data):
            token_id = data.draw(st.integers(0, len(self.m.owners) + 1), label="token")
            to = fans[(fan + 1) % len(fans)]
            owner = fans[self.m.owners[token_id][0]] if token_id in self.m.owners else fans[fan]
            if how == "transferFrom":
                call = ("transferFrom", owner, to, token_id)
            elif how == "safeTransferFrom":
                call = ("safeTransferFrom", owner, to, token_id)
            elif how == "safeTransferFrom+data":
                call = ("safeTransferFrom", owner, to, token_id, b"\x01")
            elif how == "approve":
                call = ("approve", to, token_id)
            else:
                call = ("setApprovalForAll", to, True)
            tx.reverts(events, *call, sender=owner, reason=SOULBOUND)

        # ------------------------------------------------------------ anyone

        @precondition(lambda self: any(not e["cancelled"] and not e["settled"] for e in self.m.events.values()))
        @rule(data=st.data())
        def settle(self, data):
            t = t_next()
            event_id = self.pick_event(data, lambda e: not e["cancelled"] and not e["settled"] and t >= e["ends"])
            e = self.m.events.get(event_id)
            if e is None:
                reason = "events: unknown event"
            elif e["cancelled"]:
                reason = "events: cancelled"
            elif e["settled"]:
                reason = "events: already settled"
            elif t < e["ends"]:
                reason = "events: not ended"
            else:
                reason = None
            share = share_of[e["persona"]] if e else None
            before = fmc.balanceOf(share) if reason is None else 0
            if self.expect(events, "settle", event_id, sender=stranger, reason=reason):
                assert fmc.balanceOf(share) - before == e["price"] * e["sold"]
                e["settled"] = True

        @rule(seconds=st.sampled_from([1, 5, 30, 120, 600, 3_600]))
        def travel(self, seconds):
            chain.mine(1, timestamp=w3.eth.get_block("latest")["timestamp"] + seconds)

        # ------------------------------------------------------------ invariants

        @invariant()
        def capacity_is_never_exceeded(self):
            # 1. sold <= capacity for every event, as the chain has it
            for event_id in self.m.events:
                on_chain = event_view(event_id)
                assert on_chain[4] <= on_chain[3]

        @invariant()
        def fmc_is_conserved(self):
            # 2. the contract holds what unsettled events took in, less refunds; nothing is created or lost
            balances = read([(fmc, "balanceOf", (a,)) for a in watched])
            assert balances[-1] == self.m.held()
            assert sum(balances) == self.total

        @invariant()
        def badges_only_from_valid_vouchers_and_never_twice(self):
            # 3. and 4. exactly the model's badges exist, each once, with its owner and event
            m = self.m
            calls = [(events, "badge_count", ())]
            calls += [(events, "ownerOf", (token_id,)) for token_id in sorted(m.owners)]
            calls += [(events, "balanceOf", (_a(f),)) for f in fans]
            out = read(calls)
            assert out[0] == len(m.owners)
            owners = out[1 : 1 + len(m.owners)]
            for token_id, owner in zip(sorted(m.owners), owners, strict=True):
                assert owner == int(_a(fans[m.owners[token_id][0]]), 16)
            held = Counter(fan for fan, _ in m.owners.values())
            assert out[1 + len(m.owners) :] == [held[i] for i in range(len(fans))]
            assert len(set(m.badges.values())) == len(m.badges)  # one token per (event, fan)

        @invariant()
        def model_and_chain_agree_on_every_view(self):
            # 5. events(), event_count, has_ticket, badge_of, refunded, persona_badges
            m = self.m
            for event_id, e in m.events.items():
                expected = (
                    e["persona"],
                    e["starts"],
                    e["ends"],
                    e["capacity"],
                    e["sold"],
                    e["price"],
                    e["min_attendance"],
                    e["cancelled"],
                    e["settled"],
                    CID,
                )
                assert event_view(event_id) == expected
            pairs = [(event_id, fan) for event_id in m.events for fan in range(len(fans))]
            calls = [(events, "event_count", ())]
            calls += [(events, "persona_badges", (p,)) for p in (1, 2, 3)]
            calls += [(events, "refunded", (event_id,)) for event_id in m.events]
            calls += [(events, "has_ticket", (event_id, _a(fans[fan]))) for event_id, fan in pairs]
            calls += [(events, "badge_of", (event_id, _a(fans[fan]))) for event_id, fan in pairs]
            out = read(calls)
            assert out[0] == len(m.events)
            assert out[1:4] == [m.persona_badges[p] for p in (1, 2, 3)]
            out = out[4:]
            assert out[: len(m.events)] == [e["price"] * e["refunds"] for e in m.events.values()]
            out = out[len(m.events) :]
            assert out[: len(pairs)] == [int(pair in m.tickets) for pair in pairs]
            assert out[len(pairs) :] == [m.badges.get(pair, 0) for pair in pairs]

    run_state_machine_as_test(EventsMachine)
    for (method, outcome), count in sorted(reached.items()):
        print(f"{method:>16} {outcome:<48} {count}")
