# shellcheck shell=bash disable=SC2034
# The CNI protocol, shared by both plugins: the identifier rules, the configuration's versions, the
# result and error output (cni_emit, cni_error), the environment checks, the log line, and the
# dispatch of CNI_COMMAND (cni_main) with the lazy loading the generated layout relies on
# (cni_source, cni_lazy).
# Functions return values into a variable the caller names (printf -v VAR; the callee's own locals
# carry a trailing "_" where a caller's name could clash) instead of command substitution, so no
# subshell is forked and a fatal error can end the plugin from anywhere.
# Globals (the call's state; the constants CNI_SUPPORTED_VERSIONS CNI_LATEST_VERSION CNI_DEFAULT_LOG_FILE
# CNI_LOG_MAX_BYTES beside them):
#   CNI_STDIN CNI_STDIN_READ                           stdin, read once (cni_read_stdin)
#   CNI_VERSION                                        the version errors and results are written in
#   CNI_EMITTED                                        stdout carries a result or an error
#   CNI_LOG_FILE CNI_LOG_LEVEL CNI_LOG_DETAIL CNI_START the log line (cni_log)
#   CNI_LOADED                                         the lib/ files read (cni_source)

# layout: start
CNI_SUPPORTED_VERSIONS=(0.3.0 0.3.1 0.4.0 1.0.0 1.1.0)
CNI_STDIN=""             # everything on stdin, once CNI_STDIN_READ says it was read (cni_read_stdin)
CNI_STDIN_READ=""

# cni_read_stdin: CNI_STDIN = everything on stdin (builtin read, no fork), unless it was read already.
cni_read_stdin() {
    [[ -z "$CNI_STDIN_READ" ]] || return 0
    CNI_STDIN_READ=1
    [[ -t 0 ]] || IFS= read -r -d '' CNI_STDIN || true
}

# cni_valid_id VALUE: container IDs and network names (the reference rule ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$).
cni_valid_id() {
    [[ "$1" == [a-zA-Z0-9]* && "$1" != *[!a-zA-Z0-9_.-]* ]]
}

# cni_valid_ifname VALUE: non-empty, at most 15 bytes, not . or .., no '/', ':' or whitespace (the
# reference rule); also no quotes, backslash, '#' or control characters, which `ip -batch` would
# read as syntax.
cni_valid_ifname() {
    [[ -n "$1" && ${#1} -le 15 && "$1" != . && "$1" != .. && "$1" != *[/:[:space:][:cntrl:]\"\'\\#]* ]]
}

# cni_netns_plausible PATH: PATH looks like a network namespace (an absolute path to an empty regular
# file, not the plugin's own namespace). That it is one is checked where it matters (`ip` refuses
# anything else when the pod end is made; CHECK asks cni_is_netns).
cni_netns_plausible() {
    [[ "$1" == /* && -f "$1" && ! -s "$1" && ! "$1" -ef /proc/self/ns/net && ! "$1" -ef /proc/1/ns/net ]]
}

# netns_name VAR PATH: VAR = the name of a namespace under /run/netns (what runtimes pass), which
# `ip -n` enters itself; fails for any other path.
netns_name() {
    local netns_name_="${2##*/}"
    [[ -n "$netns_name_" && "$netns_name_" != . && "$netns_name_" != .. && "$netns_name_" != -* &&
       ( "$2" == "/run/netns/$netns_name_" || "$2" == "/var/run/netns/$netns_name_" ) &&
       "$2" -ef "/var/run/netns/$netns_name_" ]] || return 1
    printf -v "$1" '%s' "$netns_name_"
}

# layout: common
CNI_LATEST_VERSION=1.1.0
# BASH_CNI_LOG_FILE moves the default (used when the config names no logFile or cannot be read).
CNI_DEFAULT_LOG_FILE="${BASH_CNI_LOG_FILE:-/var/log/bash-cni.log}"
CNI_LOG_MAX_BYTES=1048576

# State of the current invocation.
CNI_VERSION=""          # the config's cniVersion once it is known to be supported
CNI_EMITTED=""          # set once a result or an error was written to stdout
CNI_LOG_FILE="$CNI_DEFAULT_LOG_FILE"
CNI_LOG_LEVEL=info
CNI_LOG_DETAIL=""       # extra words for the log line (e.g. the allocated address)
CNI_START="${EPOCHREALTIME/[.,]/}"

# layout: start
declare -A CNI_LOADED=()

# cni_version_rank VAR VERSION: VAR = comparable number, or 0 if unsupported.
cni_version_rank() {
    local version_rank_=0
    case "$2" in
        0.3.0) version_rank_=300 ;;
        0.3.1) version_rank_=301 ;;
        0.4.0) version_rank_=400 ;;
        1.0.0) version_rank_=10000 ;;
        1.1.0) version_rank_=10100 ;;
    esac
    printf -v "$1" '%s' "$version_rank_"
}

