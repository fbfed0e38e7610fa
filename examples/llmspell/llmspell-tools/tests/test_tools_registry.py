import pytest

from llmspell_tools import (
    Param,
    Tool,
    ToolDefinition,
    ToolNotFound,
    ToolRegistry,
    create_tool,
    default_registry,
    tool_categories,
)


def make_tool(name: str, description: str, category: str = "demo") -> Tool:
    return Tool(ToolDefinition(name, category, description, (Param("x", "integer", "x"),), lambda x: x))


def test_default_registry_holds_every_builtin_tool() -> None:
    registry = default_registry()
    assert len(registry) >= 40
    assert registry.categories() == sorted(tool_categories())
    assert set(registry.categories()) == {"math", "text", "json", "hash", "encoding", "datetime", "util"}
    names = [tool.name for tool in registry.list()]
    assert names == sorted(names)
    assert len(set(names)) == len(names)


def test_default_registry_builds_fresh_tools() -> None:
    assert default_registry().get("calculator") is not default_registry().get("calculator")


def test_registry_by_category() -> None:
    registry = default_registry(["hash", "math"])
    assert registry.categories() == ["hash", "math"]
    assert [tool.name for tool in registry.list("hash")] == [
        "hash_blake2b",
        "hash_md5",
        "hash_sha1",
        "hash_sha256",
        "hash_verify",
        "hmac_sign",
    ]
    assert registry.list("text") == []
    assert "text_case" not in registry
    with pytest.raises(ValueError, match="unknown tool categories"):
        default_registry(["nope"])


def test_get_suggests_close_names() -> None:
    registry = default_registry()
    with pytest.raises(ToolNotFound) as error:
        registry.get("calculater")
    assert error.value.suggestions[0] == "calculator"
    assert "did you mean 'calculator'" in str(error.value)
    with pytest.raises(ToolNotFound, match=r"no tool named 'zzz'$"):
        create_tool("zzz")


def test_register_refuses_duplicates() -> None:
    registry = ToolRegistry([make_tool("alpha", "first")])
    with pytest.raises(ValueError, match="already registered"):
        registry.register(make_tool("alpha", "again"))


def test_info_shows_the_parameter_schema() -> None:
    info = default_registry().info("text_truncate")
    assert info["name"] == "text_truncate"
    assert info["category"] == "text"
    parameters = info["parameters"]
    assert isinstance(parameters, dict)
    assert parameters["required"] == ["text", "length"]


def test_search_ranks_name_matches_first() -> None:
    registry = ToolRegistry(
        [
            make_tool("hash_sha256", "digest of text"),
            make_tool("text_reverse", "reverse text; not a hash"),
            make_tool("hashtag_find", "find tags"),
            make_tool("unrelated", "nothing to see"),
        ]
    )
    hits = registry.search("hash")
    assert [hit.tool.name for hit in hits] == ["hash_sha256", "hashtag_find", "text_reverse"]
    assert hits[0].score > hits[1].score > hits[2].score
    assert registry.search("hash", limit=1)[0].tool.name == "hash_sha256"
    assert registry.search("   ") == []
    assert registry.search("zebra") == []


def test_search_exact_name_and_several_keywords() -> None:
    registry = default_registry()
    assert registry.search("calculator")[0].tool.name == "calculator"
    top = [hit.tool.name for hit in registry.search("base64 decode", limit=2)]
    assert top == ["base64_decode", "base64_encode"]
    assert {hit.tool.category for hit in registry.search("encoding", limit=8)} == {"encoding"}


def test_tool_definitions_are_checked() -> None:
    with pytest.raises(ValueError, match="lower_snake_case"):
        make_tool("Bad-Name", "x")
    with pytest.raises(ValueError, match="needs a description"):
        make_tool("ok", "  ")
