"""``critbench bisect``'s lines: the search's header, one line per step, and the answer."""

from __future__ import annotations

from collections.abc import Sequence

from critbench.model import BisectStep
from critbench.report import _format as fmt
from critbench.report._terminal import Style

_SUBJECT_WIDTH = 48


def _subject(text: str) -> str:
    text = fmt.printable(text)
    return text if len(text) <= _SUBJECT_WIDTH else text[: _SUBJECT_WIDTH - 1] + "…"


def render_bisect_header(benchmark_id: str, good: str, bad: str, count: int, most_steps: int) -> str:
    return (
        f"Bisecting {fmt.printable(benchmark_id)}: {count} commits after GOOD {fmt.printable(good)} up to BAD "
        f"{fmt.printable(bad)}, each measured side by side with GOOD (about {most_steps} steps)\n"
    )


def render_bisect_step(number: int, step: BisectStep, threshold: float | None, style: Style) -> str:
    """``step 2  1a2b3c4d5e  +10.12% [+9.80% +10.41%]  changed    Subject``."""
    head = f"step {number:<2} {step.commit[:10]}  "
    change = step.change
    if change is None:
        return head + style.yellow(f"skipped: {fmt.printable(step.skipped or 'not measured')}") + "\n"
    interval = (
        f"{fmt.change(change.point).strip():>8} [{fmt.change(change.lower).strip()} {fmt.change(change.upper).strip()}]"
    )
    verdict = style.red("changed  ") if step.changed else style.green("unchanged")
    line = f"{head}{interval:<30} {verdict}  {_subject(step.subject)}"
    if threshold is not None and number == 1:
        line += f"  (BAD; threshold ±{fmt.percent(threshold).strip()})"
    return line + "\n"


def render_bisect_irregular(irregular: Sequence[tuple[BisectStep, str]], style: Style) -> str:
    """A non-monotonic history, said and not hidden."""
    if not irregular:
        return ""
    lines = [
        style.yellow(
            "Not monotonic: the change did not happen in one commit, so the answer below is where it first "
            "crossed the threshold among the commits measured:"
        )
    ]
    lines += [
        f"  {step.commit[:10]} {fmt.change(step.change.point if step.change else 0.0).strip()} from GOOD: {why}"
        for step, why in irregular
    ]
    return "".join(line + "\n" for line in lines)


def render_bisect_answer(commit: str, subject: str) -> str:
    return f"first changed commit: {commit} {fmt.printable(subject)}\n"


def render_bisect_candidates(steps: Sequence[tuple[str, str]]) -> str:
    """The commits the first change may be, when skipped steps leave more than one."""
    lines = ["The first change is in one of these commits (the others between could not be measured):"]
    lines += [f"  {commit} {fmt.printable(subject)}" for commit, subject in steps]
    return "".join(line + "\n" for line in lines)
