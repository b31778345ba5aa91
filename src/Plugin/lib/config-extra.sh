# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/config-extra.sh: read on first use (stubs in lib/config.sh)
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
cfg_jq_load() {
    local out
    local -a v
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
}
