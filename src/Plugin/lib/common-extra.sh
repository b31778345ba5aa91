# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/common-extra.sh: read on first use (stubs in lib/common.sh)
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
cni_env_problem() {
    local value="${!1:-}"
    if [[ -z "$value" ]]; then
        problems+=("$1 is not set")
    elif ! "$2" "$value"; then
        problems+=("$1 is invalid ($3)")
    fi
}
cni_is_netns() {
    local p="$1" alt="" mi="" re line mp
    [[ -f "$p" && ! -s "$p" ]] || return 1
    [[ "$p" =~ ^/proc/(self|thread-self|[0-9]+)/(task/[0-9]+/)?ns/net$ ]] && return 0
    { IFS= read -r -d '' mi < /proc/self/mountinfo; } 2>/dev/null || true
    [[ "$p" == /var/run/* ]] && alt="${p#/var}"
    for mp in "$p" ${alt:+"$alt"}; do
        [[ "$mp" =~ ^[A-Za-z0-9/._-]+$ ]] || continue
        re=$'\n''[^ ]+ [^ ]+ [^ ]+ [^ ]+ '"${mp//./[.]}"' [^'$'\n'']* - nsfs '
        if [[ $'\n'"$mi" =~ $re && "$mp" -ef "$p" ]]; then
            return 0
        fi
    done
    while IFS= read -r line; do
        [[ "$line" == *" - nsfs "* && "$line" =~ ^[^\ ]+\ [^\ ]+\ [^\ ]+\ [^\ ]+\ ([^\ ]+)\  ]] || continue
        mp="${BASH_REMATCH[1]}"
        [[ "$mp" -ef "$p" ]] && return 0
    done <<<"$mi"
    nsenter --net="$p" true >/dev/null 2>&1
}
cni_require_version() {
    local min="$1" cmd="$2" have
    cni_version_rank "$CNI_VERSION"
    have="$REPLY"
    cni_version_rank "$min"
    if (( have < REPLY )); then
        cni_error 1 "config version $CNI_VERSION does not allow $cmd (needs $min or later)"
    fi
}
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
