#!/bin/bash
# mutate.sh [--sample N] [--seed S] [--full] [--max-tests K] [--budget-minutes M] [--coverage-only] [--fresh-coverage]
#           [--results-of bench/mutation/runs/STAMP.tsv]   (only step 4 again, for an earlier run)
# Mutation testing of the plugin's source (src/Plugin/source/) against the netns layer. Needs root (the netns
# layer's sandbox) and the built harness ($BASHCNI_ARTIFACTS/bin/Netns/release). ./run-tests.sh mutate runs it.
#
#   1. coverage: the netns layer (without its self-test) runs the plugin in direct mode with an xtrace of every
#      call (lib/layout.sh); every code line of source/ gets the tests that executed it (lib/coverage.sh). The
#      coverage is kept (artifacts/mutation/coverage) and reused while source/ and the harness are unchanged.
#   2. mutants: every mutant of every code line (lib/operators.sh); a seeded sample of N (default 60, seed
#      default: today's date), or all with --full.
#   3. each mutant, in seeded order until the budget (default 20 minutes; none with --full) is spent: uncovered
#      when no test executes its line, equivalent when tests/Mutation/equivalent.tsv lists it, invalid when bash -n
#      rejects it; else it is built into a plugin directory and at most K (default 3) of the tests that executed
#      its line, drawn from the mutant's id and from different test classes first, run against it (BASHCNI_PLUGIN_DIR) under nice -n 10, stopping at the
#      first failure: killed, survived, or timeout (3 minutes plus 2 per test).
#   4. results: bench/mutation/runs/STAMP.tsv (every mutant), bench/mutation/history.tsv (one line per run: the
#      score's history), bench/mutation/runs/STAMP-survivors.md (each survivor: diff, line, tests that executed
#      it), bench/mutation/coverage-uncovered.txt; Allure results (one per mutant, and the run's summary) in
#      $ALLURE_RESULTS_DIR (default allure-results/).
set -euo pipefail
export LC_ALL=C

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd -- "$HERE/../.." && pwd)"
# shellcheck source=lib/layout.sh
source "$HERE/lib/layout.sh"
# shellcheck source=lib/operators.sh
source "$HERE/lib/operators.sh"
# shellcheck source=lib/coverage.sh
source "$HERE/lib/coverage.sh"
# shellcheck source=lib/results.sh
source "$HERE/lib/results.sh"
# shellcheck source=lib/allure.sh
source "$HERE/lib/allure.sh"

SRC="$REPO/src/Plugin/source"
ARTIFACTS="${BASHCNI_ARTIFACTS:-$REPO/artifacts}"
DLL="$ARTIFACTS/bin/Netns/release/BashCni.Tests.Netns.dll"
WORK="$ARTIFACTS/mutation"
OUT="$REPO/bench/mutation"
EQUIVALENT="$HERE/equivalent.tsv"

say() { printf 'mutate: %s\n' "$*" >&2; }
die() { say "$1"; exit 2; }

SAMPLE=60
SEED="$(date -u +%Y%m%d)"
FULL=0
MAX_TESTS=3
BUDGET_MIN=20
COVERAGE_ONLY=0
FRESH=0
RESULTS_OF=""
while (( $# )); do
    case "$1" in
        --sample) SAMPLE="$2"; shift ;;
        --seed) SEED="$2"; shift ;;
        --full) FULL=1 ;;
        --max-tests) MAX_TESTS="$2"; shift ;;
        --budget-minutes) BUDGET_MIN="$2"; shift ;;
        --coverage-only) COVERAGE_ONLY=1 ;;
        --fresh-coverage) FRESH=1 ;;
        --results-of) RESULTS_OF="$2"; shift ;;
        -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
        *) die "unknown option $1 (see --help)" ;;
    esac
    shift
done
[[ "$SAMPLE" =~ ^[0-9]+$ && "$SEED" =~ ^[0-9]+$ && "$MAX_TESTS" =~ ^[1-9][0-9]*$ && "$BUDGET_MIN" =~ ^[0-9]+$ ]] ||
    die "--sample, --seed, --budget-minutes take a number, --max-tests one above 0"
(( FULL == 0 )) || BUDGET_MIN=0
[[ "$(id -u)" == 0 ]] || die "needs root (the netns layer builds its network sandbox)"
[[ -f "$DLL" ]] || die "$DLL is not built (dotnet build BashCni.sln -c Release)"

