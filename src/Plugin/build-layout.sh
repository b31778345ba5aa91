#!/bin/bash
# build-layout.sh DIR: build the layout the plugin runs from (bash-cni, bash-cni-ipam, lib/*.sh, and install.sh
# beside them) into DIR from its source, source/*.sh and source/cmd/*.sh, which is organised by idea. The layout is
# a build output, never committed: run-tests.sh and the test build write it into the build's artifacts, install.sh
# builds it for the node it installs on, make-broken.sh for each broken copy.
#
# The source says where each piece goes with a line of its own:
#   # layout: NAME          what follows (up to the next "# layout:" line) goes into lib/NAME.sh, which the
#                           plugins read at start (bash-cni and bash-cni-ipam source it in source/plugin.sh)
#   # layout: NAME < HOST   what follows goes into lib/NAME.sh, which is read on first use: every function
#                           defined there that another file names gets a one-line stub in lib/HOST.sh
#                           ("fn() { cni_lazy NAME fn "$@"; }", see cni_lazy in source/cni.sh)
#   # layout: @entry        what follows is the body of both entry scripts (source/plugin.sh)
#   # plugin: NAME: TEXT    an entry script NAME (its second line is "# NAME: TEXT")
# Within a generated file the pieces keep the order of source/*.sh, then source/cmd/*.sh (each file top
# to bottom). Comment lines and blank lines are dropped (bash reads every line it sources; "# shellcheck"
# directives stay), also inside strings that span lines: such a string must not need a line that starts
# with "#". Each function is defined once in the whole source, and its generated definition line ends with a
# comment naming where it is written ("fn() { # source/FILE:LINE"), so a trace (bash -x, an error's line) leads
# back to source/.
set -euo pipefail
export LC_ALL=C

HERE="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
SRC="$HERE/source"
GENERATED="generated from source/ by build-layout.sh — do not edit"

die() {
    printf 'build-layout: %s\n' "$1" >&2
    exit "${2:-2}"
}

declare -A TEXT=() LAZY_HOST=() DEFINED_IN=() ABOUT=()
declare -a TARGETS=() PLUGINS=()

# add_target NAME HOST: note lib/NAME.sh (HOST: where its stubs go, "" for a file read at start).
add_target() {
    local name="$1" host="$2" where="$3"
    if [[ -z "${TEXT["$name"]+set}" ]]; then
        TEXT["$name"]=""
        LAZY_HOST["$name"]="$host"
        TARGETS+=("$name")
    elif [[ "${LAZY_HOST["$name"]}" != "$host" ]]; then
        if [[ -n "$host" ]]; then
            die "$where: lib/$name.sh is declared lazy with stubs in lib/$host.sh here and otherwise before"
        fi
        die "$where: lib/$name.sh is declared read at start here and otherwise before"
    fi
}

