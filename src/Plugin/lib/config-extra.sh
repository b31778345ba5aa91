# shellcheck shell=bash disable=SC2034,SC2120
# generated from source/ by build-layout.sh — do not edit
# lib/config-extra.sh: read on first use (stubs in lib/config.sh)
cfg_jq_defs() {
    REPLY='def str: if type == "string" then (if (explode | any(. < 32 or . == 127)) then "\u0001" else . end)
  elif type == "number" or type == "boolean" then tostring
  elif . == null then "" else "\u0001" end;
def word: str | if test("[\\s|:]") then "\u0001" else . end;
def obj: if type == "object" then . else {} end;
'
}
cfg_jq_load() {
    local out program fields="" k n
    local -a v
    if ! type -P jq >/dev/null; then
        cni_error 100 "jq is required to read this network configuration but is not installed"
    fi
    for (( k = 2; k < ${#CFG_FIELDS[@]}; k += 3 )); do
        fields+="  (${CFG_FIELDS[k]}),"$'\n'
    done
    cfg_jq_defs
    # shellcheck disable=SC2016  # jq program, not shell
    program="$REPLY"'if type != "object" then error("the network configuration is not a JSON object") else . end
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
| ($p.interfaces | if type == "array" then . else [] end) as $pif
| $ik,
'"$fields"'  "END"'
    if ! out=$(exec jq -r --arg ifname "${CNI_IFNAME:-}" "$program" 2>&1 <<<"$CNI_STDIN"); then
        cni_error 6 "failed to decode the network configuration" "${out//$'\n'/ }"
    fi
    mapfile -t v <<<"$out"
    n=$(( ${#CFG_FIELDS[@]} / 3 ))
    if (( ${#v[@]} != n + 2 )) || [[ "${v[n+1]}" != END ]]; then
        cni_error 6 "failed to decode the network configuration: expected exactly one JSON object"
    fi
    CFG_IPAM_KIND="${v[0]}"
    for (( k = 0; k < n; k++ )); do
        printf -v "${CFG_FIELDS[k*3]}" '%s' "${v[k+1]}"
    done
}