# run_netns PLUGIN_DIR FILTER RUN_DIR LIMIT_SECONDS: the netns tests matching FILTER against PLUGIN_DIR, in their own
# process group (stopped as a whole at the limit); RUN_DIR gets the TRX, state and temporary files. Prints
# "passed", "failed TEST..." , "timeout" or "error RC".
run_netns() {
    local plugin="$1" filter="$2" dir="$3" limit="$4" pid rc=0 start failed
    mkdir -p -- "$dir/state" "$dir/tmp" "$dir/trx" "$dir/allure"
    start=$SECONDS
    BASHCNI_PLUGIN_DIR="$plugin" BASHCNI_LAYER_STATE="$dir/state" BASHCNI_RUN_TMP="$dir/tmp" TMPDIR="$dir/tmp" \
        ALLURE_RESULTS_DIR="$dir/allure" BASHCNI_TRACE_TESTS="${TRACE_TESTS:-}" \
        setsid nice -n 10 dotnet test "$DLL" --nologo --filter "$filter" --logger "trx;LogFileName=run.trx" \
        --results-directory "$dir/trx" > "$dir/console.log" 2>&1 &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        if (( limit > 0 && SECONDS - start > limit )); then
            kill -TERM -- "-$pid" 2>/dev/null || true
            sleep 5
            kill -KILL -- "-$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
            # A test that failed before the limit killed the mutant, whatever hung after it.
            failed="$(sed -n -E 's/^  Failed ([^ ]+) \[.*$/\1/p' "$dir/console.log" | head -n 3 | paste -sd ' ' || true)"
            if [[ -n "$failed" ]]; then printf 'failed %s\n' "$failed"; else printf 'timeout\n'; fi
            return 0
        fi
        sleep 1
    done
    wait "$pid" || rc=$?
    if (( rc == 0 )); then
        printf 'passed\n'
        return 0
    fi
    failed="$(grep -o -h '<UnitTestResult [^>]*outcome="Failed"' "$dir"/trx/*.trx 2>/dev/null |
        sed -n -E 's/.*testName="([^"]*)".*/\1/p' | head -n 3 | paste -sd ' ' || true)"
    if [[ -n "$failed" ]]; then printf 'failed %s\n' "$failed"; else printf 'error %s\n' "$rc"; fi
}

# --- 1. coverage -------------------------------------------------------------------------------------------
COV="$WORK/coverage"
# Keyed on the harness's sources, not its DLL: a build that changes nothing still writes a different DLL.
cov_key="$( (cd "$SRC" && find . -type f -name '*.sh' -print0 | sort -z | xargs -0 sha1sum
    cd "$REPO" && find tests/Netns tests/Harness -type f -name '*.cs' -print0 | sort -z | xargs -0 sha1sum
    sha1sum "$HERE/lib/layout.sh") | sha1sum | cut -c1-16)"
if (( FRESH )) || [[ "$(cat "$COV/key" 2>/dev/null)" != "$cov_key" ]]; then
    say "coverage: the netns layer against the plugin in direct mode with traces (about 10 minutes)"
    rm -rf -- "$COV"
    mkdir -p -- "$COV/trace"
    chmod 0777 "$COV/trace"
    mutation_make_plugin_dir "$SRC" "$COV/plugin" "$COV/trace"
    result="$(TRACE_TESTS=1 run_netns "$COV/plugin" 'Category=Netns&FullyQualifiedName!~SelfTest' "$COV/run" 0)"
    [[ "$result" == passed ]] || die "coverage: the netns layer did not pass on the unmutated plugin ($result; $COV/run/console.log)"
    mutation_coverage_pairs "$COV/trace" "$COV/plugin/src" > "$COV/pairs.tsv"
    rm -rf -- "$COV/trace"
    printf '%s\n' "$cov_key" > "$COV/key"
else
    say "coverage: reusing $COV (source/ and the harness unchanged)"
fi
mutation_code_lines "$SRC" > "$COV/lines.tsv"
mutation_line_tests "$COV/pairs.tsv" "$COV/lines.tsv" > "$COV/line-tests.tsv"
cut -f2 "$COV/pairs.tsv" | sort | uniq -c | awk '{ n = $1; $1 = ""; printf "%d\t%s\n", n, substr($0, 2) }' > "$COV/test-sizes.tsv"
CODE_LINES="$(wc -l < "$COV/line-tests.tsv")"
COVERED="$(awk -F '\t' '$2 != "-"' "$COV/line-tests.tsv" | wc -l)"
mkdir -p -- "$OUT/runs"
{
    printf '# Lines of src/Plugin/source/ no netns test executes (%s of %s code lines)\n' "$(( CODE_LINES - COVERED ))" "$CODE_LINES"
    awk -F '\t' '$2 == "-" { print $1 }' "$COV/line-tests.tsv" | while IFS=: read -r f n; do
        printf '%s:%s: %s\n' "$f" "$n" "$(sed -n "${n}p" "$SRC/$f")"
    done
} > "$OUT/coverage-uncovered.txt"
say "coverage: $COVERED of $CODE_LINES code lines executed by the netns layer; uncovered: bench/mutation/coverage-uncovered.txt"
(( COVERAGE_ONLY == 0 )) || exit 0