# layout: common
# cni_check_version: the config's cniVersion must be supported (code 1).
cni_check_version() {
    local v="$1" rank
    cni_version_rank rank "$v"
    if (( rank == 0 )); then
        # The error carries the config's version when it is one (the runtime asked in it).
        [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] && CNI_VERSION="$v"
        cni_error 1 "incompatible CNI versions: config is \"$v\", plugin supports ${CNI_SUPPORTED_VERSIONS[*]}"
    fi
    CNI_VERSION="$v"
}

# cni_json_string VAR VALUE: VAR = VALUE as a quoted JSON string.
cni_json_string() {
    local s="$2" out="" c i code
    if [[ "$s" != *[\"\\[:cntrl:]]* ]]; then
        printf -v "$1" '%s' "\"$s\""
        return 0
    fi
    for (( i = 0; i < ${#s}; i++ )); do
        c="${s:i:1}"
        case "$c" in
            '"') out+='\"' ;;
            '\') out+='\\' ;;
            $'\n') out+='\n' ;;
            $'\r') out+='\r' ;;
            $'\t') out+='\t' ;;
            [[:cntrl:]])
                printf -v code '\\u%04x' "'$c"
                out+="$code" ;;
            *) out+="$c" ;;
        esac
    done
    printf -v "$1" '%s' "\"$out\""
}

# cni_emit JSON: print a result on stdout exactly once.
cni_emit() {
    CNI_EMITTED=1
    printf '%s\n' "$1"
}

# cni_error CODE MSG [DETAILS]: run the undo steps (undo_run), print the CNI error JSON, log, exit 1.
cni_error() {
    local code="$1" msg="$2" details="${3:-}" version jmsg jdetails
    undo_run
    version="${CNI_VERSION:-$CNI_LATEST_VERSION}"
    cni_json_string jmsg "$msg"
    cni_json_string jdetails "$details"
    cni_emit "{\"cniVersion\":\"$version\",\"code\":$code,\"msg\":$jmsg,\"details\":$jdetails}"
    printf '%s: %s%s\n' "${0##*/}" "$msg" "${details:+ ($details)}" >&2
    cni_log "error code=$code msg=$msg${details:+ details=$details}"
    exit 1
}

# Exit trap: whatever ended the plugin unexpectedly, stdout still carries a CNI error.
cni_on_exit() {
    local rc=$?
    if (( rc != 0 )) && [[ -z "$CNI_EMITTED" ]]; then
        trap - EXIT
        cni_error 100 "internal error" "exit status $rc"
    fi
}

cni_install_traps() {
    trap cni_on_exit EXIT
    trap 'exit 143' TERM
    trap 'exit 130' INT
}

