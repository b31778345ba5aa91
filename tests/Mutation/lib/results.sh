# shellcheck shell=bash
# The bookkeeping of a mutation run: mutant ids, result records, the score, the equivalent list, the history.
#
# A result record is one TSV line:
#   ID  FILE  LINE  OPERATOR  STATUS  TESTS  DETAIL  SECONDS  MUTATED
# STATUS is one of
#   killed      a test failed on the mutant
#   timeout     the tests did not end within the mutant's time limit (counted as detected, as Stryker and PIT do)
#   survived    every test that executes the line passed on the mutant
#   uncovered   no test executes the line (counted as not detected)
#   equivalent  listed in the equivalent list (the mutant behaves as the original; not counted)
#   invalid     the mutant is not valid bash (bash -n), never run (not counted)
#   error       the test run failed without a failed test (harness trouble; not counted, reported)
# TESTS is how many tests ran (or executed the line, for uncovered: 0), DETAIL the killing test or the reason.

# mutation_id FILE ORIGINAL MUTATED: a stable id (it does not change when other lines move).
mutation_id() {
    printf '%s\n%s\n%s\n' "$1" "$2" "$3" | sha1sum | cut -c1-10
}

# mutation_record ID FILE LINE OP STATUS TESTS DETAIL SECONDS MUTATED: one result record (tabs in fields become
# spaces, so that a record stays one line of nine fields).
mutation_record() {
    local f out=""
    for f in "$@"; do
        f="${f//$'\t'/ }"
        f="${f//$'\n'/ }"
        out+="${out:+$'\t'}$f"
    done
    printf '%s\n' "$out"
}

# mutation_score RESULTS: "killed timeout survived uncovered equivalent invalid error score" for a results file;
# score = (killed + timeout) / (killed + timeout + survived + uncovered) in percent with one decimal ("-" when
# nothing counts).
mutation_score() {
    awk -F '\t' '
        { n[$5]++ }
        END {
            k = n["killed"] + 0; t = n["timeout"] + 0; s = n["survived"] + 0; u = n["uncovered"] + 0
            d = k + t + s + u
            score = (d == 0) ? "-" : sprintf("%.1f", 100 * (k + t) / d)
            printf "%d %d %d %d %d %d %d %s\n", k, t, s, u, n["equivalent"] + 0, n["invalid"] + 0, n["error"] + 0, score
        }' "$1"
}

# mutation_equivalent_reason LIST ID: prints the reason LIST (ID<TAB>WHERE<TAB>OPERATOR<TAB>REASON, # comments)
# gives for ID; fails when ID is not listed.
mutation_equivalent_reason() {
    local list="$1" id="$2"
    [[ -f "$list" ]] || return 1
    awk -F '\t' -v id="$id" '$1 == id { print $4; found = 1; exit } END { exit !found }' "$list"
}

# mutation_history_line STAMP COMMIT SEED MODE SELECTED RESULTS COVERED CODE_LINES: one line of the score's
# history: when, what, how many, the counts, the score and the line coverage.
mutation_history_line() {
    local stamp="$1" commit="$2" seed="$3" mode="$4" selected="$5" results="$6" covered="$7" lines="$8"
    local k t s u e i r score cov
    read -r k t s u e i r score < <(mutation_score "$results")
    cov="$(awk -v c="$covered" -v l="$lines" 'BEGIN { if (l == 0) print "-"; else printf "%.1f", 100 * c / l }')"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$stamp" "$commit" "$seed" "$mode" "$selected" "$k" "$t" "$s" "$u" "$e" "$i" "$r" "$score" "$covered/$lines" "$cov"
}

# shellcheck disable=SC2034 # used by mutate.sh
MUTATION_HISTORY_HEADER=$'date\tcommit\tseed\tmode\tmutants\tkilled\ttimeout\tsurvived\tuncovered\tequivalent\tinvalid\terror\tscore%\tlines covered\tcoverage%'

# mutation_select_tests SEED MAX: the tests to run for a line (names on stdin, tab-separated, from
# mutation_line_tests), at most MAX: in an order drawn from SEED (a number; mutate.sh takes it from the mutant's id),
# one test of each test class first, so that the few tests run are as different as the line's tests allow; "?"
# (a call whose test is unknown) is left out. Prints one test per line.
mutation_select_tests() {
    local seed="$1" max="$2"
    tr '\t' '\n' | grep -v -x -e '?' -e '-' -e '' | sort -u |
        awk -v seed="$seed" -v max="$max" '
            BEGIN { srand(seed) }
            { name[NR] = $0; key[NR] = rand() }
            END {
                n = NR
                for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++)
                    if (key[j] < key[i]) { t = key[i]; key[i] = key[j]; key[j] = t; t = name[i]; name[i] = name[j]; name[j] = t }
                for (i = 1; i <= n && picked < max; i++) {
                    class = name[i]; sub(/\(.*$/, "", class); sub(/\.[^.]*$/, "", class)
                    if (!(class in seen)) { seen[class] = 1; took[i] = 1; print name[i]; picked++ }
                }
                for (i = 1; i <= n && picked < max; i++) if (!(i in took)) { print name[i]; picked++ }
            }'
}

# mutation_filter TEST...: a dotnet test filter running exactly those tests (full names, a test case with its
# arguments; the filter's special characters escaped with a backslash; a comma is not one: vstest rejects "\,").
mutation_filter() {
    local t out="" c e
    for t in "$@"; do
        e=""
        while [[ -n "$t" ]]; do
            c="${t:0:1}"
            t="${t:1}"
            case "$c" in
                '\' | '(' | ')' | '&' | '|' | '=' | '!' | '~') e+="\\$c" ;;
                *) e+="$c" ;;
            esac
        done
        out+="${out:+|}FullyQualifiedName=$e"
    done
    printf 'Category=Netns&(%s)\n' "$out"
}
