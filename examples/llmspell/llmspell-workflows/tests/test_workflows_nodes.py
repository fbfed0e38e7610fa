"""Each workflow type run for real against the built-in tools."""

import asyncio
import threading
from collections.abc import Mapping

import pytest

from llmspell_tools import Json, Param, Tool, ToolDefinition, ToolRegistry, default_registry, query
from llmspell_workflows import (
    Condition,
    Conditional,
    Loop,
    Node,
    Parallel,
    Sequential,
    ToolStep,
    Workflow,
    WorkflowContext,
    WorkflowDefinitionError,
    WorkflowError,
    WorkflowResult,
)

REGISTRY = default_registry()


def run(
    root: Node, inputs: Mapping[str, Json] | None = None, registry: ToolRegistry = REGISTRY
) -> WorkflowResult:
    return asyncio.run(Workflow("test", root).run(registry, inputs))


def calc(name: str, expression: str) -> ToolStep:
    return ToolStep(name, "calculator", {"expression": expression})


def test_sequential_steps_see_earlier_outputs() -> None:
    result = run(
        Sequential(
            "main",
            [
                ToolStep("name", "text_case", {"text": "${input.who}", "style": "title"}),
                ToolStep(
                    "greeting", "text_template", {"template": "Hello, $who!", "values": {"who": "${name}"}}
                ),
                ToolStep("digest", "hash_sha256", {"text": "${greeting}"}),
            ],
        ),
        {"who": "ada lovelace"},
    )
    assert result.outputs["greeting"] == "Hello, Ada Lovelace!"
    assert result.output == result.outputs["digest"]
    assert result.steps_run == 3


def test_parallel_runs_every_branch_and_collects_outputs() -> None:
    branches: list[Node] = [calc(f"c{n}", f"{n} ** 2") for n in range(5)]
    result = run(Parallel("fan", branches))
    assert result.output == {f"c{n}": {"expression": f"{n} ** 2", "result": n * n} for n in range(5)}
    assert result.steps_run == 5


def test_parallel_with_threads_runs_tools_off_the_event_loop() -> None:
    seen: list[int] = []

    def where(x: int) -> Json:
        seen.append(threading.get_ident())
        return x

    registry = ToolRegistry(
        [Tool(ToolDefinition("where", "demo", "thread probe", (Param("x", "integer", "x"),), where))]
    )
    branches: list[Node] = [ToolStep(f"w{n}", "where", {"x": n}) for n in range(4)]
    result = run(Parallel("fan", branches, threads=True), registry=registry)
    assert result.output == {f"w{n}": n for n in range(4)}
    assert threading.get_ident() not in seen
    run(Parallel("inline", [ToolStep("w", "where", {"x": 1})]), registry=registry)
    assert seen[-1] == threading.get_ident()


def test_parallel_respects_max_concurrency_and_reports_failures() -> None:
    result = run(Parallel("fan", [calc("a", "1"), calc("b", "2"), calc("c", "3")], max_concurrency=1))
    assert result.output == {name: {"expression": str(n), "result": n} for n, name in enumerate("abc", 1)}
    with pytest.raises(
        WorkflowError, match=r"parallel block 'fan': step 'bad' \(calculator\): division by zero"
    ):
        run(Parallel("fan", [calc("ok", "1"), calc("bad", "1 / 0")]))


@pytest.mark.parametrize(("value", "branch"), [(20, "BIG"), (3, "SMALL")])
def test_conditional_chooses_a_branch(value: int, branch: str) -> None:
    flow = Sequential(
        "main",
        [
            calc("measure", "${input.x} * 2"),
            Conditional(
                "size",
                Condition("${measure.result}", "gt", 10),
                ToolStep("big", "text_case", {"text": "big", "style": "upper"}),
                ToolStep("small", "text_case", {"text": "small", "style": "upper"}),
            ),
        ],
    )
    result = run(flow, {"x": value})
    assert result.outputs["size"] == branch
    assert result.steps_run == 2


