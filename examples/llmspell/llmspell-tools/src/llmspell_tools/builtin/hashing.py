"""Hashing tools: digests of text (MD5, SHA-1, SHA-256, BLAKE2b), HMAC and constant-time verification."""

from __future__ import annotations

import hashlib
import hmac

from llmspell_tools._schema import Json, Param
from llmspell_tools._tool import Catalog

catalog = Catalog("hash")

_TEXT = Param("text", "string", "The text to hash (UTF-8 encoded)")
ALGORITHMS = ("md5", "sha1", "sha256", "sha512", "blake2b")


def digest(algorithm: str, data: bytes) -> str:
    """The hex digest of ``data``; MD5 and SHA-1 are for checksums, not security."""
    return hashlib.new(algorithm, data, usedforsecurity=algorithm not in ("md5", "sha1")).hexdigest()


@catalog.tool("hash_md5", "MD5 hex digest of text (checksums only, not secure)", _TEXT)
def hash_md5(text: str) -> Json:
    return digest("md5", text.encode())


@catalog.tool("hash_sha1", "SHA-1 hex digest of text (checksums only, not secure)", _TEXT)
def hash_sha1(text: str) -> Json:
    return digest("sha1", text.encode())


@catalog.tool("hash_sha256", "SHA-256 hex digest of text", _TEXT)
def hash_sha256(text: str) -> Json:
    return digest("sha256", text.encode())


@catalog.tool(
    "hash_blake2b",
    "BLAKE2b hex digest of text, with a chosen digest size",
    _TEXT,
    Param("digest_size", "integer", "Digest size in bytes", default=32, minimum=1, maximum=64),
)
def hash_blake2b(text: str, digest_size: int) -> Json:
    return hashlib.blake2b(text.encode(), digest_size=digest_size).hexdigest()


@catalog.tool(
    "hmac_sign",
    "HMAC signature of text with a secret key",
    _TEXT,
    Param("key", "string", "The secret key"),
    Param("algorithm", "string", "Hash algorithm", default="sha256", enum=("sha256", "sha512", "blake2b")),
)
def hmac_sign(text: str, key: str, algorithm: str) -> Json:
    return hmac.new(key.encode(), text.encode(), algorithm).hexdigest()


@catalog.tool(
    "hash_verify",
    "Check text against an expected hex digest (constant-time comparison)",
    _TEXT,
    Param("expected", "string", "The expected hex digest"),
    Param("algorithm", "string", "Hash algorithm", default="sha256", enum=ALGORITHMS),
)
def hash_verify(text: str, expected: str, algorithm: str) -> Json:
    return hmac.compare_digest(digest(algorithm, text.encode()), expected.lower())
