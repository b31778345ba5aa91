# shellcheck shell=bash
# Mutation operators over one line of bash: each prints the mutants of a line, one per record,
# "OPERATOR<US>MUTATED LINE" (US = the unit separator, \x1f), one record for each place the operator applies.
# Operators are general (no knowledge of the plugin): a mutant is an ordinary one-line slip.
#
#   stmt-delete   the line's statement becomes ":" (a simple command on a line of its own)
#   negate-cond   "if X" / "elif X" / "while X" become "... ! X"; a line starting with [[ or (( is negated
#   cmp-swap      -lt<->-le, -gt<->-ge, -eq<->-ne, ==<->!=, and < <-> <=, > <-> >= inside (( ))
#   and-or        && <-> ||
#   off-by-one    an integer in arithmetic ((..)), $((..)), or after -lt/-le/-gt/-ge/-eq/-ne: N -> N+1 and N -> N-1
#   exit-code     return/exit N: 0 -> 1, any other -> 0; the code of cni_error N: N -> N+1
#   drop-quote    "$name" / "${...}" (a lone expansion in quotes) loses its quotes
#   drop-option   an option word (-x, --long) of a command is removed (not inside [[ ]])
#
# Only the code part of a line is mutated: a trailing " # comment" stays as it is. Comment lines, blank lines
# and lines that are only syntax (then, else, fi, do, done, esac, ;;, {, }, function headers) yield nothing.

MUTATION_US=$'\x1f'