# cni_check_env NEED...: validate the CNI environment for this command; code 4 names every problem.
# NEED words: id, ifname, netns (must be set), netns-strict (and a network namespace, checked in
# full), netns-any (may be stale). The usual, valid case is checked here; cni_check_env_full
# finds and words the problems.
cni_check_env() {
    local need
    for need in "$@"; do
        case "$need" in
            id) cni_valid_id "${CNI_CONTAINERID:-}" || break ;;
            ifname) cni_valid_ifname "${CNI_IFNAME:-}" || break ;;
            netns) cni_netns_plausible "${CNI_NETNS:-}" || break ;;
            netns-any) [[ -n "${CNI_NETNS:-}" ]] || break ;;
            *) break ;;
        esac
        shift
    done
    (( $# == 0 )) || cni_check_env_full "$@"
}

# layout: common-extra < common
# cni_check_env_full NEED...: validate the CNI environment for this command; code 4 names every problem.
# NEED words: id, ifname, netns (must be set), netns-opt (may be empty).
cni_check_env_full() {
    local need problems=() missing_netns="" not_netns=""
    for need in "$@"; do
        case "$need" in
            id)
                cni_env_problem CNI_CONTAINERID cni_valid_id 'must match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*$' ;;
            ifname)
                cni_env_problem CNI_IFNAME cni_valid_ifname "1-15 bytes, not . or .., no '/', ':', whitespace, quotes, '\\' or '#'" ;;
            netns)
                if [[ -z "${CNI_NETNS:-}" ]]; then
                    problems+=("CNI_NETNS is not set")
                elif [[ "$CNI_NETNS" != /* ]]; then
                    problems+=("CNI_NETNS must be an absolute path")
                elif [[ ! -e "$CNI_NETNS" ]]; then
                    missing_netns=1
                elif [[ "$CNI_NETNS" -ef /proc/self/ns/net || "$CNI_NETNS" -ef /proc/1/ns/net ]]; then
                    problems+=("CNI_NETNS is the host network namespace")
                elif [[ ! -f "$CNI_NETNS" || -s "$CNI_NETNS" ]]; then
                    # A namespace looks like an empty regular file; whether it is an nsfs mount is
                    # checked where it matters: `ip` refuses anything else when the pod end is made.
                    not_netns=1
                fi ;;
            netns-strict)
                cni_check_env_full netns
                cni_is_netns "$CNI_NETNS" || not_netns=1 ;;
            netns-any)
                if [[ -z "${CNI_NETNS:-}" ]]; then
                    problems+=("CNI_NETNS is not set")
                fi ;;
        esac
    done
    if (( ${#problems[@]} )); then
        local joined
        printf -v joined '%s; ' "${problems[@]}"
        cni_error 4 "invalid environment variables: ${joined%; }"
    fi
    if [[ -n "$missing_netns" ]]; then
        cni_error 100 "failed to open netns $CNI_NETNS: no such file"
    fi
    if [[ -n "$not_netns" ]]; then
        cni_error 100 "failed to open netns $CNI_NETNS: not a network namespace"
    fi
}

# cni_env_problem NAME RULE TEXT: add to the caller's problems that the variable NAME is not set, or
# that RULE (cni_valid_id, cni_valid_ifname) refuses its value (TEXT says the rule).
cni_env_problem() {
    local value="${!1:-}"
    if [[ -z "$value" ]]; then
        problems+=("$1 is not set")
    elif ! "$2" "$value"; then
        problems+=("$1 is invalid ($3)")
    fi
}

# cni_is_netns PATH: PATH is a network namespace: a /proc/<pid>/ns/net link or an nsfs mount (what
# `ip netns add` and the runtimes create). Both look like empty regular files, so anything else
# (content, a directory, a device) is refused without further ado. The mount is looked up in
# /proc/self/mountinfo (no process started); only a path not found there is tried with nsenter.
cni_is_netns() {
    local p="$1" alt="" mi="" re line mp
    [[ -f "$p" && ! -s "$p" ]] || return 1
    [[ "$p" =~ ^/proc/(self|thread-self|[0-9]+)/(task/[0-9]+/)?ns/net$ ]] && return 0
    { IFS= read -r -d '' mi < /proc/self/mountinfo; } 2>/dev/null || true
    # Fast path: the path itself (or /run/... for /var/run/...) is an nsfs mount point.
    [[ "$p" == /var/run/* ]] && alt="${p#/var}"
    for mp in "$p" ${alt:+"$alt"}; do
        [[ "$mp" =~ ^[A-Za-z0-9/._-]+$ ]] || continue
        re=$'\n''[^ ]+ [^ ]+ [^ ]+ [^ ]+ '"${mp//./[.]}"' [^'$'\n'']* - nsfs '
        if [[ $'\n'"$mi" =~ $re && "$mp" -ef "$p" ]]; then
            return 0
        fi
    done
    # Any nsfs mount that is the same file (symlinks, escaped names).
    while IFS= read -r line; do
        [[ "$line" == *" - nsfs "* && "$line" =~ ^[^\ ]+\ [^\ ]+\ [^\ ]+\ [^\ ]+\ ([^\ ]+)\  ]] || continue
        mp="${BASH_REMATCH[1]}"
        [[ "$mp" -ef "$p" ]] && return 0
    done <<<"$mi"
    nsenter --net="$p" true >/dev/null 2>&1
}

# layout: common
# cni_pod_name VAR: VAR = "<namespace>/<name>" of the Kubernetes pod named in CNI_ARGS, or "".
cni_pod_name() {
    local args=";${CNI_ARGS:-};" name ns
    printf -v "$1" '%s' ""
    [[ "$args" == *";K8S_POD_NAME="* ]] || return 0
    name="${args#*;K8S_POD_NAME=}"
    name="${name%%;*}"
    ns=""
    if [[ "$args" == *";K8S_POD_NAMESPACE="* ]]; then
        ns="${args#*;K8S_POD_NAMESPACE=}"
        ns="${ns%%;*}"
    fi
    [[ -z "$name" ]] || printf -v "$1" '%s' "${ns:+$ns/}$name"
    return 0
}

# cni_log OUTCOME: append one line to the log file; best effort, never fails the call.
cni_log() {
    local outcome="$1" now dur fd pos line="" f="$CNI_LOG_FILE" stdin_text pod key value
    [[ -n "$f" ]] || return 0
    printf -v now '%(%Y-%m-%dT%H:%M:%S%z)T' -1
    dur=$(( ${EPOCHREALTIME/[.,]/} - CNI_START ))
    printf -v dur '%d.%03d' $(( dur / 1000 )) $(( dur % 1000 ))
    cni_pod_name pod
    printf -v line '%s %s[%d] %s id=%s if=%s%s %s%s %sms' "$now" "${0##*/}" "$$" \
        "${CNI_COMMAND:-?}" "${CNI_CONTAINERID:-}" "${CNI_IFNAME:-}" "${pod:+ pod=${pod// /_}}" "$outcome" \
        "${CNI_LOG_DETAIL:+ $CNI_LOG_DETAIL}" "$dur"
    line="${line//[$'\r\n']/ }"
    if [[ "$CNI_LOG_LEVEL" == debug ]]; then
        stdin_text="${CNI_STDIN//$'\r'/\\r}"
        line+=" netns=${CNI_NETNS:-} args=${CNI_ARGS:-} stdin=${stdin_text//$'\n'/\\n}"
    fi
    { exec {fd}>>"$f"; } 2>/dev/null || return 0
    { printf '%s\n' "$line" >&"$fd"; } 2>/dev/null || true
    # With O_APPEND the file position after the write is the file size.
    pos=0
    if [[ -r "/proc/$BASHPID/fdinfo/$fd" ]]; then
        while IFS=$': \t' read -r key value; do
            if [[ "$key" == pos ]]; then
                pos="$value"
                break
            fi
        done < "/proc/$BASHPID/fdinfo/$fd"
    fi
    if (( pos > CNI_LOG_MAX_BYTES )); then
        # One writer at a time rotates, and only the file it wrote to: a call that crossed the limit in a generation
        # another call already rotated finds the path naming a newer file and leaves it (renaming that one over the
        # rotated generation would lose it). The lock is on the open file and ends when the descriptor closes.
        if flock -x "$fd" 2>/dev/null && [[ "/proc/$BASHPID/fd/$fd" -ef "$f" ]]; then
            mv -f -- "$f" "$f.1" 2>/dev/null || : 2>/dev/null >| "$f" || true
        fi
    fi
    exec {fd}>&-
    return 0
}

# layout: common-extra < common
# cni_require_version MIN COMMAND: the command exists only from MIN on (code 1 otherwise).
cni_require_version() {
    local min="$1" cmd="$2" have need
    cni_version_rank have "$CNI_VERSION"
    cni_version_rank need "$min"
    if (( have < need )); then
        cni_error 1 "config version $CNI_VERSION does not allow $cmd (needs $min or later)"
    fi
}

# cni_version_output: the VERSION answer; echoes the configuration's cniVersion (as cfg_parse reads
# it) when it is one (three dot-separated numbers), else the latest.
cni_version_output() {
    local v="$CNI_LATEST_VERSION" list="" s
    if cfg_parse && [[ "$CFG_VERSION" == [0-9]*.[0-9]*.[0-9]* && "$CFG_VERSION" != *[!0-9.]* &&
                       "$CFG_VERSION" != *.*.*.* && "$CFG_VERSION" != *..* && "$CFG_VERSION" != *. ]]; then
        v="$CFG_VERSION"
    fi
    for s in "${CNI_SUPPORTED_VERSIONS[@]}"; do
        list+="${list:+,}\"$s\""
    done
    cni_emit "{\"cniVersion\":\"$v\",\"supportedVersions\":[$list]}"
}

# layout: common
# cni_main ADD DEL CHECK STATUS GC: the dispatch both plugins share (source/plugin.sh), given the
# functions of the plugin's five commands (source/cmd/*.sh).
cni_main() {
    cni_install_traps
    cni_read_stdin
    case "${CNI_COMMAND:-}" in
        ADD) "$1" ;;
        DEL) "$2" ;;
        CHECK) "$3" ;;
        STATUS) "$4" ;;
        GC) "$5" ;;
        VERSION)
            cni_version_output
            cni_log ok ;;
        "") cni_error 4 "invalid environment variables: CNI_COMMAND is not set" ;;
        *) cni_error 4 "invalid environment variables: unknown CNI_COMMAND \"$CNI_COMMAND\"" ;;
    esac
}

# layout: start
# The code for the usual ADD and DEL is sourced at start; everything else (other commands, the
# jq reader, index rebuilds, error diagnosis, ...) sits in lib/ files that are read on first use:
# bash parses every line it sources, which costs more than anything the hot path runs. A stub
# "fn() { cni_lazy FILE fn "$@"; }", written by build-layout.sh, stands in for each such function.

# cni_source FILE: source lib/FILE.sh unless it was already.
cni_source() {
    [[ -z "${CNI_LOADED["$1"]:-}" ]] || return 0
    CNI_LOADED["$1"]=1
    # shellcheck source=/dev/null
    source "$BASH_CNI_DIR/lib/$1.sh"
}

# cni_lazy FILE FUNCTION [ARG...]: source lib/FILE.sh (once), then call FUNCTION, which it defines.
cni_lazy() {
    local file="$1"
    shift
    if [[ -n "${CNI_LOADED["$file"]:-}" ]]; then
        undo_clear
        cni_error 100 "internal error: $1 is not defined in lib/$file.sh"
    fi
    cni_source "$file"
    "$@"
}
