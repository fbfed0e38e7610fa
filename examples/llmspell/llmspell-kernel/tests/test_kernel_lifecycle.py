"""The kernel end to end: start, every message type over the in-process transport, errors, shutdown."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from llmspell_kernel import (
    Kernel,
    KernelClosed,
    KernelRequestError,
    MessageTooLarge,
    StartupCache,
    embedded_kernel,
    encode,
)
from llmspell_kernel._messages import Envelope
from llmspell_tools import Json, query


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(test())


def pluck(reply: dict[str, Json], key: str, path: str) -> list[Json]:
    """``path`` inside every item of the list ``reply[key]``."""
    items = reply[key]
    assert isinstance(items, list)
    return [query(item, path) for item in items]


def only_current_task_left() -> bool:
    return asyncio.all_tasks() == {asyncio.current_task()}


def test_start_answer_every_message_type_and_shut_down_cleanly() -> None:
    async def scenario() -> None:
        kernel = await Kernel.start_embedded({"name": "t"}, cache=StartupCache())
        assert kernel.running
        client = kernel.client()

        info = await client.request("kernel_info")
        assert info["name"] == "t"
        assert isinstance(info["tools"], int)
        assert info["tools"] >= 40

        listed = await client.request("list")
        tools = listed["tools"]
        assert isinstance(tools, list)
        assert len(tools) == info["tools"]
        filtered = await client.request("list", category="hash")
        assert set(pluck(filtered, "tools", "category")) == {"hash"}

        tool_info = await client.request("info", tool="calculator")
        assert tool_info["category"] == "math"

        found = await client.request("search", query="base64", limit=2)
        assert pluck(found, "results", "name") == ["base64_decode", "base64_encode"]

        result = await client.request(
            "invoke", tool="calculator", params={"expression": "(10 + 5) * 3 - 8 / 2"}
        )
        assert result == {
            "tool": "calculator",
            "result": {"expression": "(10 + 5) * 3 - 8 / 2", "result": 41.0},
        }

        await kernel.shutdown()
        assert not kernel.running
        assert only_current_task_left()
        with pytest.raises(KernelClosed):
            await client.request("list")
        await kernel.shutdown()  # idempotent

    run(scenario)


@pytest.mark.parametrize(
    ("msg_type", "payload", "kind", "message"),
    [
        ("dance", {}, "unknown_type", "unknown message type 'dance'"),
        ("info", {}, "bad_request", "info: missing field 'tool'"),
        ("info", {"tool": 3}, "bad_request", "field 'tool' must be a string"),
        ("search", {"query": "x", "limit": 0}, "bad_request", "'limit' must be a positive integer"),
        ("invoke", {"tool": "calculator", "params": []}, "bad_request", "'params' must be an object"),
        ("info", {"tool": "calculater"}, "not_found", "did you mean 'calculator'"),
        ("invoke", {"tool": "calculator", "params": {}}, "invalid_params", "missing required parameter"),
        (
            "invoke",
            {"tool": "calculator", "params": {"expression": "__import__('os')"}},
            "tool_error",
            "unknown name",
        ),
        (
            "invoke",
            {"tool": "calculator", "params": {"expression": "1 / 0"}},
            "tool_error",
            "division by zero",
        ),
    ],
)
def test_errors_come_back_as_error_replies(
    msg_type: str, payload: dict[str, Json], kind: str, message: str
) -> None:
    async def scenario() -> None:
        async with embedded_kernel({"tools": ["math"]}) as kernel:
            client = kernel.client()
            reply = await client.request_envelope(msg_type, **payload)
            assert reply.is_error
            assert reply.payload["kind"] == kind
            assert message in str(reply.payload["message"])
            with pytest.raises(KernelRequestError) as error:
                await client.request(msg_type, **payload)
            assert error.value.kind == kind
            # the server loop survived and still answers
            assert (await client.request("invoke", tool="calculator", params={"expression": "2 + 2"}))["tool"]
            assert kernel.state.errors() == 2

    run(scenario)


def test_a_result_json_cannot_carry_becomes_an_error_reply() -> None:
    async def scenario() -> None:
        async with embedded_kernel({"tools": ["math"]}) as kernel:
            with pytest.raises(KernelRequestError, match=r"internal: .*payload is not JSON"):
                await kernel.request("invoke", tool="list_sum", params={"numbers": [1e308, 1e308]})
            reply = await kernel.request("invoke", tool="list_sum", params={"numbers": [1, 2]})
            assert reply["result"] == 3

    run(scenario)


def test_malformed_bytes_are_counted_not_fatal() -> None:
    async def scenario() -> None:
        async with embedded_kernel({"tools": []}) as kernel:
            await kernel.transport.submit(b"not json")
            await kernel.transport.submit(
                encode(Envelope("list", "x-1", "nobody"))
            )  # client that does not exist
            assert (await kernel.request("list")) == {"tools": []}
            assert kernel.malformed_messages == 1

    run(scenario)


def test_concurrent_requests_get_their_own_replies() -> None:
    async def scenario() -> None:
        async with embedded_kernel({"tools": ["math"]}) as kernel:
            clients = [kernel.client(), kernel.client()]
            requests = [
                clients[n % 2].request("invoke", tool="calculator", params={"expression": f"{n} * {n}"})
                for n in range(50)
            ]
            replies = await asyncio.gather(*requests)
            assert [query(reply, "result.result") for reply in replies] == [n * n for n in range(50)]

    run(scenario)


def test_shutdown_answers_queued_requests_first() -> None:
    async def scenario() -> None:
        kernel = await Kernel.start_embedded({"tools": ["math"]})
        client = kernel.client()
        tasks = [
            asyncio.create_task(
                client.request("invoke", tool="calculator", params={"expression": f"{n} + 1"})
            )
            for n in range(20)
        ]
        await asyncio.sleep(0)  # let every request reach the kernel's inbox
        assert kernel.transport.inbox.qsize() > 0
        await kernel.shutdown()
        replies = await asyncio.gather(*tasks)
        assert [query(reply, "result.result") for reply in replies] == [n + 1 for n in range(20)]
        assert only_current_task_left()

    run(scenario)


def test_warm_start_reuses_the_cache_and_cold_start_builds_anew() -> None:
    async def scenario() -> None:
        cache = StartupCache()
        first = await Kernel.start_embedded("tools = ['text']", cache=cache)
        warm = await Kernel.start_embedded("tools = ['text']", cache=cache)
        cold = await Kernel.start_embedded("tools = ['text']", cache=StartupCache())
        assert warm.registry is first.registry
        assert warm.config is first.config
        assert cold.registry is not first.registry
        assert warm.state is not first.state
        assert warm.transport is not first.transport
        for kernel in (first, warm, cold):
            await kernel.shutdown()
        assert only_current_task_left()

    run(scenario)


def test_invoke_can_keep_a_result_in_the_runtime_state() -> None:
    async def scenario() -> None:
        async with embedded_kernel({"tools": ["text"]}) as kernel:
            await kernel.request("invoke", tool="text_reverse", params={"text": "abc"}, store_as="backwards")
            assert kernel.state.variables == {"backwards": "cba"}
            info = await kernel.request("kernel_info")
            assert info["variables"] == ["backwards"]
            assert info["execution_count"] == 2

    run(scenario)


def test_message_size_limits() -> None:
    async def scenario() -> None:
        async with embedded_kernel({"tools": ["encoding"], "limits": {"max_message_bytes": 2000}}) as kernel:
            client = kernel.client()
            with pytest.raises(MessageTooLarge, match="limit 2000"):
                await client.request("invoke", tool="hex_encode", params={"text": "x" * 3000})
            with pytest.raises(KernelRequestError, match="too_large"):  # hex doubles the size of the text
                await client.request("invoke", tool="hex_encode", params={"text": "x" * 1500})
            assert (await client.request("invoke", tool="hex_encode", params={"text": "x"}))["result"] == "78"

    run(scenario)