def test_conditional_without_else_outputs_null_and_accepts_functions() -> None:
    flow = Conditional("never", lambda ctx: False, calc("x", "1"))
    assert run(flow).output is None
    with pytest.raises(WorkflowError, match="condition of 'c': cannot order"):
        run(Conditional("c", Condition("a", "lt", 1), calc("x", "1")))


def test_loop_over_items() -> None:
    flow = Loop("squares", calc("square", "${loop.item} ** 2 + ${loop.index}"), over="${input.numbers}")
    result = run(flow, {"numbers": [1, 2, 3]})
    assert query(result.output, "[2].result") == 11
    assert result.output == [
        {"expression": f"{n} ** 2 + {i}", "result": n * n + i} for i, n in enumerate([1, 2, 3])
    ]
    assert result.steps_run == 3


def test_loop_times_and_while() -> None:
    assert run(Loop("thrice", calc("n", "${loop.index} * 10"), times=3)).steps_run == 3

    # Doubles a running value until it exceeds 100: the condition reads the body's last output.
    flow = Sequential(
        "main",
        [
            calc("value", "1"),
            Loop(
                "grow",
                calc("value_next", "${value.result} * 2"),
                while_=lambda ctx: _last_value(ctx) <= 100,
            ),
        ],
    )
    result = run(flow)
    assert result.outputs["value_next"] == {"expression": "64 * 2", "result": 128}


def _last_value(ctx: WorkflowContext) -> int:
    step = ctx.outputs.get("value_next", ctx.outputs["value"])
    assert isinstance(step, dict)
    value = step["result"]
    assert isinstance(value, int)
    ctx.outputs["value"] = step
    return value


def test_loops_are_bounded() -> None:
    with pytest.raises(WorkflowError, match="exceeded 5 iterations"):
        run(Loop("forever", calc("x", "1"), while_=Condition(True, "truthy"), max_iterations=5))
    with pytest.raises(WorkflowError, match="'over' must be a list"):
        run(Loop("bad", calc("x", "1"), over="${input.n}"), {"n": 3})
    with pytest.raises(ValueError, match="exactly one of"):
        Loop("both", calc("x", "1"), over=[1], times=2)


def test_nested_workflow_types() -> None:
    flow = Sequential(
        "main",
        [
            Loop(
                "rows",
                Parallel(
                    "row",
                    [
                        ToolStep("upper", "text_case", {"text": "${loop.item}", "style": "upper"}),
                        ToolStep("length", "text_word_count", {"text": "${loop.item}"}),
                    ],
                ),
                over=["ab", "cde f"],
            ),
            ToolStep(
                "count", "list_sum", {"numbers": ["${rows[0].length.characters}", "${rows[1].length.words}"]}
            ),
        ],
    )
    result = run(flow)
    assert result.outputs["rows"] == [
        {"upper": "AB", "length": {"words": 1, "characters": 2, "lines": 1}},
        {"upper": "CDE F", "length": {"words": 2, "characters": 5, "lines": 1}},
    ]
    assert result.output == 4
    assert result.steps_run == 5


def test_step_errors_name_the_step() -> None:
    with pytest.raises(
        WorkflowError, match=r"step 'b' \(calculator\): \$\{nothing.result\}: no step 'nothing' has run yet"
    ):
        run(Sequential("main", [calc("a", "1"), calc("b", "${nothing.result}")]))
    with pytest.raises(WorkflowError, match=r"step 'x' \(nope\): no tool named 'nope'"):
        run(ToolStep("x", "nope"))


def test_definitions_are_checked() -> None:
    with pytest.raises(WorkflowDefinitionError, match="two steps are called 'a'"):
        Workflow("w", Sequential("main", [calc("a", "1"), calc("a", "2")]))
    with pytest.raises(WorkflowDefinitionError, match="reserved"):
        Workflow("w", calc("input", "1"))
    with pytest.raises(WorkflowDefinitionError, match="unknown tool"):
        Workflow("w", ToolStep("x", "nope")).check_tools(REGISTRY)
    with pytest.raises(ValueError, match="must be an identifier"):
        calc("not valid", "1")
    with pytest.raises(ValueError, match="unknown condition operator"):
        Condition(1, "approx", 2)
