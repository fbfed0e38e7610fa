"""llmspell-kernel: an asyncio kernel serving the llmspell tools over an in-process transport.

::

    async with embedded_kernel({"tools": ["math"]}) as kernel:
        client = kernel.client()
        reply = await client.request("invoke", tool="calculator", params={"expression": "2 + 2"})
"""

from llmspell_kernel._config import ConfigError, KernelConfig, Limits, parse_config
from llmspell_kernel._kernel import Kernel, StartupCache, embedded_kernel
from llmspell_kernel._messages import PROTOCOL_VERSION, Envelope, MessageError, decode, encode
from llmspell_kernel._state import RuntimeState
from llmspell_kernel._transport import (
    InProcessTransport,
    KernelClient,
    KernelClosed,
    KernelRequestError,
    MessageTooLarge,
)

__all__ = [
    "PROTOCOL_VERSION",
    "ConfigError",
    "Envelope",
    "InProcessTransport",
    "Kernel",
    "KernelClient",
    "KernelClosed",
    "KernelConfig",
    "KernelRequestError",
    "Limits",
    "MessageError",
    "MessageTooLarge",
    "RuntimeState",
    "StartupCache",
    "decode",
    "embedded_kernel",
    "encode",
    "parse_config",
]
