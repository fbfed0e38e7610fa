import pytest

from llmspell_tools import Json
from llmspell_workflows import Condition, WorkflowContext, WorkflowError


@pytest.mark.parametrize(
    ("left", "op", "right", "expected"),
    [
        (1, "eq", 1, True),
        ("a", "ne", "b", True),
        (2, "lt", 2.5, True),
        (2, "le", 2, True),
        ("b", "gt", "a", True),
        (3, "ge", 4, False),
        ("hello", "contains", "ell", True),
        ([1, 2], "contains", 3, False),
        ({"k": 1}, "contains", "k", True),
        ("", "truthy", None, False),
        ([], "falsy", None, True),
        ("${input.x}", "gt", "${input.y}", True),
    ],
)
def test_operators(left: Json, op: str, right: Json, expected: bool) -> None:
    context = WorkflowContext({"x": 5, "y": 4})
    assert Condition(left, op, right).holds(context) is expected


def test_from_spec() -> None:
    assert Condition.from_spec({"left": 1, "op": "eq", "right": 1}) == Condition(1, "eq", 1)
    with pytest.raises(ValueError, match="unknown condition key 'rigth'"):
        Condition.from_spec({"left": 1, "op": "eq", "rigth": 1})
    with pytest.raises(ValueError, match="needs 'left' and an 'op'"):
        Condition.from_spec({"left": 1})


def test_ordering_needs_comparable_values() -> None:
    with pytest.raises(WorkflowError, match="both must be numbers or both strings"):
        Condition(True, "lt", 2).holds(WorkflowContext())
    with pytest.raises(WorkflowError, match="'contains' needs"):
        Condition(3, "contains", 1).holds(WorkflowContext())
