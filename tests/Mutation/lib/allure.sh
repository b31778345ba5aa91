# shellcheck shell=bash
# Allure results of a mutation run, in the format the harness writes (tests/Harness/Reporting): one result per
# mutant (parentSuite "Mutate", suite the source file, subSuite the operator) and one for the run's score and
# line coverage, each with its attachments beside it in the results directory.

# _mutation_allure_attach DIR NAME TEXT MIME EXT: writes an attachment file, prints its JSON entry.
_mutation_allure_attach() {
    local dir="$1" name="$2" text="$3" mime="$4" ext="$5" source
    source="$(cat /proc/sys/kernel/random/uuid)-attachment.$ext"
    printf '%s' "$text" > "$dir/$source"
    jq -n -c --arg name "$name" --arg source "$source" --arg type "$mime" '{name: $name, source: $source, type: $type}'
}

# _mutation_allure_result DIR FULLNAME NAME STATUS MESSAGE SUITE SUBSUITE ATTACHMENTS_JSON: one result file.
_mutation_allure_result() {
    local dir="$1" full="$2" name="$3" status="$4" message="$5" suite="$6" sub="$7" attachments="$8" uuid now hid
    uuid="$(cat /proc/sys/kernel/random/uuid)"
    now="$(date +%s%3N)"
    hid="$(printf '%s' "$full" | md5sum | cut -c1-32)"
    jq -n --arg uuid "$uuid" --arg full "$full" --arg name "$name" --arg status "$status" --arg message "$message" \
        --arg suite "$suite" --arg sub "$sub" --arg hid "$hid" --argjson now "$now" --argjson att "$attachments" '{
            uuid: $uuid, historyId: $hid, testCaseId: $hid, fullName: $full, name: $name,
            titlePath: ["Mutate", $suite, $sub],
            labels: [{name: "parentSuite", value: "Mutate"}, {name: "suite", value: $suite}, {name: "subSuite", value: $sub},
                     {name: "layer", value: "Mutate"}, {name: "epic", value: "Mutation testing"}, {name: "feature", value: $suite},
                     {name: "framework", value: "mutate.sh"}, {name: "language", value: "bash"}],
            links: [], status: $status, statusDetails: {message: $message}, stage: "finished",
            start: $now, stop: $now, attachments: $att, parameters: [], steps: []
        }' > "$dir/$uuid-result.json"
}

# mutation_allure_write DIR RESULTS SRC LINE_TESTS SCORE COUNTS COVERED CODE_LINES UNCOVERED_FILE MODE SEED
mutation_allure_write() {
    local dir="$1" results="$2" src="$3" line_tests="$4" score="$5" counts="$6" covered="$7" lines="$8"
    local uncovered="$9" mode="${10}" seed="${11}"
    local id f n op status ntests detail secs mutated allure message diff tests att cov
    mkdir -p -- "$dir"
    while IFS=$'\t' read -r id f n op status ntests detail secs mutated; do
        case "$status" in
            killed | timeout) allure=passed ;;
            survived | uncovered) allure=failed ;;
            equivalent) allure=skipped ;;
            error) allure=broken ;;
            *) continue ;;
        esac
        diff="$(printf -- '--- source/%s:%s\n-%s\n+%s\n' "$f" "$n" "$(sed -n "${n}p" "$src/$f")" "$mutated")"
        tests="$(awk -F '\t' -v l="$f:$n" '$1 == l { sub(/^[^\t]*\t/, ""); gsub(/\t/, "\n"); print; exit }' "$line_tests")"
        case "$status" in
            killed) message="killed by $detail ($ntests tests run, $secs s)" ;;
            timeout) message="the tests did not end in time: $detail" ;;
            survived) message="survived $ntests tests that execute the line: $detail" ;;
            uncovered) message="no netns test executes source/$f:$n" ;;
            equivalent) message="equivalent: $detail" ;;
            *) message="$detail" ;;
        esac
        att="[$(_mutation_allure_attach "$dir" diff "$diff" text/x-diff diff),$(_mutation_allure_attach "$dir" "tests that execute the line" "$tests" text/plain txt)]"
        _mutation_allure_result "$dir" "Mutate.$f.$id" "$id $f:$n $op ($status)" "$allure" "$message" "$f" "$op" "$att"
    done < "$results"
    cov="$(awk -v c="$covered" -v l="$lines" 'BEGIN { if (l == 0) print "-"; else printf "%.1f", 100 * c / l }')"
    read -r k t s u e i r <<<"$counts"
    message="mutation score $score% ($mode, seed $seed): killed $k, timeout $t, survived $s, uncovered $u; equivalent $e, invalid $i, error $r. Line coverage of src/Plugin/source/ under the netns layer: $covered of $lines code lines ($cov%)."
    att="[$(_mutation_allure_attach "$dir" "mutants" "$(cat "$results")" text/tab-separated-values tsv),$(_mutation_allure_attach "$dir" "uncovered lines" "$(cat "$uncovered")" text/plain txt)]"
    _mutation_allure_result "$dir" "Mutate.Summary" "Mutation score $score%, line coverage $cov%" passed "$message" Summary score "$att"
}
