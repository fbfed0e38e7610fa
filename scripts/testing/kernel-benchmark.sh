#!/usr/bin/env bash
# Run the llmspell example workspace's benchmarks with critbench: list them, save baselines, compare.
# Results go to target/criterion/ (one folder per saved baseline), the HTML report to
# target/criterion/report/index.html. Sets up .venv on first use (needs only Python 3.11+).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORKSPACE="$REPO_ROOT/examples/llmspell"
OUTPUT_DIR="target/criterion"

if [[ -t 1 ]]; then
    RED=$'\033[0;31m'; GREEN=$'\033[0;32m'; YELLOW=$'\033[1;33m'; BLUE=$'\033[0;34m'; NC=$'\033[0m'
else
    RED=""; GREEN=""; YELLOW=""; BLUE=""; NC=""
fi

usage() {
    cat <<USAGE
Usage: $(basename "$0") [OPTIONS] [BENCHMARK_NAME] [-- HARNESS-ARGS]

Run llmspell benchmarks with critbench (Criterion-grade statistics for Python).

OPTIONS:
  -p, --package PACKAGE    Run benchmarks for specific package
  -b, --baseline NAME      Save results as baseline NAME
  -c, --compare BASELINE   Compare against saved BASELINE
  -l, --list              List available benchmarks
  -h, --help              Show help message
  -v, --verbose           Show detailed output (extra statistics, exact iteration counts)

BENCHMARK_NAME is a bench target (e.g. kernel_performance). Arguments after -- go to the benchmark
harness, with Criterion's names: a FILTER regex, --sample-size N, --warm-up-time S, --measurement-time S,
--quick, --exact, ...

EXAMPLES:
  $(basename "$0") --list                                  # packages, benchmarks, targets, baselines
  $(basename "$0")                                         # run all benchmarks
  $(basename "$0") -p llmspell-kernel                      # run kernel benchmarks only
  $(basename "$0") -p llmspell-kernel kernel_performance   # one bench target
  $(basename "$0") -b phase10-final                        # save a baseline
  $(basename "$0") -c phase10-final                        # compare; exit 1 on a regression
  $(basename "$0") -p llmspell-kernel kernel_performance -- --bench startup
  $(basename "$0") -p llmspell-kernel -- --warm-up-time 5

Baselines are stored in $OUTPUT_DIR/<baseline-name>/; list them with:
  ls -1 $OUTPUT_DIR/ | grep -v "^report\$"
HTML report: $OUTPUT_DIR/report/index.html
USAGE
}

die() {
    echo "${RED}Error:${NC} $*" >&2
    exit 2
}

PACKAGE=""
SAVE_BASELINE=""
COMPARE_BASELINE=""
LIST=0
VERBOSE=0
BENCHMARK_NAME=""
HARNESS_ARGS=()

while [[ $# -gt 0 ]]; do
    case "$1" in
        -p|--package)
            [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a package name (see --list)"
            PACKAGE="$2"; shift 2 ;;
        -b|--baseline)
            [[ $# -ge 2 && -n "$2" ]] || die "$1 needs a baseline name"
            SAVE_BASELINE="$2"; shift 2 ;;
        -c|--compare)
            [[ $# -ge 2 && -n "$2" ]] || die "$1 needs the name of a saved baseline"
            COMPARE_BASELINE="$2"; shift 2 ;;
        -l|--list) LIST=1; shift ;;
        -h|--help) usage; exit 0 ;;
        -v|--verbose) VERBOSE=1; shift ;;
        --) shift; HARNESS_ARGS=("$@"); break ;;
        -*) die "unknown option '$1' (see --help)" ;;
        *)
            [[ -z "$BENCHMARK_NAME" ]] || die "only one BENCHMARK_NAME may be given ('$BENCHMARK_NAME' and '$1')"
            BENCHMARK_NAME="$1"; shift ;;
    esac
done

valid_name() { [[ "$1" =~ ^[A-Za-z0-9_-]+$ ]]; }
if [[ -n "$SAVE_BASELINE" && -n "$COMPARE_BASELINE" ]]; then
    die "-b/--baseline (save) and -c/--compare cannot be used together: save first, then compare in a later run"
fi
for name in "$SAVE_BASELINE" "$COMPARE_BASELINE"; do
    if [[ -n "$name" ]] && ! valid_name "$name"; then
        die "invalid baseline name '$name': use only letters, digits, '-' and '_' (e.g. phase10-final)"
    fi
done

cd "$REPO_ROOT"
CRITBENCH="$REPO_ROOT/.venv/bin/critbench"
if [[ ! -x "$CRITBENCH" ]] || ! "$REPO_ROOT/.venv/bin/python" -c "import critbench" 2>/dev/null; then
    echo "${BLUE}Setting up critbench in .venv (first use) ...${NC}" >&2
    python3 "$REPO_ROOT/dev.py" setup >&2
fi

COMMON=(--workspace "$WORKSPACE" --output-dir "$OUTPUT_DIR")

if [[ $LIST -eq 1 ]]; then
    args=(list)
    [[ -n "$PACKAGE" ]] && args+=(-p "$PACKAGE")
    [[ -n "$BENCHMARK_NAME" ]] && args+=("$BENCHMARK_NAME")
    exec "$CRITBENCH" "${COMMON[@]}" "${args[@]}"
fi

args=(run)
[[ -n "$PACKAGE" ]] && args+=(-p "$PACKAGE")
[[ -n "$BENCHMARK_NAME" ]] && args+=("$BENCHMARK_NAME")
[[ -n "$SAVE_BASELINE" ]] && args+=(--save-baseline "$SAVE_BASELINE")
[[ -n "$COMPARE_BASELINE" ]] && args+=(--baseline "$COMPARE_BASELINE")
[[ $VERBOSE -eq 1 ]] && args+=(--verbose)
if [[ -t 1 ]]; then args+=(--color always); else args+=(--color never); fi

what="all benchmarks"
[[ -n "$PACKAGE" ]] && what="$PACKAGE"
[[ -n "$BENCHMARK_NAME" ]] && what="$what :: $BENCHMARK_NAME"
echo "${BLUE}Running $what${NC}${COMPARE_BASELINE:+ (comparing against '$COMPARE_BASELINE')}${SAVE_BASELINE:+ (saving as '$SAVE_BASELINE')}" >&2

status=0
"$CRITBENCH" "${COMMON[@]}" "${args[@]}" -- "${HARNESS_ARGS[@]}" || status=$?

case $status in
    0)
        if [[ -n "$COMPARE_BASELINE" ]]; then
            echo "${GREEN}✓ No regressions against '$COMPARE_BASELINE'${NC}" >&2
        fi
        [[ -n "$SAVE_BASELINE" ]] && echo "${GREEN}✓ Baseline saved: $OUTPUT_DIR/$SAVE_BASELINE/${NC}" >&2
        ;;
    1) echo "${RED}✗ Performance regression detected against '$COMPARE_BASELINE' (see the summary above)${NC}" >&2 ;;
    2) ;;  # critbench already said what was wrong with the input
    3) echo "${YELLOW}⚠ Some benchmarks failed to run (see above)${NC}" >&2 ;;
esac
if [[ -f "$OUTPUT_DIR/report/index.html" ]]; then
    echo "HTML report: $OUTPUT_DIR/report/index.html" >&2
fi
exit $status
