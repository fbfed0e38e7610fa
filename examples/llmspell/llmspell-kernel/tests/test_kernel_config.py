from typing import Any

import pytest

from llmspell_kernel import ConfigError, KernelConfig, Limits, parse_config


def test_defaults() -> None:
    assert parse_config({}) == KernelConfig(name="llmspell", tool_categories=None, limits=Limits())


def test_from_toml() -> None:
    config = parse_config(
        """
        name = "demo"
        tools = ["math", "text", "math"]

        [limits]
        request_timeout = 5
        max_message_bytes = 4096
        """
    )
    assert config.name == "demo"
    assert config.tool_categories == ("math", "text")
    assert config.limits == Limits(max_message_bytes=4096, request_timeout=5.0)
    assert isinstance(config.limits.request_timeout, float)


def test_from_json_and_all_tools() -> None:
    config = parse_config('{"name": "j", "tools": "all", "limits": {"history_size": 3}}')
    assert config.tool_categories is None
    assert config.limits.history_size == 3
    assert parse_config({"tools": []}).tool_categories == ()


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ({"nmae": "x"}, "unknown configuration key 'nmae'"),
        ({"name": ""}, "name must be a non-empty string"),
        ({"tools": ["math", "magic"]}, "unknown tool category 'magic'"),
        ({"tools": "math"}, "tools must be a list of category names or 'all'"),
        ({"limits": {"request_timeout": 0}}, "limits.request_timeout must be positive"),
        ({"limits": {"max_message_bytes": 1.5}}, "limits.max_message_bytes must be an integer"),
        ({"limits": {"history_size": True}}, "limits.history_size must be an integer"),
        ({"limits": {"speed": 1}}, "unknown limit 'speed'"),
        ({"limits": 3}, "limits must be a table"),
        ("name = ", "cannot parse the kernel configuration"),
        ("{not json", "cannot parse the kernel configuration"),
    ],
)
def test_errors_name_the_key(source: Any, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(source)
    assert message in str(error.value)
