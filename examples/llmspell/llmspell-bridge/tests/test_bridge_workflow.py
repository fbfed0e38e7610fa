"""The workflow bridge on workflows described as data, as a script would send them."""

import asyncio
import json
from collections.abc import Mapping
from typing import Any

import pytest

from llmspell_bridge import Session, WorkflowBridge
from llmspell_tools import Json, default_registry, query
from llmspell_workflows import WorkflowDefinitionError, WorkflowError, WorkflowResult

BRIDGE = WorkflowBridge(default_registry())

REPORT: dict[str, Any] = {
    "name": "report",
    "steps": [
        {"name": "stats", "tool": "list_stats", "params": {"numbers": "${input.numbers}"}},
        {
            "name": "fan",
            "type": "parallel",
            "threads": True,
            "steps": [
                {
                    "name": "mean",
                    "tool": "number_format",
                    "params": {"value": "${stats.mean}", "decimals": 1},
                },
                {
                    "name": "spread",
                    "tool": "calculator",
                    "params": {"expression": "${stats.max} - ${stats.min}"},
                },
            ],
        },
        {
            "name": "verdict",
            "type": "conditional",
            "if": {"left": "${spread.result}", "op": "gt", "right": 5},
            "then": [
                {"name": "wide", "tool": "text_case", "params": {"text": "wide spread", "style": "upper"}}
            ],
            "else": [{"name": "narrow", "tool": "text_case", "params": {"text": "narrow", "style": "upper"}}],
        },
        {
            "name": "labels",
            "type": "loop",
            "over": "${input.numbers}",
            "steps": [
                {
                    "name": "label",
                    "tool": "text_template",
                    "params": {"template": "#$i=$v", "values": {"i": "${loop.index}", "v": "${loop.item}"}},
                },
            ],
        },
        {"name": "summary", "tool": "text_join", "params": {"parts": "${labels}", "separator": " "}},
    ],
}


def run(
    spec: Mapping[str, Any] | str, inputs: Mapping[str, Json], session: Session | None = None
) -> WorkflowResult:
    return asyncio.run(BRIDGE.run(spec, inputs, session=session))


def test_runs_a_workflow_described_as_data() -> None:
    result = run(REPORT, {"numbers": [2, 4, 9]})
    assert query(result.outputs["stats"], "mean") == 5.0
    assert query(result.outputs["stats"], "max") == 9
    assert result.outputs["mean"] == "5.0"
    assert result.outputs["verdict"] == "WIDE SPREAD"
    assert "narrow" not in result.outputs
    assert result.outputs["labels"] == ["#0=2", "#1=4", "#2=9"]
    assert result.output == "#0=2 #1=4 #2=9"
    assert result.steps_run == 1 + 2 + 1 + 3 + 1


def test_accepts_json_text_and_takes_the_other_branch() -> None:
    result = run(json.dumps(REPORT), {"numbers": [5, 6]})
    assert result.outputs["verdict"] == "NARROW"


def test_records_runs_in_a_session() -> None:
    session = Session.create("s")
    run(REPORT, {"numbers": [1, 2]}, session)
    run(REPORT, {"numbers": [1, 20]}, session)
    runs = session.state["workflow_runs"]
    assert isinstance(runs, list)
    assert [query(entry, "run") for entry in runs] == [1, 2]
    artifact = session.artifact("report-2.json")
    assert artifact.mime_type == "application/json"
    assert json.loads(artifact.content)["verdict"] == "WIDE SPREAD"
    assert query(runs, "[1].outputs") == artifact.sha256
    restored = Session.from_dict(session.to_dict())
    assert restored.artifact("report-1.json").verify()


def test_loops_with_times_and_while() -> None:
    spec = {
        "name": "counting",
        "steps": [
            {
                "name": "three",
                "type": "loop",
                "times": 3,
                "steps": [
                    {"name": "sq", "tool": "calculator", "params": {"expression": "${loop.index} ** 2"}}
                ],
            },
            {
                "name": "bounded",
                "type": "loop",
                "while": {"left": True, "op": "truthy"},
                "max_iterations": 2,
                "steps": [{"name": "x", "tool": "calculator", "params": {"expression": "1"}}],
            },
        ],
    }
    with pytest.raises(WorkflowError, match="loop 'bounded' exceeded 2 iterations"):
        run(spec, {})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("{", "not JSON"),
        ({"name": "w"}, "workflow: missing 'steps'"),
        ({"name": "w", "steps": [], "extra": 1}, "unknown key 'extra'"),
        ({"name": "w", "steps": []}, "'steps' is empty"),
        ({"name": "w", "steps": [{"tool": "calculator"}]}, "steps[0]: missing 'name'"),
        ({"name": "w", "steps": [{"name": "a", "toool": "calculator"}]}, "steps[0]: unknown key 'toool'"),
        ({"name": "w", "steps": [{"name": "a", "type": "magic"}]}, "unknown step type 'magic'"),
        ({"name": "w", "steps": [{"name": "a", "tool": 3}]}, "'tool' must be str, got int"),
        ({"name": "w", "steps": [{"name": "a", "tool": "nope"}]}, "unknown tool(s) nope"),
        (
            {"name": "w", "steps": [{"name": "a", "type": "parallel", "steps": [{"name": "b", "toool": 1}]}]},
            "steps[0] (a).steps[0]: unknown key 'toool'",
        ),
        (
            {"name": "w", "steps": [{"name": "a", "type": "conditional", "if": {"op": "eq"}, "then": []}]},
            "steps[0] (a).if: a condition needs 'left'",
        ),
        (
            {
                "name": "w",
                "steps": [{"name": "a", "type": "loop", "steps": [{"name": "b", "tool": "calculator"}]}],
            },
            "steps[0] (a): loop 'a' needs exactly one of",
        ),
        (
            {
                "name": "w",
                "steps": [
                    {
                        "name": "a",
                        "type": "parallel",
                        "threads": 1,
                        "steps": [{"name": "b", "tool": "calculator"}],
                    }
                ],
            },
            "'threads' must be bool, got int",
        ),
        (
            {
                "name": "w",
                "steps": [{"name": "a", "tool": "calculator"}, {"name": "a", "tool": "calculator"}],
            },
            "two steps are called 'a'",
        ),
    ],
)
def test_description_mistakes_are_reported_with_their_place(spec: Any, message: str) -> None:
    with pytest.raises(
        WorkflowDefinitionError
    ) as error:  # SpecError, or a structural error from the workflow
        BRIDGE.build(spec)
    assert message in str(error.value)
