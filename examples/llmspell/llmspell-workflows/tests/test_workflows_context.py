import pytest

from llmspell_workflows import UnresolvedReference, WorkflowContext


def context() -> WorkflowContext:
    ctx = WorkflowContext({"city": "Paris", "n": 3})
    ctx.outputs["fetch"] = {"items": [{"name": "a"}, {"name": "b"}], "count": 2}
    return ctx


def test_whole_references_keep_their_type() -> None:
    ctx = context()
    assert ctx.resolve("${input.n}") == 3
    assert ctx.resolve("${fetch.items}") == [{"name": "a"}, {"name": "b"}]
    assert ctx.resolve("${fetch.items[1].name}") == "b"
    assert ctx.resolve("${fetch}") == {"items": [{"name": "a"}, {"name": "b"}], "count": 2}
    assert ctx.resolve("${input}") == {"city": "Paris", "n": 3}
    ctx.outputs["rows"] = [{"n": 1}]
    assert ctx.resolve("${rows[0].n}") == 1


def test_references_inside_text_are_interpolated() -> None:
    ctx = context()
    assert ctx.resolve("${input.city} has ${fetch.count} items") == "Paris has 2 items"
    assert ctx.resolve("list: ${fetch.items[0]}") == 'list: {"name": "a"}'
    assert ctx.resolve("no references $here") == "no references $here"


def test_resolves_at_any_depth() -> None:
    ctx = context()
    assert ctx.resolve({"a": ["${input.n}", {"b": "${input.city}"}], "c": 1, "d": None}) == {
        "a": [3, {"b": "Paris"}],
        "c": 1,
        "d": None,
    }


def test_loop_scopes_nest() -> None:
    ctx = context()
    with ctx.loop_scope() as outer:
        outer["item"] = "outer"
        with ctx.loop_scope() as inner:
            inner["item"] = "inner"
            assert ctx.resolve("${loop.item}") == "inner"
        assert ctx.resolve("${loop.item}") == "outer"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("${later}", "no step 'later' has run yet"),
        ("${fetch.missing}", "no key 'missing'"),
        ("${fetch.items[9]}", "index 9 out of range"),
        ("${loop.item}", "not inside a loop"),
        ("${9lives}", "a reference starts with a step name"),
    ],
)
def test_unresolved_references_say_why(reference: str, message: str) -> None:
    with pytest.raises(UnresolvedReference, match=message):
        context().resolve(reference)
