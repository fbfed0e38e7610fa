"""Tool execution: each call goes through ``Tool.invoke``, so parameter validation is part of the time."""

from __future__ import annotations

import json

from critbench import Bencher, Throughput, bench
from llmspell_tools import create_tool

EXPRESSIONS = {
    "simple": "2 + 2",
    "complex": "(10 + 5) * 3 - 8 / 2",
    "functions": "sqrt(144) + max(1, 2, 3) * 2 ** 10 - abs(-7) % 4",
}

SIZES = [64, 4096, 65536]
"""Input sizes in bytes (ASCII text, so characters = bytes)."""

DOCUMENT = json.dumps(
    {
        "users": [
            {"id": n, "name": f"user{n}", "roles": ["reader", "writer"][: 1 + n % 2], "active": n % 3 != 0}
            for n in range(50)
        ],
        "meta": {"page": 1, "total": 50},
    }
)


def _text(size: int) -> str:
    words = "the quick brown fox jumps over the lazy dog "
    return (words * (size // len(words) + 1))[:size]


@bench(params=EXPRESSIONS)
def calculator(b: Bencher, expression: str) -> None:
    """Evaluate an expression with the calculator tool (tokenize, parse, evaluate)."""
    tool = create_tool("calculator")
    b.iter(lambda: tool.invoke({"expression": expression}))


@bench
def json_query(b: Bencher) -> None:
    """Parse a 50-user JSON document and query "users[42].roles[0]"."""
    tool = create_tool("json_query")
    params = {"source": DOCUMENT, "path": "users[42].roles[0]"}
    b.iter(lambda: tool.invoke(params))


@bench(params=SIZES, throughput=Throughput.bytes)
def hash_sha256(b: Bencher, size: int) -> None:
    """SHA-256 hex digest of text of the given size (throughput in bytes hashed)."""
    tool = create_tool("hash_sha256")
    params = {"text": _text(size)}
    b.iter(lambda: tool.invoke(params))


@bench(params=["hash_md5", "hash_sha1", "hash_sha256", "hash_blake2b"], throughput=Throughput.bytes(4096))
def hash_algorithms(b: Bencher, name: str) -> None:
    """Each hashing tool on the same 4 KiB of text."""
    tool = create_tool(name)
    params = {"text": _text(4096)}
    b.iter(lambda: tool.invoke(params))


@bench(throughput=Throughput.bytes(1024))
def text_slug(b: Bencher) -> None:
    """Turn 1 KiB of text into a URL slug (Unicode normalisation, regex split, join)."""
    tool = create_tool("text_slug")
    params = {"text": _text(1024)}
    b.iter(lambda: tool.invoke(params))


@bench(params=SIZES, throughput=Throughput.bytes)
def base64_round_trip(b: Bencher, size: int) -> None:
    """Base64-encode text of the given size, then decode it back."""
    encode, decode = create_tool("base64_encode"), create_tool("base64_decode")
    params = {"text": _text(size)}
    b.iter(lambda: decode.invoke({"encoded": encode.invoke(params)}))


@bench
def datetime_add(b: Bencher) -> None:
    """Add "1w2d3h4m5s" to an ISO 8601 date-time (parse both, add, format)."""
    tool = create_tool("datetime_add")
    params = {"instant": "2024-02-28T23:30:00+01:00", "duration": "1w2d3h4m5s"}
    b.iter(lambda: tool.invoke(params))
