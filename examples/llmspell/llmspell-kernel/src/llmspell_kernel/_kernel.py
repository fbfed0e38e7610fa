"""The embedded kernel: configuration, tool registry and runtime state behind an in-process transport.

``await Kernel.start_embedded(config)`` parses the configuration, builds the tool registry, creates the
runtime state, starts the server task and waits for the kernel to answer a ``kernel_info`` request. A
:class:`StartupCache` keeps parsed configurations and built registries: the shared default cache makes
later starts *warm* (only the state, transport and server task are new); a fresh ``StartupCache()`` makes a
start *cold* (everything parsed and built again).

Requests: ``kernel_info``; ``list`` (optional ``category``); ``info`` (``tool``); ``search`` (``query``,
optional ``limit``); ``invoke`` (``tool``, optional ``params`` and ``store_as``, which keeps the result as
a runtime variable). Whatever goes wrong while handling a request becomes an error reply; the server loop
itself never stops on a request's account.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

from llmspell_kernel._config import KernelConfig, parse_config
from llmspell_kernel._messages import Envelope, MessageError, decode, encode
from llmspell_kernel._state import RuntimeState
from llmspell_kernel._transport import InProcessTransport, KernelClient
from llmspell_tools import Json, ToolError, ToolNotFound, ToolRegistry, ValidationError, default_registry

ConfigSource = KernelConfig | Mapping[str, Any] | str


class BadRequest(Exception):
    """A request whose payload lacks a field or has one of the wrong type."""


class StartupCache:
    """Parsed configurations and built tool registries, reused by later starts.

    Registries are shared between the kernels started from one cache: tools are stateless and kernels
    never register tools after start, so sharing is safe.
    """

    def __init__(self) -> None:
        self._configs: dict[str, KernelConfig] = {}
        self._registries: dict[tuple[str, ...] | None, ToolRegistry] = {}

    def config(self, source: ConfigSource) -> KernelConfig:
        if isinstance(source, KernelConfig):
            return source
        key = source if isinstance(source, str) else json.dumps(source, sort_keys=True, default=str)
        config = self._configs.get(key)
        if config is None:
            config = self._configs[key] = parse_config(source)
        return config

    def registry(self, categories: tuple[str, ...] | None) -> ToolRegistry:
        registry = self._registries.get(categories)
        if registry is None:
            registry = self._registries[categories] = default_registry(categories)
        return registry


_SHARED_CACHE = StartupCache()


def _text(payload: Mapping[str, Json], key: str, default: str | None = None) -> str:
    value = payload.get(key, default)
    if not isinstance(value, str):
        raise BadRequest(f"field {key!r} must be a string" if key in payload else f"missing field {key!r}")
    return value


class Kernel:
    """A running kernel. Start it with :meth:`start_embedded`; stop it with :meth:`shutdown`."""

    def __init__(self, config: KernelConfig, registry: ToolRegistry) -> None:
        self.config = config
        self.registry = registry
        self.state = RuntimeState(config.name, config.limits.history_size)
        self.transport = InProcessTransport(
            config.limits.max_pending_requests, config.limits.max_message_bytes
        )
        self._handlers: dict[str, Callable[[dict[str, Json]], dict[str, Json]]] = {
            "kernel_info": self._kernel_info,
            "list": self._list,
            "info": self._info,
            "search": self._search,
            "invoke": self._invoke,
        }
        self._clients: list[KernelClient] = []
        self._server: asyncio.Task[None] | None = None
        self._default_client: KernelClient | None = None
        self.malformed_messages = 0

    @classmethod
    async def start_embedded(
        cls, config: ConfigSource | None = None, *, cache: StartupCache | None = None
    ) -> Kernel:
        """Start a kernel in this event loop and wait until it answers; see the module docstring."""
        cache = _SHARED_CACHE if cache is None else cache
        parsed = cache.config({} if config is None else config)
        kernel = cls(parsed, cache.registry(parsed.tool_categories))
        kernel._server = asyncio.create_task(kernel._serve(), name=f"llmspell-kernel-{parsed.name}")
        await kernel.request("kernel_info")
        return kernel

    @property
    def running(self) -> bool:
        return self._server is not None and not self._server.done()

    def client(self) -> KernelClient:
        """A new client connected to this kernel (closed by :meth:`shutdown`)."""
        client = KernelClient(self.transport, self.config.limits.request_timeout)
        self._clients.append(client)
        return client

    async def request(self, msg_type: str, **payload: Json) -> dict[str, Json]:
        """Send a request through the kernel's own default client; see :meth:`KernelClient.request`."""
        if self._default_client is None:
            self._default_client = self.client()
        return await self._default_client.request(msg_type, **payload)

    async def shutdown(self) -> None:
        """Refuse new requests, answer the queued ones, stop the server and every client task."""
        if self.transport.closed:
            return
        self.transport.closed = True
        if self.running:
            await self.transport.inbox.join()
        if self._server is not None:
            self._server.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._server
        for client in self._clients:
            await client.close()
        self._clients.clear()

    async def _serve(self) -> None:
        inbox = self.transport.inbox
        while True:
            data = await inbox.get()
            try:
                reply = self._handle(data)
                if reply is not None:
                    self.transport.deliver(*reply)
            finally:
                inbox.task_done()

    def _handle(self, data: bytes) -> tuple[str, bytes] | None:
        """The client to answer and the encoded reply; None for bytes that name no client."""
        try:
            request = decode(data)
        except MessageError:
            self.malformed_messages += 1
            return None
        reply = self._answer(request)
        try:
            encoded = encode(reply)
        except MessageError as exc:  # e.g. a tool result of inf, which JSON cannot carry
            reply = request.error("internal", str(exc))
            encoded = encode(reply)
        limit = self.config.limits.max_message_bytes
        if len(encoded) > limit:
            reply = request.error("too_large", f"the {len(encoded)}-byte reply exceeds {limit} bytes")
            encoded = encode(reply)
        self.state.record(request.type, not reply.is_error)
        return request.client, encoded

    def _answer(self, request: Envelope) -> Envelope:
        handler = self._handlers.get(request.type)
        if handler is None:
            known = ", ".join(sorted(self._handlers))
            return request.error("unknown_type", f"unknown message type {request.type!r} (known: {known})")
        try:
            return request.reply(handler(request.payload))
        except BadRequest as exc:
            return request.error("bad_request", f"{request.type}: {exc}")
        except ToolNotFound as exc:
            return request.error("not_found", str(exc))
        except ValidationError as exc:
            return request.error("invalid_params", str(exc))
        except ToolError as exc:
            return request.error("tool_error", str(exc))
        except Exception as exc:  # a failing request must not stop the server loop
            return request.error("internal", f"{type(exc).__name__}: {exc}")

    def _kernel_info(self, payload: dict[str, Json]) -> dict[str, Json]:
        return {
            "name": self.config.name,
            "protocol_version": 1,
            "tools": len(self.registry),
            "categories": list(self.registry.categories()),
            "execution_count": self.state.execution_count,
            "variables": list[Json](sorted(self.state.variables)),
        }

    def _list(self, payload: dict[str, Json]) -> dict[str, Json]:
        category = payload.get("category")
        if category is not None and not isinstance(category, str):
            raise BadRequest("field 'category' must be a string")
        return {
            "tools": [
                {"name": tool.name, "category": tool.category, "description": tool.description}
                for tool in self.registry.list(category)
            ]
        }

    def _info(self, payload: dict[str, Json]) -> dict[str, Json]:
        return self.registry.info(_text(payload, "tool"))

    def _search(self, payload: dict[str, Json]) -> dict[str, Json]:
        limit = payload.get("limit", 10)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise BadRequest("field 'limit' must be a positive integer")
        hits = self.registry.search(_text(payload, "query"), limit)
        return {
            "results": [
                {"name": hit.tool.name, "category": hit.tool.category, "score": hit.score} for hit in hits
            ]
        }

    def _invoke(self, payload: dict[str, Json]) -> dict[str, Json]:
        tool = self.registry.get(_text(payload, "tool"))
        params = payload.get("params", {})
        if not isinstance(params, dict):
            raise BadRequest("field 'params' must be an object")
        store_as = payload.get("store_as")
        if store_as is not None and not (isinstance(store_as, str) and store_as.isidentifier()):
            raise BadRequest("field 'store_as' must be an identifier")
        result = tool.invoke(params)
        if store_as is not None:
            self.state.variables[store_as] = result
        return {"tool": tool.name, "result": result}


@contextlib.asynccontextmanager
async def embedded_kernel(
    config: ConfigSource | None = None, *, cache: StartupCache | None = None
) -> AsyncIterator[Kernel]:
    """``async with embedded_kernel(config) as kernel:`` — started on entry, shut down on exit."""
    kernel = await Kernel.start_embedded(config, cache=cache)
    try:
        yield kernel
    finally:
        await kernel.shutdown()
