"""The in-process transport: asyncio queues of encoded messages between clients and the kernel.

Requests from every client go into one bounded inbox the kernel serves; each client has its own outbox for
replies, read by a reader task that hands each reply to the request waiting for it (matched by id), so a
client may have many requests in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools

from llmspell_kernel._messages import Envelope, MessageError, decode, encode
from llmspell_tools import Json


class KernelClosed(RuntimeError):
    """The kernel is shutting down or has shut down; no more requests are accepted."""


class MessageTooLarge(ValueError):
    """An encoded request is larger than the kernel's ``max_message_bytes``."""


class KernelRequestError(Exception):
    """The kernel answered a request with an error reply."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


class InProcessTransport:
    """Queues connecting clients to one kernel."""

    def __init__(self, max_pending: int, max_message_bytes: int) -> None:
        self.inbox: asyncio.Queue[bytes] = asyncio.Queue(max_pending)
        self.max_message_bytes = max_message_bytes
        self.closed = False
        self._outboxes: dict[str, asyncio.Queue[bytes]] = {}
        self._client_ids = (f"c{n}" for n in itertools.count(1))

    def connect(self) -> tuple[str, asyncio.Queue[bytes]]:
        """A new client id and the outbox its replies will arrive in."""
        if self.closed:
            raise KernelClosed("the kernel is shut down")
        client_id = next(self._client_ids)
        outbox: asyncio.Queue[bytes] = asyncio.Queue()
        self._outboxes[client_id] = outbox
        return client_id, outbox

    def disconnect(self, client_id: str) -> None:
        self._outboxes.pop(client_id, None)

    async def submit(self, data: bytes) -> None:
        if self.closed:
            raise KernelClosed("the kernel is shutting down")
        await self.inbox.put(data)

    def deliver(self, client_id: str, reply: bytes) -> bool:
        """Put an encoded reply in its client's outbox; False if that client is gone."""
        outbox = self._outboxes.get(client_id)
        if outbox is None:
            return False
        outbox.put_nowait(reply)
        return True


class KernelClient:
    """Sends requests to a kernel and awaits their replies. Made by :meth:`Kernel.client`."""

    def __init__(self, transport: InProcessTransport, request_timeout: float) -> None:
        self._transport = transport
        self._timeout = request_timeout
        self.id, self._outbox = transport.connect()
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[Envelope]] = {}
        self._reader = asyncio.create_task(self._read_replies(), name=f"llmspell-client-{self.id}")
        self.closed = False

    async def request_envelope(self, msg_type: str, **payload: Json) -> Envelope:
        """Send one request and return the reply envelope as it came (an error reply included)."""
        if self.closed:
            raise KernelClosed(f"client {self.id} is closed")
        request = Envelope(msg_type, f"{self.id}-{next(self._ids)}", self.id, dict(payload))
        data = encode(request)
        if len(data) > self._transport.max_message_bytes:
            raise MessageTooLarge(
                f"{msg_type} request is {len(data)} bytes (limit {self._transport.max_message_bytes})"
            )
        future: asyncio.Future[Envelope] = asyncio.get_running_loop().create_future()
        self._pending[request.id] = future
        try:
            await self._transport.submit(data)
            async with asyncio.timeout(self._timeout):
                return await future
        finally:
            self._pending.pop(request.id, None)

    async def request(self, msg_type: str, **payload: Json) -> dict[str, Json]:
        """Send one request and return the reply's payload; :class:`KernelRequestError` for an error reply."""
        reply = await self.request_envelope(msg_type, **payload)
        if reply.is_error:
            raise KernelRequestError(str(reply.payload.get("kind")), str(reply.payload.get("message")))
        return reply.payload

    async def _read_replies(self) -> None:
        while True:
            data = await self._outbox.get()
            try:
                reply = decode(data)
            except MessageError:
                continue  # the kernel only sends what encode() made; nothing to route a broken reply to
            finally:
                self._outbox.task_done()
            future = self._pending.get(reply.reply_to or "")
            if future is not None and not future.done():
                future.set_result(reply)

    async def close(self) -> None:
        """Deliver the replies already sent, stop the reader, fail requests still waiting."""
        if self.closed:
            return
        self.closed = True
        if not self._reader.done():
            await self._outbox.join()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        self._transport.disconnect(self.id)
        for future in self._pending.values():
            if not future.done():
                future.set_exception(KernelClosed("the kernel shut down before replying"))
        self._pending.clear()
