"""llmspell-workflows: sequential, parallel, conditional and loop workflows over llmspell tools.

::

    flow = Workflow("greet", Sequential("main", [
        ToolStep("name", "text_case", {"text": "${input.who}", "style": "title"}),
        ToolStep("greeting", "text_template", {"template": "Hello, $who!", "values": {"who": "${name}"}}),
    ]))
    result = await flow.run(default_registry(), {"who": "ada lovelace"})
"""

from llmspell_workflows._conditions import OPERATORS, Condition, Predicate
from llmspell_workflows._context import UnresolvedReference, WorkflowContext, WorkflowError
from llmspell_workflows._nodes import Conditional, Loop, Node, Parallel, Sequential, ToolStep
from llmspell_workflows._workflow import Workflow, WorkflowDefinitionError, WorkflowResult

__all__ = [
    "OPERATORS",
    "Condition",
    "Conditional",
    "Loop",
    "Node",
    "Parallel",
    "Predicate",
    "Sequential",
    "ToolStep",
    "UnresolvedReference",
    "Workflow",
    "WorkflowContext",
    "WorkflowDefinitionError",
    "WorkflowError",
    "WorkflowResult",
]
