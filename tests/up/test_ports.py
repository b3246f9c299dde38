"""The ports tests and the dev stack choose: free when chosen, never the same twice in one
process, and outside the range the OS gives outgoing connections (so a client socket of the
stack itself cannot take a port between the choice and a server binding it)."""

import socket

from fame.procs import _client_port_floor, free_port, free_port_block


def test_free_ports_sit_below_the_client_port_range_and_never_repeat():
    floor = _client_port_floor()
    ports = [free_port() for _ in range(200)]
    assert len(set(ports)) == len(ports)
    assert all(1024 <= p < floor for p in ports)
    for port in ports[:20]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # free: binding it works


def test_a_block_is_consecutive_free_ports_clear_of_earlier_picks():
    earlier = {free_port() for _ in range(50)}
    base = free_port_block(4)
    block = set(range(base, base + 4))
    assert not block & earlier
    socks = []
    try:
        for port in sorted(block):
            sock = socket.socket()
            socks.append(sock)
            sock.bind(("127.0.0.1", port))
    finally:
        for sock in socks:
            sock.close()
    assert base + 3 < _client_port_floor()
