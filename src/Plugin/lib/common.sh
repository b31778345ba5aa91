# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/common.sh: read at start
CNI_SUPPORTED_VERSIONS=(0.3.0 0.3.1 0.4.0 1.0.0 1.1.0)
CNI_LATEST_VERSION=1.1.0
CNI_DEFAULT_LOG_FILE="${BASH_CNI_LOG_FILE:-/var/log/bash-cni.log}"
CNI_LOG_MAX_BYTES=1048576
CNI_VERSION=""          # the config's cniVersion once it is known to be supported
CNI_EMITTED=""          # set once a result or an error was written to stdout
CNI_LOG_FILE="$CNI_DEFAULT_LOG_FILE"
CNI_LOG_LEVEL=info
CNI_LOG_DETAIL=""       # extra words for the log line (e.g. the allocated address)
CNI_START="${EPOCHREALTIME/[.,]/}"
declare -A CNI_LOADED=()
cni_version_rank() {
    case "$1" in
        0.3.0) REPLY=300 ;;
        0.3.1) REPLY=301 ;;
        0.4.0) REPLY=400 ;;
        1.0.0) REPLY=10000 ;;
        1.1.0) REPLY=10100 ;;
        *) REPLY=0 ;;
    esac
}
cni_check_version() {
    local v="$1"
    cni_version_rank "$v"
    if (( REPLY == 0 )); then
        [[ "$v" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] && CNI_VERSION="$v"
        cni_error 1 "incompatible CNI versions: config is \"$v\", plugin supports ${CNI_SUPPORTED_VERSIONS[*]}"
    fi
    CNI_VERSION="$v"
}
cni_json_string() {
    local s="$1" out="" c i code
    if [[ "$s" != *[\"\\[:cntrl:]]* ]]; then
        REPLY="\"$s\""
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
    REPLY="\"$out\""
}
cni_emit() {
    CNI_EMITTED=1
    printf '%s\n' "$1"
}
cni_error() {
    local code="$1" msg="$2" details="${3:-}" version jmsg
    undo_run
    version="${CNI_VERSION:-$CNI_LATEST_VERSION}"
    cni_json_string "$msg"
    jmsg="$REPLY"
    cni_json_string "$details"
    cni_emit "{\"cniVersion\":\"$version\",\"code\":$code,\"msg\":$jmsg,\"details\":$REPLY}"
    printf '%s: %s%s\n' "${0##*/}" "$msg" "${details:+ ($details)}" >&2
    cni_log "error code=$code msg=$msg${details:+ details=$details}"
    exit 1
}
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
cni_pod_name() {
    local args=";${CNI_ARGS:-};" name ns
    REPLY=""
    [[ "$args" == *";K8S_POD_NAME="* ]] || return 0
    name="${args#*;K8S_POD_NAME=}"
    name="${name%%;*}"
    ns=""
    if [[ "$args" == *";K8S_POD_NAMESPACE="* ]]; then
        ns="${args#*;K8S_POD_NAMESPACE=}"
        ns="${ns%%;*}"
    fi
    [[ -n "$name" ]] && REPLY="${ns:+$ns/}$name"
    return 0
}
cni_log() {
    local outcome="$1" now dur fd pos line="" f="$CNI_LOG_FILE" stdin_text
    [[ -n "$f" ]] || return 0
    printf -v now '%(%Y-%m-%dT%H:%M:%S%z)T' -1
    dur=$(( ${EPOCHREALTIME/[.,]/} - CNI_START ))
    printf -v dur '%d.%03d' $(( dur / 1000 )) $(( dur % 1000 ))
    cni_pod_name
    printf -v line '%s %s[%d] %s id=%s if=%s%s %s%s %sms' "$now" "${0##*/}" "$$" \
        "${CNI_COMMAND:-?}" "${CNI_CONTAINERID:-}" "${CNI_IFNAME:-}" "${REPLY:+ pod=${REPLY// /_}}" "$outcome" \
        "${CNI_LOG_DETAIL:+ $CNI_LOG_DETAIL}" "$dur"
    line="${line//[$'\r\n']/ }"
    if [[ "$CNI_LOG_LEVEL" == debug ]]; then
        stdin_text="${CNI_STDIN//$'\r'/\\r}"
        line+=" netns=${CNI_NETNS:-} args=${CNI_ARGS:-} stdin=${stdin_text//$'\n'/\\n}"
    fi
    { exec {fd}>>"$f"; } 2>/dev/null || return 0
    { printf '%s\n' "$line" >&"$fd"; } 2>/dev/null || true
    pos=0
    if [[ -r "/proc/$BASHPID/fdinfo/$fd" ]]; then
        while IFS=$': \t' read -r key value; do
            if [[ "$key" == pos ]]; then
                pos="$value"
                break
            fi
        done < "/proc/$BASHPID/fdinfo/$fd"
    fi
    exec {fd}>&-
    if (( pos > CNI_LOG_MAX_BYTES )); then
        mv -f -- "$f" "$f.1" 2>/dev/null || : 2>/dev/null >| "$f" || true
    fi
    return 0
}
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
cni_source() {
    [[ -z "${CNI_LOADED["$1"]:-}" ]] || return 0
    CNI_LOADED["$1"]=1
    # shellcheck source=/dev/null
    source "$BASH_CNI_DIR/lib/$1.sh"
}
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
cni_check_env_full() { cni_lazy common-extra cni_check_env_full "$@"; }
cni_is_netns() { cni_lazy common-extra cni_is_netns "$@"; }
cni_require_version() { cni_lazy common-extra cni_require_version "$@"; }
cni_version_output() { cni_lazy common-extra cni_version_output "$@"; }
