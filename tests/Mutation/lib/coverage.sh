# shellcheck shell=bash
# Line coverage of the plugin's source from the traces its direct-mode calls write (layout.sh): each trace file
# starts with "#test NAME" (the test that made the call, "?" when unknown) and holds xtrace lines whose PS4 is
# "+@@FILE:LINE@@ ".

# mutation_coverage_pairs TRACE_DIR SRC_PREFIX: prints "REL:LINE<TAB>TEST" once per pair, for the files under
# SRC_PREFIX (REL: the path below it, as in src/Plugin/source/).
mutation_coverage_pairs() {
    local dir="$1" prefix="$2"
    find "$dir" -maxdepth 1 -name '*.trace' -print0 |
        xargs -0 -r awk -v prefix="$prefix/" '
            FNR == 1 { test = ($1 == "#test") ? substr($0, 7) : "?" }
            {
                line = $0
                while (match(line, /@@[^@]+:[0-9]+@@/)) {
                    loc = substr(line, RSTART + 2, RLENGTH - 4)
                    line = substr(line, RSTART + RLENGTH)
                    if (index(loc, prefix) != 1) continue
                    key = substr(loc, length(prefix) + 1) "\t" test
                    if (!(key in seen)) { seen[key] = 1; print key }
                }
            }' | sort -u
}

# mutation_code_lines TREE: prints "REL:LINE" for every line of TREE's *.sh and cmd/*.sh that holds code (see
# mutation_is_code in operators.sh), each with the first line of the command it belongs to: "REL:LINE<TAB>REL:FIRST"
# (a command that spans lines is traced at one of them; all its lines share FIRST).
mutation_code_lines() {
    local tree="$1" f rel n line first cont
    for f in "$tree"/*.sh "$tree"/cmd/*.sh; do
        [[ -f "$f" ]] || continue
        rel="${f#"$tree"/}"
        n=0
        cont=0
        first=0
        while IFS= read -r line || [[ -n "$line" ]]; do
            n=$(( n + 1 ))
            (( cont )) || first=$n
            if mutation_is_code "$line"; then
                printf '%s:%s\t%s:%s\n' "$rel" "$n" "$rel" "$first"
            fi
            # A command goes on after a trailing \, &&, || or |, and an array assignment "X=(" up to its ")".
            if (( cont == 2 )); then
                [[ "$line" =~ ^[[:space:]]*\)[[:space:]]*$ ]] && cont=0
            elif [[ "$line" =~ =\($ ]]; then
                cont=2
            elif [[ "$line" =~ (\\|\&\&|\|\||\|)[[:space:]]*$ ]]; then
                cont=1
            else
                cont=0
            fi
        done < "$f"
    done
}

# mutation_line_tests PAIRS CODE_LINES: prints "REL:LINE<TAB>TEST" for every code line, with every test that
# executed it or any line of its command ("-" when none did: the line is uncovered).
mutation_line_tests() {
    local pairs="$1" lines="$2"
    awk -F '\t' '
        NR == FNR { split($1, a, ":"); tests[a[1] ":" a[2]] = tests[a[1] ":" a[2]] "\n" $2; next }
        { group[$2] = group[$2] " " $1; order[++n] = $1; first[$1] = $2 }
        END {
            for (i = 1; i <= n; i++) {
                l = order[i]; split(group[first[l]], members, " "); out = ""
                delete have
                for (m in members) {
                    k = split(tests[members[m]], t, "\n")
                    for (j = 2; j <= k; j++) if (!(t[j] in have)) { have[t[j]] = 1; out = out "\t" t[j] }
                }
                if (out == "") print l "\t-"; else print l out
            }
        }' "$pairs" "$lines"
}
