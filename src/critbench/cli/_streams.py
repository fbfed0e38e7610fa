"""Output streams that never fail on a character: critbench prints ``−``, ``µ``, ``✓ ⚠ ✗``, ``≥``; on a
terminal whose encoding cannot show them (``LC_ALL=C``, ``PYTHONIOENCODING=ascii``) they become ASCII
look-alikes, so output is never lost to a ``UnicodeEncodeError`` after the measuring is done."""

from __future__ import annotations

from typing import TextIO

ASCII_LOOKALIKES = str.maketrans(
    {
        "\u2212": "-",  # − minus sign
        "\u2013": "-",
        "\u2014": "--",
        "µ": "u",
        "\u2713": "ok",  # ✓
        "\u26a0": "!",  # ⚠
        "\u2717": "X",  # ✗
        "\u2265": ">=",
        "\u2264": "<=",
        "\u00b1": "+/-",
        "\u00d7": "x",
        "\u2026": "...",
        "\u2192": "->",
        "\u2190": "<-",
        "\u00b2": "^2",
        "\u2581": "_",
        "\u2582": "_",
        "\u2583": "-",
        "\u2584": "-",
        "\u2585": "=",
        "\u2586": "=",
        "\u2587": "#",
        "\u2588": "#",
    }
)


def ascii_fallback(text: str) -> str:
    """``text`` with critbench's non-ASCII symbols as ASCII look-alikes (anything else left for the codec)."""
    return text.translate(ASCII_LOOKALIKES)


class EncodingSafeStream:
    """Wraps a text stream whose encoding cannot show every character: writes fall back to look-alikes,
    then to ``?``, instead of raising. Streams that can encode everything are used as they are."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._encoding = getattr(stream, "encoding", None) or "utf-8"

    def write(self, text: str) -> int:
        try:
            text.encode(self._encoding)
        except UnicodeEncodeError:
            text = ascii_fallback(text).encode(self._encoding, errors="replace").decode(self._encoding)
        except LookupError:
            pass
        return self._stream.write(text)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def encoding_safe(stream: TextIO) -> TextIO:
    """``stream`` itself when it encodes UTF-8 (or has no encoding, like StringIO), else a safe wrapper."""
    encoding = getattr(stream, "encoding", None)
    if not encoding:
        return stream
    try:
        "\u2212µ\u2713\u26a0\u2717\u2265".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return EncodingSafeStream(stream)  # type: ignore[return-value]
    return stream