# --- 2. mutants ----------------------------------------------------------------------------------------------
ALL="$WORK/mutants.tsv"
# The mutants depend on source/ and the operators only: kept while both are unchanged (making them takes minutes).
mut_key="$( (cd "$SRC" && find . -type f -name '*.sh' -print0 | sort -z | xargs -0 sha1sum; sha1sum "$HERE/lib/operators.sh" "$HERE/lib/coverage.sh") | sha1sum | cut -c1-16)"
# mutation_all_mutants: "FILE<TAB>LINE<TAB>OPERATOR<TAB>MUTATED" for every mutant of every line of source/.
mutation_all_mutants() {
    local f rel n line op mutated rec
    local -a recs
    for f in "$SRC"/*.sh "$SRC"/cmd/*.sh; do
        rel="${f#"$SRC"/}"
        n=0
        while IFS= read -r line || [[ -n "$line" ]]; do
            n=$(( n + 1 ))
            mutation_is_code "$line" || continue
            mapfile -t recs < <(mutation_operators "$line")
            for rec in "${recs[@]}"; do
                op="${rec%%"$MUTATION_US"*}"
                mutated="${rec#*"$MUTATION_US"}"
                printf '%s\t%s\t%s\t%s\n' "$rel" "$n" "$op" "$mutated"
            done
        done < "$f"
    done
}
if [[ "$(cat "$ALL.key" 2>/dev/null)" != "$mut_key" ]]; then
    mutation_all_mutants > "$ALL"
    printf '%s\n' "$mut_key" > "$ALL.key"
fi
TOTAL="$(wc -l < "$ALL")"
SELECTED="$WORK/selected.tsv"
if (( FULL )); then
    MODE=full
    cp -- "$ALL" "$SELECTED"
else
    MODE="sample-$SAMPLE"
    shuf -n "$SAMPLE" --random-source=<(openssl enc -aes-256-ctr -pass "pass:$SEED" -nosalt </dev/zero 2>/dev/null) "$ALL" > "$SELECTED"
fi
# Ids (lib/results.sh: stable while other lines move) for the mutants that run.
while IFS=$'\t' read -r f n op mutated; do
    printf '%s\t%s\t%s\t%s\t%s\n' "$(mutation_id "$f" "$(sed -n "${n}p" "$SRC/$f")" "$mutated")" "$f" "$n" "$op" "$mutated"
done < "$SELECTED" > "$SELECTED.ids"
mv -- "$SELECTED.ids" "$SELECTED"
say "mutants: $TOTAL in all; running $(wc -l < "$SELECTED") ($MODE, seed $SEED, budget ${BUDGET_MIN} min, at most $MAX_TESTS tests each)"

# --- 3. run --------------------------------------------------------------------------------------------------
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RESULTS="$OUT/runs/$STAMP.tsv"
if [[ -n "$RESULTS_OF" ]]; then
    # Only step 4, for the results of an earlier run (its file name gives the stamp).
    RESULTS="$RESULTS_OF"
    STAMP="$(basename -- "$RESULTS" .tsv)"
    : > "$SELECTED"
else
    : > "$RESULTS"
fi
RUN_START=$SECONDS
i=0
while IFS=$'\t' read -r id f n op mutated; do
    i=$(( i + 1 ))
    if (( BUDGET_MIN > 0 && SECONDS - RUN_START > BUDGET_MIN * 60 )); then
        say "budget of $BUDGET_MIN minutes spent: $(( $(wc -l < "$SELECTED") - i + 1 )) mutants not run"
        break
    fi
    t0=$SECONDS
    tests_line="$(awk -F '\t' -v l="$f:$n" '$1 == l { sub(/^[^\t]*\t/, ""); print; exit }' "$COV/line-tests.tsv")"
    if [[ "$tests_line" == "-" ]]; then
        mutation_record "$id" "$f" "$n" "$op" uncovered 0 "no netns test executes the line" 0 "$mutated" >> "$RESULTS"
        continue
    fi
    if reason="$(mutation_equivalent_reason "$EQUIVALENT" "$id")"; then
        mutation_record "$id" "$f" "$n" "$op" equivalent 0 "$reason" 0 "$mutated" >> "$RESULTS"
        continue
    fi
    m="$WORK/m"
    rm -rf -- "$m"
    mkdir -p -- "$m/tree"
    cp -R -- "$SRC/." "$m/tree/"
    MUTATED="$mutated" awk -v n="$n" 'FNR == n { print ENVIRON["MUTATED"]; next } { print }' "$SRC/$f" > "$m/tree/$f"
    if ! bash -n "$m/tree/$f" 2>/dev/null; then
        mutation_record "$id" "$f" "$n" "$op" invalid 0 "bash -n rejects it" 0 "$mutated" >> "$RESULTS"
        continue
    fi
    mapfile -t tests < <(printf '%s\n' "$tests_line" | mutation_select_tests "$(( 16#${id:0:6} ))" "$MAX_TESTS")
    if (( ${#tests[@]} == 0 )); then
        # Executed only by calls whose test is unknown (scripts that run the plugin themselves): the fault tests.
        tests=(BashCni.Tests.Netns.Faults)
    fi
    mutation_make_plugin_dir "$m/tree" "$m/plugin"
    result="$(run_netns "$m/plugin" "$(mutation_filter "${tests[@]}")" "$m/run" $(( 180 + 120 * ${#tests[@]} )))"
    case "$result" in
        passed) status=survived; detail="${tests[*]}" ;;
        failed*) status=killed; detail="${result#failed }" ;;
        timeout) status=timeout; detail="${tests[*]}" ;;
        *) status=error; detail="$result (${tests[*]})"; cp -- "$m/run/console.log" "$WORK/error-$id.log" ;;
    esac
    mutation_record "$id" "$f" "$n" "$op" "$status" "${#tests[@]}" "$detail" "$(( SECONDS - t0 ))" "$mutated" >> "$RESULTS"
    say "[$i] $f:$n $op: $status ($(( SECONDS - t0 )) s)"
done < "$SELECTED"
rm -rf -- "$WORK/m"

# --- 4. results ----------------------------------------------------------------------------------------------
read -r K T S U E I R SCORE < <(mutation_score "$RESULTS")
COMMIT="$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || printf 'unknown')"
HISTORY="$OUT/history.tsv"
[[ -s "$HISTORY" ]] || printf '%s\n' "$MUTATION_HISTORY_HEADER" > "$HISTORY"
# One line per run: --results-of adds it only for a run that has none (one stopped before this step).
grep -q "^$STAMP"$'\t' "$HISTORY" || mutation_history_line "$STAMP" "$COMMIT" "$SEED" "$MODE" "$(wc -l < "$RESULTS")" "$RESULTS" "$COVERED" "$CODE_LINES" >> "$HISTORY"
SURVIVORS="$OUT/runs/$STAMP-survivors.md"
{
    printf '# Survivors of mutation run %s (%s, seed %s, commit %s)\n\n' "$STAMP" "$MODE" "$SEED" "$COMMIT"
    printf 'Score %s%% (killed %s, timeout %s, survived %s, uncovered %s; equivalent %s, invalid %s, error %s).\n' \
        "$SCORE" "$K" "$T" "$S" "$U" "$E" "$I" "$R"
    while IFS=$'\t' read -r id f n op status _ detail _ mutated; do
        [[ "$status" == survived || "$status" == uncovered ]] || continue
        printf '\n## %s `%s:%s` %s (%s)\n\n' "$id" "$f" "$n" "$op" "$status"
        printf '```diff\n-%s\n+%s\n```\n\n' "$(sed -n "${n}p" "$SRC/$f")" "$mutated"
        printf 'Tests that executed the line: '
        awk -F '\t' -v l="$f:$n" '$1 == l { sub(/^[^\t]*\t/, ""); gsub(/\t/, ", "); print; exit }' "$COV/line-tests.tsv"
        [[ "$status" != survived ]] || printf '\nRun against it: %s\n' "$detail"
    done < "$RESULTS"
} > "$SURVIVORS"
mutation_allure_write "${ALLURE_RESULTS_DIR:-$REPO/allure-results}" "$RESULTS" "$SRC" "$COV/line-tests.tsv" \
    "$SCORE" "$K $T $S $U $E $I $R" "$COVERED" "$CODE_LINES" "$OUT/coverage-uncovered.txt" "$MODE" "$SEED"
say "score ${SCORE}% (killed $K, timeout $T, survived $S, uncovered $U; equivalent $E, invalid $I, error $R);" \
    "line coverage $COVERED/$CODE_LINES; $RESULTS, $SURVIVORS, $HISTORY"
