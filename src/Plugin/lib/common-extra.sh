# shellcheck shell=bash disable=SC2034
# Rarely needed parts of common.sh, sourced on first use (see cni_lazy).

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

# cni_require_version MIN COMMAND: the command exists only from MIN on (code 1 otherwise).
cni_require_version() {
    local min="$1" cmd="$2" have
    cni_version_rank "$CNI_VERSION"
    have="$REPLY"
    cni_version_rank "$min"
    if (( have < REPLY )); then
        cni_error 1 "config version $CNI_VERSION does not allow $cmd (needs $min or later)"
    fi
}

# cni_version_output: the VERSION answer; echoes the input's cniVersion when it names one.
cni_version_output() {
    local v="$CNI_LATEST_VERSION" list="" s
    if [[ "$CNI_STDIN" =~ \"cniVersion\"[[:space:]]*:[[:space:]]*\"([0-9]+\.[0-9]+\.[0-9]+)\" ]]; then
        v="${BASH_REMATCH[1]}"
    fi
    for s in "${CNI_SUPPORTED_VERSIONS[@]}"; do
        list+="${list:+,}\"$s\""
    done
    cni_emit "{\"cniVersion\":\"$v\",\"supportedVersions\":[$list]}"
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
