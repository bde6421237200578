"""A TCP proxy on loopback that delays every byte by half a round trip, each way.

``benchmarks/bench_browser.py`` puts it between Chromium and JupyterLab to measure a slider drag
as a student on Colab, Binder or a hub meets it (20–200 ms of round trip away)::

    with DelayProxy(lab_port, rtt_ms=100) as proxy:
        page.goto(f"http://127.0.0.1:{proxy.port}/lab")  # every request and websocket
        proxy.rtt_ms = 50                                 # may change between measurements
        down, up = proxy.bytes_moved()                    # bytes forwarded so far

Every chunk read from either side is written to the other ``rtt_ms / 2`` milliseconds after it
was read, in the order it was read, as it was read (no merging or splitting), so HTTP and
websockets pass unchanged. The delay is the only change: there is no bandwidth limit and no
loss. It runs an asyncio loop in a thread of its own; standard library only.
"""

from __future__ import annotations

import asyncio
import threading

CHUNK = 65536  # the most bytes read at once
_EOF = b""  # queued after the last chunk: the sender closed its side


class DelayProxy:
    """Forward 127.0.0.1:``port`` to ``target_host``:``target_port`` with ``rtt_ms`` of round trip.

    Parameters
    ----------
    target_port : int
        The port of the server behind the proxy.
    rtt_ms : float
        The round trip the proxy adds, in milliseconds: each direction waits half of it.
        Assign ``proxy.rtt_ms`` to change it; chunks read from then on get the new delay.
    target_host : str
        The server's address (default loopback).

    Use it as a context manager: entering starts it and sets ``port``; leaving stops it and
    closes every connection.
    """

    def __init__(self, target_port: int, rtt_ms: float = 0.0, target_host: str = "127.0.0.1"):
        self.target = (target_host, target_port)
        self.rtt_ms = rtt_ms
        self.port = None
        self.down = 0  # bytes forwarded from the server to the client
        self.up = 0  # bytes forwarded from the client to the server
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="delay-proxy", daemon=True)
        self._server = None
        self._tasks: set[asyncio.Task] = set()

    @property
    def rtt_ms(self) -> float:
        return self._rtt_ms

    @rtt_ms.setter
    def rtt_ms(self, value: float) -> None:
        value = float(value)
        if not value >= 0 or value == float("inf"):
            raise ValueError(f"rtt_ms must be a finite number of milliseconds ≥ 0, not {value!r}")
        self._rtt_ms = value

    def bytes_moved(self) -> tuple[int, int]:
        """Bytes forwarded so far: (server → client, client → server)."""
        return self.down, self.up

    def __enter__(self) -> DelayProxy:
        self._thread.start()
        started = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        try:
            started.result(timeout=10)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc) -> None:
        if self._thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._connection, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _connection(self, client_reader, client_writer) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        writers = [client_writer]
        pipes = []
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
            writers.append(server_writer)
            pipes = [
                asyncio.ensure_future(self._pipe(client_reader, server_writer, "up")),
                asyncio.ensure_future(self._pipe(server_reader, client_writer, "down")),
            ]
            # both directions run until their sender closes; one failing ends the other
            done, _ = await asyncio.wait(pipes, return_when=asyncio.FIRST_EXCEPTION)
            for pipe in done:
                pipe.result()
        except (OSError, asyncio.IncompleteReadError):
            pass  # a side went away or the server refused: close both, as a network would
        except asyncio.CancelledError:
            pass  # the proxy is stopping (ended quietly: asyncio 3.11 logs a cancelled handler)
        finally:
            self._tasks.discard(task)
            for pipe in pipes:
                pipe.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)
            for writer in writers:
                writer.close()

    async def _pipe(self, reader, writer, direction: str) -> None:
        """Copy one direction: read chunks as they come, write each one half a round trip later."""
        queue: asyncio.Queue = asyncio.Queue()
        loop = asyncio.get_running_loop()

        async def send_later():
            while True:
                due, chunk = await queue.get()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if chunk == _EOF:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(chunk)
                await writer.drain()
                setattr(self, direction, getattr(self, direction) + len(chunk))

        sender = asyncio.ensure_future(send_later())
        try:
            while True:
                chunk = await reader.read(CHUNK)
                queue.put_nowait((loop.time() + self._rtt_ms / 2000, chunk))
                if chunk == _EOF or sender.done():  # done early: the receiver went away
                    break
            await sender
        finally:
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
