# shellcheck shell=bash disable=SC2034
# Delegated IPAM (bash-cni with an "ipam" section): running $CNI_PATH/<ipam.type> with the same
# environment and stdin, passing its errors on, and reading its result.
# Globals: DELEGATE_OUT (what the ipam plugin printed), DELEGATE_ROUTES_JSON DELEGATE_ROUTES DELEGATE_DNS_JSON
# (its result's routes and dns, delegate_parse_result, which also sets the address: IPAM_IP IPAM_ADDRESS
# IPAM_PREFIX IPAM_GATEWAY IPAM_GW, as the allocator does).

# layout: delegate < bash-cni
# delegate_find VAR TYPE: VAR = path of the plugin executable in CNI_PATH (code 4 / 7).
delegate_find() {
    local type="$2" d
    local -a dirs
    if [[ -z "$type" ]]; then
        cni_error 7 "invalid network config: \"ipam.type\" is missing"
    fi
    if ! cni_valid_id "$type"; then
        cni_error 7 "invalid network config: \"ipam.type\" is not a plugin name"
    fi
    if [[ -z "${CNI_PATH:-}" ]]; then
        cni_error 4 "invalid environment variables: CNI_PATH is not set (needed to find the ipam plugin \"$type\")"
    fi
    IFS=: read -r -a dirs <<<"$CNI_PATH"
    for d in "${dirs[@]}"; do
        if [[ -n "$d" && -f "$d/$type" && -x "$d/$type" ]]; then
            printf -v "$1" '%s' "$d/$type"
            return 0
        fi
    done
    cni_error 7 "failed to find the ipam plugin \"$type\" in CNI_PATH ($CNI_PATH)"
}

# delegate_run COMMAND TYPE: run the plugin; DELEGATE_OUT = its stdout, returns its exit status.
delegate_run() {
    local cmd="$1" rc=0 exe
    delegate_find exe "$2"
    DELEGATE_OUT="$(CNI_COMMAND="$cmd" "$exe" <<<"$CNI_STDIN")" || rc=$?
    return "$rc"
}

# delegate_fail: pass the delegate's error on (its JSON if it printed one, else code 100).
delegate_fail() {
    local what="$1"
    if [[ "$DELEGATE_OUT" =~ \"code\"[[:space:]]*:[[:space:]]*([0-9]+) ]]; then
        undo_run
        CNI_EMITTED=1
        printf '%s\n' "$DELEGATE_OUT"
        cni_log "error from ipam plugin ($what): ${DELEGATE_OUT//$'\n'/ }"
        exit 1
    fi
    cni_error 100 "ipam plugin failed ($what)" "${DELEGATE_OUT//$'\n'/ }"
}

# delegate_parse_result: read the IPAM result in DELEGATE_OUT. Sets IPAM_ADDRESS IPAM_IP IPAM_PREFIX
# IPAM_GATEWAY IPAM_GW (what the built-in IPAM sets too) and the result's own routes and dns:
# DELEGATE_ROUTES_JSON, DELEGATE_ROUTES ("dst|gw" words, checked by the caller) and DELEGATE_DNS_JSON.
delegate_parse_result() {
    local out defs
    local -a v
    cfg_jq_defs defs
    # shellcheck disable=SC2016
    if ! out="$(jq -r "$defs"'
        # A field of the line read below: a string that is a word (cfg_jq_defs); anything else is dropped
        # (an odd value from an ipam plugin is left out, where the configuration reader flags it).
        def field: (if type == "string" then word else "\u0001" end) | if . == "\u0001" then "" else . end;
        (.ips // [] | map(select(type == "object" and (.address | type) == "string" and (.address | test("^[0-9.]+/[0-9]+$"))))
          | (.[0] // {})) as $ip
        | ($ip.address // ""), ($ip.gateway | field),
          (.routes // [] | map(select(type == "object" and (.dst | type) == "string"))) as $r
        | ($r | map({dst} + (if (.gw | type) == "string" then {gw} else {} end)) | tojson),
          ($r | map("\(.dst | field)|\(.gw | field)") | join(" ")),
          (if (.dns | type) == "object" then (.dns | tojson) else "{}" end),
          "END"' 2>&1 <<<"$DELEGATE_OUT")"; then
        return 1
    fi
    mapfile -t v <<<"$out"
    (( ${#v[@]} == 6 )) && [[ "${v[5]}" == END ]] || return 1
    ipv4_parse_cidr "${v[0]}" || return 1
    IPAM_IP="$CIDR_ADDR"
    IPAM_PREFIX="$CIDR_PREFIX"
    ipv4_from_int IPAM_ADDRESS "$CIDR_ADDR"
    IPAM_GATEWAY="${v[1]}"
    IPAM_GW=0
    if [[ -n "$IPAM_GATEWAY" ]]; then
        ipv4_to_int IPAM_GW "$IPAM_GATEWAY" || return 1
    fi
    DELEGATE_ROUTES_JSON="${v[2]}"
    DELEGATE_ROUTES="${v[3]}"
    DELEGATE_DNS_JSON="${v[4]}"
    return 0
}
