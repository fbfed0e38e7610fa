"""Behaviour of the built-in tools, called the way the kernel calls them: through ``invoke``."""

import hashlib
import hmac
import json
import re

import pytest

from llmspell_tools import Json, ToolError, create_tool, default_registry


def call(tool: str, /, **params: Json) -> Json:
    return create_tool(tool).invoke(params)


def test_math_statistics() -> None:
    assert call("list_sum", numbers=[1, 2, 3.5]) == 6.5
    assert call("list_mean", numbers=[1, 2, 3, 4]) == 2.5
    assert call("list_median", numbers=[5, 1, 3]) == 3
    assert call("list_stdev", numbers=[2, 4, 4, 4, 5, 5, 7, 9]) == pytest.approx(2.138, abs=1e-3)
    assert call("list_sort", numbers=[3, 1, 2], descending=True) == [3, 2, 1]
    stats = call("list_stats", numbers=[4, 1, 7])
    assert stats == {"count": 3, "min": 1, "max": 7, "sum": 12, "mean": 4.0, "median": 4, "stdev": 3.0}
    assert call("number_format", value=1234567.891) == "1,234,567.89"
    assert call("number_format", value=1234.5, decimals=0, separator=" ") == "1 234"
    with pytest.raises(ToolError, match="needs at least 2 number"):
        call("list_stdev", numbers=[1])
    with pytest.raises(ToolError, match="needs at least 1 number"):
        call("list_mean", numbers=[])


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("upper", "HELLO WORLDWIDE WEB"),
        ("lower", "hello worldwide web"),
        ("title", "Hello Worldwide Web"),
        ("snake", "hello_worldwide_web"),
        ("kebab", "hello-worldwide-web"),
        ("camel", "helloWorldwideWeb"),
    ],
)
def test_text_case(style: str, expected: str) -> None:
    assert call("text_case", text="Hello worldwide Web", style=style) == expected


def test_text_case_splits_camel_case_words() -> None:
    assert call("text_case", text="parseHTTPResponse now", style="snake") == "parse_http_response_now"


def test_text_tools() -> None:
    assert call("text_slug", text="  Héllo, Wörld! 2024 ") == "hello-world-2024"
    assert call("text_slug", text="a b", separator="_") == "a_b"
    assert call("text_word_count", text="one two\nthree") == {"words": 3, "characters": 13, "lines": 2}
    assert call("text_truncate", text="the quick brown fox", length=14) == "the quick..."
    assert call("text_truncate", text="short", length=10) == "short"
    assert call("text_truncate", text="abcdefgh", length=2) == ".."
    assert call("text_reverse", text="abc") == "cba"
    assert call("text_replace", text="a-b-c", old="-", new="+") == "a+b+c"
    assert call("text_split", text="a  b c") == ["a", "b", "c"]
    assert call("text_split", text="a,b,,c", separator=",") == ["a", "b", "", "c"]
    assert call("text_join", parts=["a", "b"], separator=", ") == "a, b"
    assert call("text_trim", text="  a   b  ") == "a b"
    assert call("text_template", template="Hi $name, ${n}x", values={"name": "Ada", "n": 3}) == "Hi Ada, 3x"
    with pytest.raises(ToolError, match="no value for placeholder 'name'"):
        call("text_template", template="Hi $name", values={})
    with pytest.raises(ToolError, match="must not be empty"):
        call("text_replace", text="a", old="", new="b")


def test_regex_tools() -> None:
    match = call("regex_match", text="order 42 shipped", pattern=r"(?P<id>\d+)")
    assert match == {
        "matched": True,
        "match": "42",
        "start": 6,
        "end": 8,
        "groups": ["42"],
        "named": {"id": "42"},
    }
    assert call("regex_match", text="none", pattern=r"\d") == {"matched": False}
    assert call("regex_find_all", text="a1b22c333", pattern=r"\d+") == ["1", "22", "333"]
    assert call(
        "regex_replace", text="2024-03-01", pattern=r"(\d+)-(\d+)-(\d+)", replacement=r"\3/\2/\1"
    ) == ("01/03/2024")
    with pytest.raises(ToolError, match="invalid regular expression"):
        call("regex_match", text="x", pattern="(")


def test_json_tools() -> None:
    doc = json.dumps({"users": [{"name": "ada", "langs": ["en", "fr"]}], "count": 1})
    assert call("json_parse", source='{"a": [1, 2]}') == {"a": [1, 2]}
    assert call("json_query", source=doc, path="users[0].name") == "ada"
    assert call("json_query", source=doc, path="users.0.langs.1") == "fr"
    assert call("json_query", source=doc, path="users[0].langs[-1]") == "fr"
    assert call("json_query", source=doc, path="") == json.loads(doc)
    assert call("json_format", source='{"b":1,"a":2}', indent=0, sort_keys=True) == '{"a":2,"b":1}'
    assert call("json_format", source='{"a":[1]}') == '{\n  "a": [\n    1\n  ]\n}'
    assert call("json_validate", source="{") == {
        "valid": False,
        "error": "Expecting property name enclosed in double quotes",
        "line": 1,
        "column": 2,
    }
    assert call("json_merge", base={"a": {"x": 1, "y": 2}, "b": 1}, overlay={"a": {"y": 3}, "c": 4}) == {
        "a": {"x": 1, "y": 3},
        "b": 1,
        "c": 4,
    }
    assert call("json_keys", source=doc) == ["users", "count"]
    assert call("json_keys", source=doc, path="users.0") == ["name", "langs"]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("users.5", "index 5 out of range in users (length 1)"),
        ("users[0].age", "no key 'age' in users.0"),
        ("count.x", "count is a scalar, cannot take 'x'"),
        ("users..name", "empty segment"),
        ("users[x]", "malformed path"),
    ],
)
def test_json_query_errors_name_the_failing_step(path: str, message: str) -> None:
    doc = json.dumps({"users": [{"name": "ada"}], "count": 1})
    with pytest.raises(ToolError, match=re.escape(message)):
        call("json_query", source=doc, path=path)


