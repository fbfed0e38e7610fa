import math

import pytest

from llmspell_tools import CalculationError, ToolError, create_tool, evaluate
from llmspell_tools._calculator import MAX_DEPTH, MAX_LENGTH, tokenize


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("2 + 2", 4),
        ("(10 + 5) * 3 - 8 / 2", 41.0),
        ("2 + 3 * 4", 14),
        ("(2 + 3) * 4", 20),
        ("10 - 4 - 3", 3),  # left-associative
        ("100 / 10 / 5", 2.0),
        ("2 ** 3 ** 2", 512),  # right-associative
        ("-2 ** 2", -4),  # ** binds tighter than unary minus
        ("(-2) ** 2", 4),
        ("2 ** -1", 0.5),
        ("--3", 3),
        ("-+-3", 3),
        ("7 % 3", 1),
        ("-7 % 3", 2),
        ("7 // 2", 3),
        ("1.5 * 2", 3.0),
        (".5 + 1e2", 100.5),
        ("2.5e-1", 0.25),
        ("sqrt(16) + abs(-3)", 7.0),
        ("max(1, 5, 3) - min(4, 2)", 3),
        ("round(2.6) + floor(2.6) + ceil(2.1)", 8),
        ("log(e)", 1.0),
        ("2 * pi", math.tau),
        ("  ( ( 1 ) )  ", 1),
    ],
)
def test_evaluates_arithmetic_like_python(expression: str, expected: float) -> None:
    result = evaluate(expression)
    assert result == pytest.approx(expected)
    assert type(result) is type(expected)


def test_integer_results_stay_exact() -> None:
    assert evaluate("2 ** 100") == 2**100
    assert evaluate("123456789 * 987654321") == 123456789 * 987654321


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("__import__('os')", "unknown name '__import__'"),
        ("os.system('ls')", "unknown name 'os'"),
        ("x + 1", "unknown name 'x'"),
        ("(1).__class__", "unexpected character '.'"),
        ("'a' * 3", 'unexpected character "\'"'),
        ("[1, 2]", "unexpected character '['"),
        ("1 +", "expected a number at position 3, found end of input"),
        ("(1 + 2", "expected ')' at position 6"),
        ("1 2", "unexpected '2' at position 2"),
        ("sqrt 4", "expected '(' at position 5"),
        ("sqrt(1, 2)", "sqrt() takes 1 argument(s), got 2"),
        ("", "empty expression"),
        ("1 / 0", "division by zero"),
        ("1 // 0", "division by zero"),
        ("5 % 0.0", "division by zero"),
        ("0 ** -1", "zero cannot be raised to a negative power"),
        ("sqrt(-1)", "sqrt of a negative number"),
        ("log(0)", "log of a non-positive number"),
        ("(-8) ** 0.5", "is not a real number"),
        ("9 ** 9 ** 9", "result is too large"),
        ("1e308 * 10", "result is too large"),
        ("10.0 ** 400", "result is too large"),
    ],
)
def test_refuses_with_a_clear_error(expression: str, message: str) -> None:
    with pytest.raises(CalculationError) as error:
        evaluate(expression)
    assert message in str(error.value)


def test_limits_input_length_and_depth() -> None:
    with pytest.raises(CalculationError, match="too long"):
        evaluate("1+" * MAX_LENGTH + "1")
    with pytest.raises(CalculationError, match="nested too deeply"):
        evaluate("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1))
    with pytest.raises(CalculationError, match="nested too deeply"):
        evaluate("-" * (MAX_DEPTH + 1) + "1")
    assert evaluate("(" * 20 + "1" + ")" * 20) == 1


def test_tokenizer_reports_positions() -> None:
    tokens = tokenize("12 ** (3)")
    assert [(t.kind, t.text, t.position) for t in tokens] == [
        ("number", "12", 0),
        ("op", "**", 3),
        ("op", "(", 6),
        ("number", "3", 7),
        ("op", ")", 8),
        ("end", "", 9),
    ]


def test_calculator_tool_wraps_the_evaluator() -> None:
    calculator = create_tool("calculator")
    assert calculator.invoke({"expression": "(10 + 5) * 3 - 8 / 2"}) == {
        "expression": "(10 + 5) * 3 - 8 / 2",
        "result": 41.0,
    }
    with pytest.raises(ToolError, match="unknown name '__import__'"):
        calculator.invoke({"expression": "__import__('os').system('true')"})