# mutation_code_part LINE: the code of LINE without a trailing comment (" # ..." outside quotes).
mutation_code_part() {
    local line="$1" i c quote="" prev=" " out=""
    for (( i = 0; i < ${#line}; i++ )); do
        c="${line:i:1}"
        if [[ -z "$quote" ]]; then
            if [[ "$c" == "#" && "$prev" == " " ]]; then
                break
            fi
            [[ "$c" == "'" || "$c" == '"' ]] && quote="$c"
        elif [[ "$c" == "$quote" ]]; then
            quote=""
        elif [[ "$quote" == '"' && "$c" == "\\" ]]; then
            out+="$c"
            i=$(( i + 1 ))
            c="${line:i:1}"
        fi
        out+="$c"
        prev="$c"
    done
    # A trailing space before the comment belongs to the comment.
    while [[ "$out" == *" " && "${line:${#out}:2}" != "" && "$out" != "${line}" ]]; do
        out="${out% }"
    done
    printf '%s' "$out"
}

# mutation_is_code LINE: the line holds something to mutate (not a comment, blank or bare syntax).
mutation_is_code() {
    local t="$1"
    t="${t#"${t%%[![:space:]]*}"}"
    t="${t%"${t##*[![:space:]]}"}"
    [[ -n "$t" && "$t" != \#* ]] || return 1
    case "$t" in
        "then" | "else" | "fi" | "do" | "done" | "esac" | ";;" | "{" | "}" | ")" | "(" | "fi;" | "done;") return 1 ;;
    esac
    [[ ! "$t" =~ ^[a-zA-Z_][a-zA-Z0-9_]*\(\)\ *\{$ ]] || return 1
    # A case pattern alone on its line.
    [[ ! "$t" =~ ^[^[:space:]]+\)$ ]] || return 1
    return 0
}

# _mutation_emit OP ORIGINAL MUTATED: print one record unless the mutant is the original.
_mutation_emit() {
    [[ "$2" != "$3" ]] || return 0
    printf '%s%s%s\n' "$1" "$MUTATION_US" "$3"
}

# _mutation_each OP CODE REST PATTERN REPLACEMENT: one mutant per literal occurrence of PATTERN in CODE.
_mutation_each() {
    local op="$1" code="$2" rest="$3" pat="$4" rep="$5" head="" tail="$2"
    while [[ "$tail" == *"$pat"* ]]; do
        local before="${tail%%"$pat"*}"
        local after="${tail#*"$pat"}"
        _mutation_emit "$op" "$code$rest" "$head$before$rep$after$rest"
        head+="$before$pat"
        tail="$after"
    done
}

# _mutation_regex_each OP CODE REST REGEX FUNCTION: for each match of REGEX (group 1 = the part to change, as the
# whole match), FUNCTION MATCH prints the replacement (or nothing: no mutant).
_mutation_regex_each() {
    local op="$1" code="$2" rest="$3" re="$4" fn="$5" head="" tail="$2" m rep before
    local -a reps
    while [[ "$tail" =~ $re ]]; do
        m="${BASH_REMATCH[0]}"
        before="${tail%%"$m"*}"
        mapfile -t reps < <("$fn" "$m")
        for rep in "${reps[@]}"; do
            _mutation_emit "$op" "$code$rest" "$head$before$rep${tail#*"$m"}$rest"
        done
        head+="$before$m"
        tail="${tail#*"$m"}"
    done
}

_mutation_int_pm() {
    local lead="${1%%[0-9]*}" n="${1#"${1%%[0-9]*}"}"
    printf '%s\n' "$lead$(( 10#$n + 1 ))"
    (( 10#$n == 0 )) || printf '%s\n' "$lead$(( 10#$n - 1 ))"
}

_mutation_code_of() {
    case "$1" in
        0) printf '1\n' ;;
        *) printf '0\n' ;;
    esac
}

# mutation_operators LINE: every mutant of LINE.
mutation_operators() {
    local line="$1" code rest indent t
    mutation_is_code "$line" || return 0
    code="$(mutation_code_part "$line")"
    rest="${line:${#code}}"
    indent="${code%%[![:space:]]*}"
    t="${code#"$indent"}"

    # stmt-delete: a statement on a line of its own (not opening or continuing a compound or multi-line command).
    if [[ ! "$t" =~ ^(if|elif|while|until|for|case|select|function|local|declare|readonly|export|then|else|do|done|fi|esac|\}|\{|\;\;)([[:space:]]|$) ]] &&
        [[ ! "$t" =~ (\\|\{|\(|\||\&\&|\|\||\;\;|\)|do|then|in)$ ]] && [[ ! "$t" =~ ^[^\ \"\'\$]*\)$ ]] &&
        [[ ! "$t" =~ ^[^\ \"\'\$\(]+\) ]] && [[ "$t" != *"<<"* ]]; then
        _mutation_emit stmt-delete "$line" "$indent:"
    fi

    # negate-cond
    if [[ "$t" =~ ^(if|elif|while|until)\ (.*)$ ]] && [[ "${BASH_REMATCH[2]}" != "!"* ]]; then
        _mutation_emit negate-cond "$line" "$indent${BASH_REMATCH[1]} ! ${BASH_REMATCH[2]}$rest"
    elif [[ "$t" == "[["* || "$t" == "(("* ]]; then
        _mutation_emit negate-cond "$line" "$indent! $t$rest"
    fi

    # cmp-swap
    local a
    for a in "-lt:-le" "-le:-lt" "-gt:-ge" "-ge:-gt" "-eq:-ne" "-ne:-eq" "==:!=" "!=:=="; do
        _mutation_each cmp-swap "$code" "$rest" " ${a%%:*} " " ${a#*:} "
    done
    if [[ "$code" == *"(("* ]]; then
        for a in "<:<=" "<=:<" ">:>=" ">=:>"; do
            _mutation_each cmp-swap "$code" "$rest" " ${a%%:*} " " ${a#*:} "
        done
    fi

    # and-or
    _mutation_each and-or "$code" "$rest" " && " " || "
    _mutation_each and-or "$code" "$rest" " || " " && "

    # off-by-one: integers in arithmetic, and after a numeric test operator.
    if [[ "$code" == *"(("* ]]; then
        # An integer standing alone (not part of a name, a ${#x} or an array index of a name).
        _mutation_regex_each off-by-one "$code" "$rest" '([ (+*/%<>=,:-])[0-9]+' _mutation_int_pm
    fi
    _mutation_regex_each off-by-one "$code" "$rest" '-(lt|le|gt|ge|eq|ne) [0-9]+' _mutation_int_pm

    # exit-code
    _mutation_regex_each exit-code "$code" "$rest" '(return|exit) [0-9]+' _mutation_exit_code
    _mutation_regex_each exit-code "$code" "$rest" 'cni_error [0-9]+' _mutation_int_plus

    # drop-quote: "$name" or "${...}" as a whole quoted word, where bash would split or glob it: not the value of an
    # assignment, not the word of a case, and inside [[ ]] only a pattern (right of ==, != or =).
    _mutation_drop_quote "$code" "$rest"

    # drop-option: -x / --long words of a command (outside [[ ]] and (( ))).
    if [[ "$code" != *"[["* && "$code" != *"(("* ]]; then
        _mutation_regex_each drop-option "$code" "$rest" ' --?[a-zA-Z][a-zA-Z0-9-]*' _mutation_nothing
    fi
}

_mutation_exit_code() {
    printf '%s %s\n' "${1%% *}" "$(_mutation_code_of "${1##* }")"
}

_mutation_int_plus() {
    printf '%s %s\n' "${1%% *}" "$(( ${1##* } + 1 ))"
}

# _mutation_drop_quote CODE REST
_mutation_drop_quote() {
    local code="$1" rest="$2" head="" tail="$1" m before pre opened closed
    local re='"\$([A-Za-z_][A-Za-z0-9_]*|\{[^}"]*\}|[0-9@*#?])"'
    while [[ "$tail" =~ $re ]]; do
        m="${BASH_REMATCH[0]}"
        before="${tail%%"$m"*}"
        pre="$head$before"
        head+="$before$m"
        tail="${tail#*"$m"}"
        [[ "$pre" != *= && "$pre" != *"case " ]] || continue
        opened="${pre//[!\[]/}"
        closed="${pre//[!\]]/}"
        if (( ${#opened} > ${#closed} )) && [[ "$pre" != *" == " && "$pre" != *" != " && "$pre" != *" = " ]]; then
            continue
        fi
        m="${m#\"}"
        _mutation_emit drop-quote "$code$rest" "$pre${m%\"}$tail$rest"
    done
}

# An empty replacement: the match is removed.
_mutation_nothing() {
    printf '\n'
}
