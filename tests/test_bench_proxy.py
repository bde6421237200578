"""The delaying TCP proxy of ``make bench-browser`` (``benchmarks/delay_proxy.py``), alone.

An echo server behind the proxy: a round trip takes the proxy's RTT (not less, not much more),
bytes pass unchanged and in order both ways, the counters count them, a half-close passes.
Quick (well under a second): part of ``make check``.
"""

import os
import socket
import socketserver
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from delay_proxy import DelayProxy  # noqa: E402


class _Echo(socketserver.BaseRequestHandler):
    def handle(self):
        while data := self.request.recv(65536):
            self.request.sendall(data)
        # the client closed its side: close ours


@pytest.fixture(scope="module")
def echo_port():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def _connect(proxy):
    sock = socket.create_connection(("127.0.0.1", proxy.port), timeout=5)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def _receive(sock, size):
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return bytes(data)


def _wait_for_counts(proxy, expected, timeout=2.0):
    """The counters move just after a write: give the proxy's thread a moment."""
    deadline = time.monotonic() + timeout
    while proxy.bytes_moved() != expected and time.monotonic() < deadline:
        time.sleep(0.005)
    return proxy.bytes_moved()


@pytest.mark.parametrize("rtt_ms", [100, 40])
def test_round_trip_takes_the_rtt(echo_port, rtt_ms):
    with DelayProxy(echo_port, rtt_ms=rtt_ms) as proxy, _connect(proxy) as sock:
        sock.sendall(b"warm")  # the connection to the server is made on the first connect
        assert _receive(sock, 4) == b"warm"
        start = time.perf_counter()
        sock.sendall(b"ping")
        reply = _receive(sock, 4)
        elapsed_ms = 1000 * (time.perf_counter() - start)
    assert reply == b"ping"
    # the whole round trip crosses the proxy twice, half the RTT each way
    assert rtt_ms <= elapsed_ms < rtt_ms + 100, elapsed_ms


def test_no_delay_is_fast(echo_port):
    with DelayProxy(echo_port) as proxy, _connect(proxy) as sock:
        sock.sendall(b"warm")
        _receive(sock, 4)
        start = time.perf_counter()
        sock.sendall(b"ping")
        assert _receive(sock, 4) == b"ping"
        assert time.perf_counter() - start < 0.05


def test_large_payload_passes_unchanged_and_is_counted(echo_port):
    payload = os.urandom(3_000_000)
    with DelayProxy(echo_port, rtt_ms=10) as proxy, _connect(proxy) as sock:

        def send():
            for start in range(0, len(payload), 100_000):
                sock.sendall(payload[start : start + 100_000])
            sock.shutdown(socket.SHUT_WR)  # a half-close crosses the proxy too

        sender = threading.Thread(target=send)
        sender.start()
        echoed = _receive(sock, len(payload) + 1)  # + 1: read on until the server closes
        sender.join()
        counts = _wait_for_counts(proxy, (len(payload), len(payload)))
    assert len(echoed) == len(payload)
    assert echoed == payload
    assert counts == (len(payload), len(payload))  # (down, up)


def test_order_is_kept_when_the_delay_drops(echo_port):
    """Chunks read after the RTT falls from 200 ms to 0 are due sooner, yet leave in order."""
    messages = [f"<{i:03d}>".encode() for i in range(40)]
    with DelayProxy(echo_port, rtt_ms=200) as proxy, _connect(proxy) as sock:
        start = time.perf_counter()
        for i, message in enumerate(messages):
            if i == len(messages) // 2:
                time.sleep(0.02)  # let the proxy read the first half at 200 ms
                proxy.rtt_ms = 0
            sock.sendall(message)
            time.sleep(0.001)
        echoed = _receive(sock, sum(map(len, messages)))
        elapsed = time.perf_counter() - start
        counts = _wait_for_counts(proxy, (len(echoed), len(echoed)))
    assert echoed == b"".join(messages)
    assert counts == (len(echoed), len(echoed))
    assert elapsed >= 0.1  # the first message still waited its 100 ms on the way out


def test_unreachable_server_closes_the_client():
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]  # nothing listens here once closed
    with DelayProxy(port) as proxy, _connect(proxy) as sock:
        sock.sendall(b"hello")
        assert sock.recv(10) == b""


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf")])
def test_bad_rtt_is_refused(bad):
    with pytest.raises(ValueError, match="rtt_ms must be"):
        DelayProxy(1, rtt_ms=bad)
