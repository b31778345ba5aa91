# shellcheck shell=bash disable=SC2034
# IPv4 arithmetic on plain integers (bash 64-bit math, no external tools). Parsing uses patterns,
# not regular expressions (bash compiles a regular expression on every match).
# Globals: CIDR_ADDR CIDR_NET CIDR_PREFIX CIDR_BCAST, the CIDR ipv4_parse_cidr parsed last.

# layout: ipv4
# ipv4_to_int VAR ADDR: VAR = the address as an integer; fails if ADDR is not a dotted quad (four
# decimal octets 0-255 without leading zeros). At most 15 characters, so no octet overflows.
ipv4_to_int() {
    local a b c d="$2"
    [[ ${#d} -le 15 && "$d" == *.*.*.* && "$d" != *.*.*.*.* && "$d" != *[!0-9.]* &&
        ".$d." != *..* && ".$d." != *.0[0-9]* ]] || return 1
    a="${d%%.*}"; d="${d#*.}"
    b="${d%%.*}"; d="${d#*.}"
    c="${d%%.*}"; d="${d#*.}"
    (( a <= 255 && b <= 255 && c <= 255 && d <= 255 )) || return 1
    printf -v "$1" '%d' $(( (a << 24) | (b << 16) | (c << 8) | d ))
}

# ipv4_from_int VAR N: VAR = N as a dotted quad.
ipv4_from_int() {
    printf -v "$1" '%d.%d.%d.%d' $(( ($2 >> 24) & 255 )) $(( ($2 >> 16) & 255 )) $(( ($2 >> 8) & 255 )) $(( $2 & 255 ))
}

# ipv4_parse_cidr CIDR: sets CIDR_NET CIDR_PREFIX CIDR_BCAST CIDR_ADDR (integers);
# fails if CIDR is not ADDR/PREFIX.
ipv4_parse_cidr() {
    local prefix="${1#*/}" mask addr
    [[ "$1" == */* && -n "$prefix" && "$prefix" != *[!0-9]* && ${#prefix} -le 2 &&
        ( "$prefix" == 0 || "$prefix" != 0* ) ]] && (( prefix <= 32 )) || return 1
    ipv4_to_int addr "${1%/*}" || return 1
    mask=$(( prefix == 0 ? 0 : (0xffffffff << (32 - prefix)) & 0xffffffff ))
    CIDR_ADDR="$addr"
    CIDR_PREFIX="$prefix"
    CIDR_NET=$(( addr & mask ))
    CIDR_BCAST=$(( CIDR_NET | (~mask & 0xffffffff) ))
}

# ipv4_mac VAR PREFIX N: VAR = MAC "PREFIX:" + the 4 bytes of N (PREFIX is 2 octets, e.g. 0a:58).
ipv4_mac() {
    printf -v "$1" '%s:%02x:%02x:%02x:%02x' "$2" $(( ($3 >> 24) & 255 )) $(( ($3 >> 16) & 255 )) $(( ($3 >> 8) & 255 )) $(( $3 & 255 ))
}
