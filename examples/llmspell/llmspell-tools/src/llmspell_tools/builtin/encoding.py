"""Encoding tools: Base64, hex, URL (percent) encoding and HTML escaping, each way."""

from __future__ import annotations

import base64
import binascii
import html
import urllib.parse

from llmspell_tools._errors import ToolError
from llmspell_tools._schema import Json, Param
from llmspell_tools._tool import Catalog

catalog = Catalog("encoding")

_TEXT = Param("text", "string", "The text to encode (UTF-8)")
_ENCODED = Param("encoded", "string", "The encoded text")


def _utf8(data: bytes, tool: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ToolError(f"{tool}: the decoded bytes are not UTF-8 text") from None


@catalog.tool(
    "base64_encode",
    "Base64-encode text (standard or URL-safe alphabet)",
    _TEXT,
    Param("url_safe", "boolean", "Use the URL-safe alphabet (- and _)", default=False),
)
def base64_encode(text: str, url_safe: bool) -> Json:
    encode = base64.urlsafe_b64encode if url_safe else base64.b64encode
    return encode(text.encode()).decode("ascii")


@catalog.tool(
    "base64_decode",
    "Decode Base64 to text (standard or URL-safe alphabet)",
    _ENCODED,
    Param("url_safe", "boolean", "Use the URL-safe alphabet (- and _)", default=False),
)
def base64_decode(encoded: str, url_safe: bool) -> Json:
    alphabet = b"-_" if url_safe else b"+/"
    try:
        data = base64.b64decode(encoded.encode("ascii"), altchars=alphabet, validate=True)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise ToolError(f"base64_decode: not valid Base64: {exc}") from None
    return _utf8(data, "base64_decode")


@catalog.tool("hex_encode", "Hex-encode text (two lower-case digits per byte)", _TEXT)
def hex_encode(text: str) -> Json:
    return text.encode().hex()


@catalog.tool("hex_decode", "Decode hex digits to text", _ENCODED)
def hex_decode(encoded: str) -> Json:
    try:
        data = bytes.fromhex(encoded)
    except ValueError as exc:
        raise ToolError(f"hex_decode: not valid hex: {exc}") from None
    return _utf8(data, "hex_decode")


@catalog.tool(
    "url_encode",
    "Percent-encode text for a URL component",
    _TEXT,
    Param("safe", "string", "Characters left as they are", default=""),
)
def url_encode(text: str, safe: str) -> Json:
    return urllib.parse.quote(text, safe=safe)


@catalog.tool("url_decode", "Decode percent-encoded text ('+' stays a plus)", _ENCODED)
def url_decode(encoded: str) -> Json:
    return urllib.parse.unquote(encoded, errors="strict")


@catalog.tool("html_escape", "Escape &, <, >, \" and ' for safe inclusion in HTML", _TEXT)
def html_escape(text: str) -> Json:
    return html.escape(text)


@catalog.tool("html_unescape", "Turn HTML character references (&amp; &#39; ...) back into text", _ENCODED)
def html_unescape(encoded: str) -> Json:
    return html.unescape(encoded)
