"""A safe arithmetic evaluator: its own tokenizer and recursive-descent parser, no ``eval``.

Grammar (lowest precedence first; ``**`` binds tighter than unary minus and is right-associative, as in
Python, so ``-2 ** 2 == -4`` and ``2 ** 3 ** 2 == 512``)::

    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/" | "//" | "%") unary)*
    unary      := ("+" | "-") unary | power
    power      := primary ("**" unary)?
    primary    := NUMBER | CONSTANT | FUNCTION "(" expression ("," expression)* ")" | "(" expression ")"

Only numbers, the operators above, parentheses, commas and the names in :data:`FUNCTIONS` and
:data:`CONSTANTS` are accepted; anything else (other names, quotes, attribute access, brackets) is
refused with a :class:`CalculationError` naming the offending text and its position. Input length,
nesting depth and the size of powers are bounded, so no expression can exhaust time or memory.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from llmspell_tools._errors import CalculationError

Number = int | float

MAX_LENGTH = 1000
MAX_DEPTH = 64
MAX_RESULT_BITS = 4096

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e, "tau": math.tau}


def _sqrt(x: Number) -> Number:
    if x < 0:
        raise CalculationError(f"sqrt of a negative number ({x!r})")
    return math.sqrt(x)


def _log(x: Number) -> Number:
    if x <= 0:
        raise CalculationError(f"log of a non-positive number ({x!r})")
    return math.log(x)


def _round(x: Number) -> Number:
    return round(x)


def _floor(x: Number) -> Number:
    return math.floor(x)


def _ceil(x: Number) -> Number:
    return math.ceil(x)


def _abs(x: Number) -> Number:
    return abs(x)


def _min(*xs: Number) -> Number:
    return min(xs)


def _max(*xs: Number) -> Number:
    return max(xs)


@dataclass(frozen=True)
class _Function:
    call: Callable[..., Number]
    min_args: int
    max_args: int | None


FUNCTIONS: dict[str, _Function] = {
    "sqrt": _Function(_sqrt, 1, 1),
    "abs": _Function(_abs, 1, 1),
    "round": _Function(_round, 1, 1),
    "floor": _Function(_floor, 1, 1),
    "ceil": _Function(_ceil, 1, 1),
    "log": _Function(_log, 1, 1),
    "min": _Function(_min, 1, None),
    "max": _Function(_max, 1, None),
}

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
    | (?P<number>(?:\d+\.\d*|\.\d+|\d+)(?:[eE][+-]?\d+)?)
    | (?P<name>[A-Za-z_][A-Za-z_0-9]*)
    | (?P<op>\*\*|//|[-+*/%(),])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # "number", "name", "op" or "end"
    text: str
    position: int


def tokenize(expression: str) -> list[Token]:
    """Split ``expression`` into tokens, refusing any character or name arithmetic does not use."""
    if len(expression) > MAX_LENGTH:
        raise CalculationError(f"expression too long: {len(expression)} characters (limit {MAX_LENGTH})")
    tokens: list[Token] = []
    position = 0
    while position < len(expression):
        match = _TOKEN.match(expression, position)
        if match is None:
            raise CalculationError(f"unexpected character {expression[position]!r} at position {position}")
        kind = match.lastgroup
        assert kind is not None
        text = match.group()
        if kind == "name" and text not in FUNCTIONS and text not in CONSTANTS:
            allowed = ", ".join(sorted([*FUNCTIONS, *CONSTANTS]))
            raise CalculationError(f"unknown name {text!r} at position {position} (allowed: {allowed})")
        if kind != "space":
            tokens.append(Token(kind, text, position))
        position = match.end()
    tokens.append(Token("end", "", len(expression)))
    return tokens


def _check_result(value: Number) -> Number:
    if isinstance(value, float) and not math.isfinite(value):
        raise CalculationError("result is too large (overflow)")
    if isinstance(value, int) and value.bit_length() > MAX_RESULT_BITS:
        raise CalculationError(f"result is too large (more than {MAX_RESULT_BITS} bits)")
    return value


def _power(base: Number, exponent: Number) -> Number:
    ints = isinstance(base, int) and isinstance(exponent, int)
    if ints and exponent > 0 and abs(base) > 1 and exponent * math.log2(abs(base)) > MAX_RESULT_BITS:
        raise CalculationError(f"result is too large: {base} ** {exponent}")
    try:
        result = base**exponent
    except ZeroDivisionError:
        raise CalculationError("zero cannot be raised to a negative power") from None
    except OverflowError:
        raise CalculationError(f"result is too large: {base} ** {exponent}") from None
    if isinstance(result, complex):
        raise CalculationError(f"{base} ** {exponent} is not a real number")
    return _check_result(result)


def _divide(op: str, left: Number, right: Number) -> Number:
    if right == 0:
        raise CalculationError("division by zero")
    if op == "/":
        return left / right
    if op == "//":
        return left // right
    return left % right


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self._tokens = tokens
        self._index = 0
        self._depth = 0

    @property
    def _current(self) -> Token:
        return self._tokens[self._index]

    def _advance(self) -> Token:
        token = self._tokens[self._index]
        self._index += 1
        return token

    def _expect(self, text: str) -> None:
        token = self._current
        if token.text != text:
            found = "end of input" if token.kind == "end" else repr(token.text)
            raise CalculationError(f"expected {text!r} at position {token.position}, found {found}")
        self._advance()

    def _enter(self) -> None:
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise CalculationError(f"expression nested too deeply (limit {MAX_DEPTH})")

    def parse(self) -> Number:
        value = self.expression()
        token = self._current
        if token.kind != "end":
            raise CalculationError(f"unexpected {token.text!r} at position {token.position}")
        return value

    def expression(self) -> Number:
        value = self.term()
        while self._current.text in ("+", "-"):
            op = self._advance().text
            right = self.term()
            value = _check_result(value + right if op == "+" else value - right)
        return value

    def term(self) -> Number:
        value = self.unary()
        while self._current.text in ("*", "/", "//", "%"):
            op = self._advance().text
            right = self.unary()
            value = _check_result(value * right) if op == "*" else _divide(op, value, right)
        return value

    def unary(self) -> Number:
        if self._current.text in ("+", "-"):
            op = self._advance().text
            self._enter()
            operand = self.unary()
            self._depth -= 1
            return -operand if op == "-" else operand
        return self.power()

    def power(self) -> Number:
        base = self.primary()
        if self._current.text == "**":
            self._advance()
            self._enter()
            exponent = self.unary()
            self._depth -= 1
            return _power(base, exponent)
        return base

    def primary(self) -> Number:
        token = self._advance()
        if token.kind == "number":
            return float(token.text) if any(c in token.text for c in ".eE") else int(token.text)
        if token.kind == "name":
            if token.text in CONSTANTS:
                return CONSTANTS[token.text]
            return self._call(token)
        if token.text == "(":
            self._enter()
            value = self.expression()
            self._expect(")")
            self._depth -= 1
            return value
        found = "end of input" if token.kind == "end" else repr(token.text)
        raise CalculationError(f"expected a number at position {token.position}, found {found}")

    def _call(self, name: Token) -> Number:
        function = FUNCTIONS[name.text]
        self._expect("(")
        self._enter()
        args = [self.expression()]
        while self._current.text == ",":
            self._advance()
            args.append(self.expression())
        self._expect(")")
        self._depth -= 1
        if len(args) < function.min_args or (function.max_args is not None and len(args) > function.max_args):
            expected = str(function.min_args) if function.max_args == function.min_args else "1 or more"
            raise CalculationError(f"{name.text}() takes {expected} argument(s), got {len(args)}")
        try:
            return _check_result(function.call(*args))
        except (OverflowError, ValueError) as exc:
            raise CalculationError(f"{name.text}(): {exc}") from None


def evaluate(expression: str) -> Number:
    """The value of an arithmetic ``expression``; :class:`CalculationError` for anything else."""
    if not expression.strip():
        raise CalculationError("empty expression")
    return _Parser(tokenize(expression)).parse()