# read_source FILE: distribute FILE's lines over the targets.
read_source() {
    local file="$1" rel="${1#"$SRC"/}" line target="" n=0 fn
    while IFS= read -r line || [[ -n "$line" ]]; do
        n=$(( n + 1 ))
        if [[ "$line" =~ ^#\ layout:\ (@entry|[a-z0-9-]+)(\ \<\ ([a-z0-9-]+))?$ ]]; then
            target="${BASH_REMATCH[1]}"
            [[ "$target" != @entry || -z "${BASH_REMATCH[3]}" ]] || die "source/$rel:$n: @entry has no stubs"
            add_target "$target" "${BASH_REMATCH[3]}" "source/$rel:$n"
            continue
        fi
        if [[ "$line" =~ ^#\ plugin:\ ([a-z0-9-]+):\ (.+)$ ]]; then
            PLUGINS+=("${BASH_REMATCH[1]}")
            ABOUT["${BASH_REMATCH[1]}"]="${BASH_REMATCH[2]}"
            continue
        fi
        [[ "$line" =~ ^[[:space:]]*$ ]] && continue
        # Comments go, but for shellcheck's directives inside a section (a source file's own first
        # line is replaced by the generated file's).
        if [[ "$line" =~ ^[[:space:]]*# ]] && [[ -z "$target" || ! "$line" =~ ^[[:space:]]*#\ shellcheck\  ]]; then
            continue
        fi
        [[ -n "$target" ]] || die "source/$rel:$n: code before the first '# layout:' line"
        if [[ "$line" =~ ^([a-z_][a-z0-9_]*)\(\)\ \{ ]]; then
            fn="${BASH_REMATCH[1]}"
            [[ "$target" != @entry ]] || die "source/$rel:$n: $fn(): functions do not go into the entry scripts"
            [[ -z "${DEFINED_IN["$fn"]:-}" ]] ||
                die "source/$rel:$n: $fn() is defined a second time (first in ${DEFINED_IN["$fn"]%%|*})"
            DEFINED_IN["$fn"]="source/$rel:$n|$target"
            # The definition line keeps its way back to source/ (a comment costs bash next to nothing).
            [[ "$line" == "$fn() {" ]] && line+=" # source/$rel:$n"
        fi
        TEXT["$target"]+="$line"$'\n'
    done < "$file"
}

# stubs: append to each host the stubs of the functions of its lazy files that other files name.
stubs() {
    local name host fn def words other
    local -A named=()
    local -a fns
    mapfile -t fns < <(printf '%s\n' "${!DEFINED_IN[@]}" | sort)
    # Every word of every generated piece, with the pieces it occurs in.
    for name in "${TARGETS[@]}"; do
        while IFS= read -r fn; do
            named["$fn"]+=" $name "
        done < <(grep -o -E '[a-z_][a-z0-9_]*' <<<"${TEXT["$name"]}" | sort -u)
    done
    for name in "${TARGETS[@]}"; do
        host="${LAZY_HOST["$name"]}"
        [[ -n "$host" ]] || continue
        [[ -n "${TEXT["$host"]+set}" && -z "${LAZY_HOST["$host"]}" && "$host" != @entry ]] ||
            die "lib/$name.sh puts its stubs in lib/$host.sh, which is not a file read at start"
        for fn in "${fns[@]}"; do
            def="${DEFINED_IN["$fn"]}"
            [[ "${def#*|}" == "$name" ]] || continue
            words="${named["$fn"]:-}"
            other="${words// "$name" /}"
            [[ -n "${other// /}" ]] || continue
            TEXT["$host"]+="$fn() { cni_lazy $name $fn \"\$@\"; }"$'\n'
        done
    done
}

# check_sources: every "cni_source NAME" names a file read on first use.
check_sources() {
    local name lib
    for name in "${TARGETS[@]}"; do
        while IFS= read -r lib; do
            [[ -n "$lib" ]] || continue
            [[ -n "${LAZY_HOST["$lib"]:-}" ]] || die "lib/$name.sh: cni_source $lib, but lib/$lib.sh is not a file read on first use"
        done < <(sed -n -E 's/^[[:space:]]*cni_source ([a-z0-9-]+)[[:space:]]*$/\1/p' <<<"${TEXT["$name"]}")
    done
}

# write_layout DIR: the entry scripts and lib/*.sh into DIR (lib/ holds exactly the generated files).
write_layout() {
    local dir="$1" name plugin host
    mkdir -p -- "$dir/lib"
    rm -f -- "$dir"/lib/*.sh
    for name in "${TARGETS[@]}"; do
        [[ "$name" != @entry ]] || continue
        host="${LAZY_HOST["$name"]}"
        {
            # SC2120: a stub passes its arguments on, also to a function that takes none.
            printf '# shellcheck shell=bash disable=SC2034,SC2120\n# %s\n' "$GENERATED"
            if [[ -n "$host" ]]; then
                printf '# lib/%s.sh: read on first use (stubs in lib/%s.sh)\n' "$name" "$host"
            else
                printf '# lib/%s.sh: read at start\n' "$name"
            fi
            printf '%s' "${TEXT["$name"]}"
        } > "$dir/lib/$name.sh"
    done
    for plugin in "${PLUGINS[@]}"; do
        {
            printf '#!/bin/bash\n# %s: %s\n# %s\nBASH_CNI_PLUGIN=%s\n' "$plugin" "${ABOUT["$plugin"]}" "$GENERATED" "$plugin"
            printf '%s' "${TEXT[@entry]}"
        } > "$dir/$plugin"
        chmod 0755 "$dir/$plugin"
    done
}

main() {
    local out="" f tmp old
    while (( $# )); do
        case "$1" in
            --out) [[ $# -ge 2 ]] || die "--out needs a directory"; out="$2"; shift ;;
            -*) die "usage: build-layout.sh DIR" ;;
            *) [[ -z "$out" ]] || die "usage: build-layout.sh DIR"; out="$1" ;;
        esac
        shift
    done
    [[ -n "$out" ]] || die "usage: build-layout.sh DIR (the layout is a build output: name where it goes)"
    # The repository holds the source only (a copy of it, such as a broken variant's, may be built in place).
    [[ "$(cd -- "$out" 2>/dev/null && pwd)" != "$HERE" || ! -f "$HERE/../../BashCni.sln" ]] ||
        die "$out is the repository's plugin source: the layout goes elsewhere (e.g. artifacts/plugin)"
    [[ -d "$SRC" ]] || die "no source directory $SRC"
    for f in "$SRC"/*.sh "$SRC"/cmd/*.sh; do
        [[ -f "$f" ]] && read_source "$f"
    done
    [[ -n "${TEXT[@entry]:-}" ]] || die "no '# layout: @entry' section in source/"
    (( ${#PLUGINS[@]} )) || die "no '# plugin: NAME: TEXT' line in source/"
    check_sources
    stubs
    # Written beside DIR first, then moved in: a plugin running from DIR sees the old layout or the new one.
    mkdir -p -- "$out"
    tmp="$(mktemp -d -- "${out%/}.build.XXXXXX")"
    write_layout "$tmp"
    [[ ! -f "$HERE/install.sh" ]] || cp -p -- "$HERE/install.sh" "$tmp/install.sh"
    old="$tmp/old"
    mkdir -p -- "$old"
    [[ ! -e "$out/lib" ]] || mv -- "$out/lib" "$old/lib"
    mv -- "$tmp/lib" "$out/lib"
    for f in "$tmp"/*; do
        [[ -f "$f" ]] && mv -f -- "$f" "$out/"
    done
    rm -rf -- "$tmp"
}

main "$@"
