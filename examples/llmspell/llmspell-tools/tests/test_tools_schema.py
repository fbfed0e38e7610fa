import pytest

from llmspell_tools import Param, Schema, ValidationError, create_tool


def schema() -> Schema:
    return Schema(
        "demo",
        [
            Param("text", "string", "Some text", max_length=5),
            Param("count", "integer", "A count", default=1, minimum=0, maximum=10),
            Param("ratio", "number", "A ratio", default=0.5),
            Param("mode", "string", "A mode", default="a", enum=("a", "b")),
            Param("tags", "array", "Tags", default=[], items="string"),
            Param("flag", "boolean", "A flag", default=False),
        ],
    )


def test_fills_defaults_and_keeps_given_values() -> None:
    assert schema().validate({"text": "hi", "count": 3}) == {
        "text": "hi",
        "count": 3,
        "ratio": 0.5,
        "mode": "a",
        "tags": [],
        "flag": False,
    }


def test_mutable_defaults_are_copied_per_call() -> None:
    checked = schema()
    first = checked.validate({"text": "x"})
    tags = first["tags"]
    assert isinstance(tags, list)
    tags.append("changed")
    assert checked.validate({"text": "x"})["tags"] == []


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "demo: missing required parameter 'text'"),
        ({"text": "a", "colour": 1}, "demo: unknown parameter 'colour' (expected: text, count, ratio"),
        ({"text": 5}, "parameter 'text' must be string, got integer"),
        ({"text": "a", "count": 1.5}, "parameter 'count' must be integer, got number"),
        ({"text": "a", "count": True}, "parameter 'count' must be integer, got boolean"),
        ({"text": "a", "ratio": "x"}, "parameter 'ratio' must be number, got string"),
        ({"text": "a", "flag": 1}, "parameter 'flag' must be boolean, got integer"),
        ({"text": "a", "count": 11}, "parameter 'count' must be at most 10, got 11"),
        ({"text": "a", "count": -1}, "parameter 'count' must be at least 0, got -1"),
        ({"text": "a", "mode": "c"}, "parameter 'mode' must be one of 'a', 'b', got 'c'"),
        ({"text": "abcdef"}, "parameter 'text' is too long: 6 > 5"),
        ({"text": "a", "tags": ["x", 2]}, "parameter 'tags'[1] must be string, got integer"),
        ({"text": None}, "parameter 'text' must be string, got null"),
    ],
)
def test_rejects_bad_input_with_a_clear_message(values: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError) as error:
        schema().validate(values)
    assert message in str(error.value)


def test_numbers_accept_integers_but_not_booleans() -> None:
    checked = schema()
    assert checked.validate({"text": "a", "ratio": 2})["ratio"] == 2
    with pytest.raises(ValidationError):
        checked.validate({"text": "a", "ratio": False})


def test_json_schema_export() -> None:
    exported = schema().json_schema()
    assert exported["type"] == "object"
    assert exported["required"] == ["text"]
    assert exported["additionalProperties"] is False
    properties = exported["properties"]
    assert isinstance(properties, dict)
    assert properties["text"] == {"type": "string", "description": "Some text", "maxLength": 5}
    assert properties["count"] == {
        "type": "integer",
        "description": "A count",
        "default": 1,
        "minimum": 0,
        "maximum": 10,
    }
    assert properties["tags"] == {
        "type": "array",
        "description": "Tags",
        "default": [],
        "items": {"type": "string"},
    }


def test_declaration_mistakes_are_caught_when_the_tool_is_made() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        Schema("demo", [Param("a", "string", "x"), Param("a", "integer", "y")])
    with pytest.raises(ValueError, match="is not a integer"):
        Param("a", "integer", "x", default="one")
    with pytest.raises(ValueError, match="must be an identifier"):
        Param("not valid", "string", "x")


def test_tools_validate_before_running() -> None:
    tool = create_tool("text_truncate")
    with pytest.raises(ValidationError, match="missing required parameter 'length'"):
        tool.invoke({"text": "hello"})
    with pytest.raises(ValidationError, match="unknown parameter 'size'"):
        tool.invoke({"text": "hello", "length": 3, "size": 1})
    with pytest.raises(ValidationError, match="'length' must be integer, got string"):
        tool.invoke({"text": "hello", "length": "3"})
