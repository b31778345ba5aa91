# shellcheck shell=bash disable=SC2034
# IPv4 arithmetic on plain integers (bash 64-bit math, no external tools).

# ipv4_to_int ADDR: REPLY = the address as an integer; fails if ADDR is not a dotted quad.
ipv4_to_int() {
    local o='(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])'
    [[ "$1" =~ ^$o\.$o\.$o\.$o$ ]] || return 1
    REPLY=$(( (BASH_REMATCH[1] << 24) | (BASH_REMATCH[2] << 16) | (BASH_REMATCH[3] << 8) | BASH_REMATCH[4] ))
}

# ipv4_from_int N: REPLY = dotted quad.
ipv4_from_int() {
    local n="$1"
    printf -v REPLY '%d.%d.%d.%d' $(( (n >> 24) & 255 )) $(( (n >> 16) & 255 )) $(( (n >> 8) & 255 )) $(( n & 255 ))
}

# ipv4_parse_cidr CIDR: sets CIDR_NET CIDR_PREFIX CIDR_BCAST CIDR_ADDR (integers);
# fails if CIDR is not ADDR/PREFIX.
ipv4_parse_cidr() {
    local cidr="$1" addr prefix mask
    [[ "$cidr" == */* ]] || return 1
    addr="${cidr%/*}"
    prefix="${cidr#*/}"
    [[ "$prefix" =~ ^(3[0-2]|[12]?[0-9])$ ]] || return 1
    ipv4_to_int "$addr" || return 1
    mask=$(( prefix == 0 ? 0 : (0xffffffff << (32 - prefix)) & 0xffffffff ))
    CIDR_ADDR="$REPLY"
    CIDR_PREFIX="$prefix"
    CIDR_NET=$(( REPLY & mask ))
    CIDR_BCAST=$(( CIDR_NET | (~mask & 0xffffffff) ))
}

# ipv4_mac PREFIX N: REPLY = MAC "PREFIX:" + the 4 bytes of address N (PREFIX is 2 octets, e.g. 0a:58).
ipv4_mac() {
    local n="$2"
    printf -v REPLY '%s:%02x:%02x:%02x:%02x' "$1" $(( (n >> 24) & 255 )) $(( (n >> 16) & 255 )) $(( (n >> 8) & 255 )) $(( n & 255 ))
}