def test_json_tools_report_invalid_json() -> None:
    with pytest.raises(ToolError, match="json_parse: invalid JSON at line 1 column 5"):
        call("json_parse", source="[1, }")


def test_hashing_tools_match_hashlib() -> None:
    text = "héllo"
    data = text.encode()
    assert call("hash_md5", text=text) == hashlib.md5(data).hexdigest()
    assert call("hash_sha1", text=text) == hashlib.sha1(data).hexdigest()
    assert call("hash_sha256", text=text) == hashlib.sha256(data).hexdigest()
    assert (
        call("hash_blake2b", text=text, digest_size=16) == hashlib.blake2b(data, digest_size=16).hexdigest()
    )
    signature = call("hmac_sign", text="msg", key="k")
    assert signature == hmac.new(b"k", b"msg", "sha256").hexdigest()
    assert call("hash_verify", text=text, expected=hashlib.sha256(data).hexdigest().upper()) is True
    assert call("hash_verify", text=text, expected="00", algorithm="md5") is False


def test_encoding_tools_round_trip() -> None:
    text = "héllo wörld <&> ?/+"
    for encoder, decoder in [
        ("base64_encode", "base64_decode"),
        ("hex_encode", "hex_decode"),
        ("url_encode", "url_decode"),
        ("html_escape", "html_unescape"),
    ]:
        encoded = call(encoder, text=text)
        assert isinstance(encoded, str)
        assert call(decoder, encoded=encoded) == text, encoder
    assert call("base64_encode", text="\xff\xfe", url_safe=True) == "w7_Dvg=="
    assert call("base64_decode", encoded="w7_Dvg==", url_safe=True) == "\xff\xfe"
    assert call("hex_encode", text="AB") == "4142"
    assert call("url_encode", text="a b/c") == "a%20b%2Fc"
    assert call("html_escape", text="<a href='x'>") == "&lt;a href=&#x27;x&#x27;&gt;"


def test_encoding_tools_reject_malformed_input() -> None:
    with pytest.raises(ToolError, match="not valid Base64"):
        call("base64_decode", encoded="abc")
    with pytest.raises(ToolError, match="not valid hex"):
        call("hex_decode", encoded="zz")
    with pytest.raises(ToolError, match="not UTF-8"):
        call("hex_decode", encoded="ff")


def test_datetime_tools_are_deterministic() -> None:
    parts = call("datetime_parse", instant="2024-02-29T13:45:30+02:00")
    assert isinstance(parts, dict)
    assert parts["weekday"] == "Thursday"
    assert parts["day_of_year"] == 60
    assert parts["utc_offset_seconds"] == 7200
    assert parts["iso"] == "2024-02-29T13:45:30+02:00"
    assert call("datetime_add", instant="2024-02-28T23:30:00Z", duration="1d45m") == "2024-03-01T00:15:00Z"
    assert call("datetime_add", instant="2024-01-01", duration="-1w") == "2023-12-25T00:00:00Z"
    assert (
        call("datetime_format", instant="2024-03-01T09:05:00Z", pattern="%d/%m/%Y %H:%M")
        == "01/03/2024 09:05"
    )
    assert call("datetime_diff", start="2024-01-01T00:00:00Z", end="2024-01-02T01:02:03Z") == {
        "seconds": 90123.0,
        "days": 1,
        "hours": 1,
        "minutes": 2,
        "remaining_seconds": 3,
        "negative": False,
    }
    assert call("datetime_from_unix", timestamp=0) == "1970-01-01T00:00:00Z"
    assert call("datetime_to_unix", instant="1970-01-02T00:00:00+01:00") == 82800.0
    with pytest.raises(ToolError, match="not an ISO 8601 date-time"):
        call("datetime_parse", instant="yesterday")
    with pytest.raises(ToolError, match="not a duration"):
        call("datetime_add", instant="2024-01-01", duration="3 days")


def test_uuid_tools() -> None:
    random_id = call("uuid_generate")
    assert isinstance(random_id, str)
    assert call("uuid_validate", text=random_id) == {"valid": True, "canonical": random_id, "version": 4}
    named = call("uuid_generate", version=5, namespace="dns", name="python.org")
    assert named == "886313e1-3b8a-5372-9b90-0c9aee199e5d"
    assert call("uuid_validate", text="nope") == {"valid": False}
    with pytest.raises(ToolError, match="needs a 'name'"):
        call("uuid_generate", version=5)


def test_every_builtin_tool_has_metadata_and_returns_json() -> None:
    registry = default_registry()
    assert len(registry) >= 40
    for tool in registry:
        info = tool.info()
        assert info["name"] == tool.name
        assert isinstance(info["description"], str)
        assert info["description"]
        json.dumps(info)
