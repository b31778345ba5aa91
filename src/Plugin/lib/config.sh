# shellcheck shell=bash disable=SC2034
# Network configuration: one jq run turns the JSON on stdin into shell variables.
# jq prints one value per line in a fixed order; strings holding control characters (or
# values of the wrong JSON type) come out as a lone \001 so that validation rejects them.
# Nothing read here is ever evaluated as code.

CFG_INVALID=$'\001'

# shellcheck disable=SC2016  # jq program, not shell
CFG_JQ_PROGRAM='
def str: if type == "string" then (if (explode | any(. < 32 or . == 127)) then "\u0001" else . end)
  elif type == "number" or type == "boolean" then tostring
  elif . == null then "" else "\u0001" end;
def word: str | if test("[\\s|:]") then "\u0001" else . end;
def obj: if type == "object" then . else {} end;
if type != "object" then error("the network configuration is not a JSON object") else . end
| (if .ipam == null then "none" elif (.ipam | type) == "object" then "object" else "bad" end) as $ik
| (if $ik == "object" then .ipam else . end) as $i
| (if $ik == "object" and ($i.ranges | type) == "array"
     then ($i.ranges[0] | if type == "array" then (.[0] | obj) else {} end) else {} end) as $r
| ($i.routes // (if $ik == "object" then null else .routes end) // []) as $rt
| (if ($rt | type) == "array"
      and all($rt[]; type == "object" and (.dst | type) == "string" and (.gw == null or (.gw | type) == "string"))
     then $rt else null end) as $routes
| (.prevResult | obj) as $p
| ($p.ips | if type == "array" then map(obj) else [] end) as $pips
| (.cniVersion | str),
  (.name | str),
  (.type | str),
  $ik,
  (if $ik == "object" then ($i.type | str) else "" end),
  ($i.subnet // $r.subnet | str),
  ($i.rangeStart // $r.rangeStart | str),
  ($i.rangeEnd // $r.rangeEnd | str),
  ($i.gateway // $r.gateway | str),
  ($i.dataDir // .dataDir | str),
  (if $routes == null then "\u0001" else ($routes | map({dst} + (if .gw then {gw} else {} end)) | tojson) end),
  (if $routes == null then "\u0001" else ($routes | map("\(.dst | word)|\(.gw | word)") | join(" ")) end),
  (.bridge | str),
  (.mtu | str),
  (.logFile | str),
  (.logLevel | str),
  ($i.lockTimeout // .lockTimeout | str),
  (if (.dns | type) == "object" then (.dns | tojson) else "{}" end),
  (if (.prevResult | type) == "object" then "1" else "" end),
  ($pips | map(select((.address | type) == "string")) | (.[0] // {}) | .address | str),
  ($pips | map(select((.address | type) == "string")) | (.[0] // {}) | .gateway | str),
  ($p.interfaces | if type == "array"
      then (map(obj | select(.name == $ifname and (.sandbox // "") != "")) | (.[0] // {}) | .mac | str)
      else "" end),
  ($p.routes | if type == "array"
      then (map(obj | "\(.dst | word)|\(.gw | word)") | join(" ")) else "" end),
  (.["cni.dev/valid-attachments"] // [] | if type == "array"
      then (map(obj | "\(.containerID | word):\(.ifname | word)") | map(select(test("\u0001") | not)) | join(" "))
      else "\u0001" end),
  "END"
'

# cfg_load: parse CNI_STDIN; code 6 when it is not one JSON object.
cfg_load() {
    local out
    local -a v
    if [[ "$CNI_STDIN" != *[![:space:]]* ]]; then
        cni_error 6 "failed to decode the network configuration: stdin is empty"
    fi
    if cfg_fast_load; then
        cfg_apply_log_settings
        return 0
    fi
    if ! type -P jq >/dev/null; then
        cni_error 100 "jq is required to read this network configuration but is not installed"
    fi
    if ! out=$(exec jq -r --arg ifname "${CNI_IFNAME:-}" "$CFG_JQ_PROGRAM" 2>&1 <<<"$CNI_STDIN"); then
        cni_error 6 "failed to decode the network configuration" "${out//$'\n'/ }"
    fi
    mapfile -t v <<<"$out"
    if (( ${#v[@]} != 25 )) || [[ "${v[24]}" != END ]]; then
        cni_error 6 "failed to decode the network configuration: expected exactly one JSON object"
    fi
    CFG_VERSION="${v[0]}"
    CFG_NAME="${v[1]}"
    CFG_TYPE="${v[2]}"
    CFG_IPAM_KIND="${v[3]}"
    CFG_IPAM_TYPE="${v[4]}"
    CFG_SUBNET="${v[5]}"
    CFG_RANGE_START="${v[6]}"
    CFG_RANGE_END="${v[7]}"
    CFG_GATEWAY="${v[8]}"
    CFG_DATA_DIR="${v[9]}"
    CFG_ROUTES_JSON="${v[10]}"
    CFG_ROUTES="${v[11]}"
    CFG_BRIDGE="${v[12]}"
    CFG_MTU="${v[13]}"
    CFG_LOG_FILE="${v[14]}"
    CFG_LOG_LEVEL="${v[15]}"
    CFG_LOCK_TIMEOUT="${v[16]}"
    CFG_DNS_JSON="${v[17]}"
    CFG_HAS_PREV="${v[18]}"
    CFG_PREV_ADDRESS="${v[19]}"
    CFG_PREV_GATEWAY="${v[20]}"
    CFG_PREV_MAC="${v[21]}"
    CFG_PREV_ROUTES="${v[22]}"
    CFG_VALID_ATTACHMENTS="${v[23]}"
    cfg_apply_log_settings
}

# Logging settings apply from here on, even if validation fails.
cfg_apply_log_settings() {
    if [[ -n "$CFG_LOG_FILE" && "$CFG_LOG_FILE" != "$CFG_INVALID" ]]; then
        CNI_LOG_FILE="$CFG_LOG_FILE"
    fi
    [[ "$CFG_LOG_LEVEL" == debug ]] && CNI_LOG_LEVEL=debug
    return 0
}

# cfg_fast_load: the jq-free path for simple configurations (see json.sh); fails if jq is needed.
cfg_fast_load() {
    local i="" k
    jp_parse "$CNI_STDIN" || return 1
    for k in dns routes ranges prevResult ipam.dns ipam.routes ipam.ranges; do
        [[ -z "${JP_TYPE["$k"]+set}" ]] || return 1
    done
    case "${JP_TYPE[ipam]:-z}" in
        z) CFG_IPAM_KIND=none ;;
        o) CFG_IPAM_KIND=object; i=ipam. ;;
        *) CFG_IPAM_KIND=bad ;;
    esac
    jp_str cniVersion; CFG_VERSION="$REPLY"
    jp_str name; CFG_NAME="$REPLY"
    jp_str type; CFG_TYPE="$REPLY"
    CFG_IPAM_TYPE=""
    if [[ -n "$i" ]]; then
        jp_str ipam.type; CFG_IPAM_TYPE="$REPLY"
    fi
    jp_str "${i}subnet"; CFG_SUBNET="$REPLY"
    jp_str "${i}rangeStart"; CFG_RANGE_START="$REPLY"
    jp_str "${i}rangeEnd"; CFG_RANGE_END="$REPLY"
    jp_str "${i}gateway"; CFG_GATEWAY="$REPLY"
    jp_alt "${i}dataDir" dataDir; CFG_DATA_DIR="$REPLY"
    CFG_ROUTES_JSON="[]"
    CFG_ROUTES=""
    jp_str bridge; CFG_BRIDGE="$REPLY"
    jp_str mtu; CFG_MTU="$REPLY"
    jp_str logFile; CFG_LOG_FILE="$REPLY"
    jp_str logLevel; CFG_LOG_LEVEL="$REPLY"
    jp_alt "${i}lockTimeout" lockTimeout; CFG_LOCK_TIMEOUT="$REPLY"
    CFG_DNS_JSON="{}"
    CFG_HAS_PREV=""
    CFG_PREV_ADDRESS=""
    CFG_PREV_GATEWAY=""
    CFG_PREV_MAC=""
    CFG_PREV_ROUTES=""
    CFG_VALID_ATTACHMENTS=""
    [[ -z "${JP_TYPE["cni.dev/valid-attachments"]+set}" ]] || CFG_VALID_ATTACHMENTS=$'\001'
    return 0
}

# cfg_check_common: version and network name (code 1 / 7).
cfg_check_common() {
    cni_check_version "$CFG_VERSION"
    if [[ -z "$CFG_NAME" ]]; then
        cni_error 7 "invalid network config: \"name\" is missing"
    fi
    if ! cni_valid_id "$CFG_NAME"; then
        cni_error 7 "invalid network config: \"name\" must match ^[a-zA-Z0-9][a-zA-Z0-9_.-]*\$"
    fi
    if [[ "$CFG_IPAM_KIND" == bad ]]; then
        cni_error 7 "invalid network config: \"ipam\" must be an object"
    fi
}

# cfg_check_routes: every route is {dst: CIDR, gw?: address} (code 7).
# Sets CFG_ROUTE_LIST (array of "dst|gw") and CFG_HAS_DEFAULT_ROUTE.
cfg_check_routes() {
    local r dst gw
    CFG_ROUTE_LIST=()
    CFG_HAS_DEFAULT_ROUTE=""
    if [[ "$CFG_ROUTES_JSON" == "$CFG_INVALID" ]]; then
        cni_error 7 "invalid network config: \"routes\" must be a list of {\"dst\": CIDR, \"gw\": address}"
    fi
    for r in $CFG_ROUTES; do
        dst="${r%%|*}"
        gw="${r#*|}"
        if ! ipv4_parse_cidr "$dst" || (( CIDR_ADDR != CIDR_NET )); then
            cni_error 7 "invalid network config: route dst \"$dst\" is not an IPv4 network"
        fi
        if [[ -n "$gw" ]] && ! ipv4_to_int "$gw"; then
            cni_error 7 "invalid network config: route gw \"$gw\" is not an IPv4 address"
        fi
        (( CIDR_PREFIX == 0 )) && CFG_HAS_DEFAULT_ROUTE=1
        CFG_ROUTE_LIST+=("$dst|$gw")
    done
    return 0
}
