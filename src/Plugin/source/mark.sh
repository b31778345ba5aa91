# shellcheck shell=bash disable=SC2034
# The attachment's mark (bash-cni only): <dataDir>/<name>/.ids/.lock-<containerID>:<ifname> says
# "adding" from before ADD starts its first process until ADD is done ("adding <ip>" before the
# reservation file is made, see ipam_allocate). A runtime that gives up on an ADD kills it (SIGKILL)
# and calls DEL at once, but the `ip` the ADD started may still be creating the pair: a DEL that finds
# the mark first waits until no process of that ADD is left (mark_wait_orphans), then deletes. After
# a normal ADD the file is empty and DEL does not wait; DEL removes the file (ipam_release).
# Globals: MARK MARK_NEW (the mark file of this ADD and whether it made it; what add_undo_mark gives back).

# layout: start
MARK=""                  # the attachment's mark file; MARK_NEW = this ADD created it
MARK_NEW=""

# layout: add-start
# mark_try_write FILE: write the mark FILE ("adding"; MARK, MARK_NEW = the file is new). 1 = it could
# not be written (MARK is then empty). The caller pushes the undo step.
mark_try_write() {
    MARK="$1"
    MARK_NEW=1
    [[ ! -e "$MARK" ]] || MARK_NEW=""
    { printf 'adding\n' >| "$MARK"; } 2>/dev/null || { MARK=""; return 1; }
}

# layout: bash-cni

# mark_path VAR: VAR = the attachment's mark file ("" if the name would be too long).
mark_path() {
    local key="$CNI_CONTAINERID:$CNI_IFNAME"
    printf -v "$1" '%s' ""
    (( ${#key} > 240 )) || printf -v "$1" '%s' "$IPAM_INDEX_DIR/.lock-$key"
}

# layout: add < bash-cni
# mark_begin FILE: ADD, before its first process: write the mark FILE (MARK; MARK_NEW = the file is
# new), the index directory made first if needed (code 5). No FILE (the name is too long): no mark.
mark_begin() {
    MARK=""
    MARK_NEW=""
    [[ -n "$1" ]] || return 0
    if [[ ! -d "$IPAM_INDEX_DIR" ]]; then
        mkdir -p -- "$IPAM_INDEX_DIR" 2>/dev/null || [[ -d "$IPAM_INDEX_DIR" ]] ||
            cni_error 5 "cannot create $IPAM_INDEX_DIR"
    fi
    mark_try_write "$1" || cni_error 5 "cannot write $1"
}

# mark_end: ADD is done and none of its processes runs any more: clear the mark.
mark_end() {
    [[ -z "$MARK" ]] || { : >| "$MARK"; } 2>/dev/null || true
}

# layout: bash-cni-extra < bash-cni
# mark_drop FILE NEW: remove a mark this ADD created (NEW), or clear one that was there before.
mark_drop() {
    if [[ -n "$2" ]]; then
        rm -f -- "$1" 2>/dev/null || true
    else
        { : >| "$1"; } 2>/dev/null || true
    fi
}

# mark_wait_orphans: DEL of a marked attachment (see the top of this file): wait until no process
# of the ADD that marked it is left, since its `ip` may still be creating the pair. They are found
# by the environment every process of that ADD inherited: CNI_COMMAND=ADD with this CNI_CONTAINERID
# and CNI_IFNAME (/proc/<pid>/environ). Still there after lockTimeout → code 11.
mark_wait_orphans() {
    local f env found int frac deadline
    local -a vars
    local want=$'\n'"CNI_CONTAINERID=$CNI_CONTAINERID"$'\n' want_if=$'\n'"CNI_IFNAME=$CNI_IFNAME"$'\n'
    int="${IPAM_LOCK_TIMEOUT%%.*}"
    frac=""
    [[ "$IPAM_LOCK_TIMEOUT" != *.* ]] || frac="${IPAM_LOCK_TIMEOUT#*.}"
    frac="${frac}000000"
    deadline=$(( ${EPOCHREALTIME/[.,]/} + 10#$int * 1000000 + 10#${frac:0:6} ))
    while :; do
        found=""
        for f in /proc/[0-9]*/environ; do
            [[ "$f" != "/proc/$BASHPID/environ" ]] || continue
            vars=()
            { mapfile -d '' -t vars < "$f"; } 2>/dev/null || continue
            (( ${#vars[@]} )) || continue
            printf -v env '\n%s' "${vars[@]}"
            env+=$'\n'
            if [[ "$env" == *$'\nCNI_COMMAND=ADD\n'* && "$env" == *"$want"* && "$env" == *"$want_if"* ]]; then
                found="${f#/proc/}"
                found="${found%/environ}"
                break
            fi
        done
        [[ -n "$found" ]] || return 0
        if (( ${EPOCHREALTIME/[.,]/} > deadline )); then
            cni_error 11 "$CNI_CONTAINERID/$CNI_IFNAME is busy: process $found of an earlier ADD still runs after ${IPAM_LOCK_TIMEOUT}s"
        fi
        sleep 0.02
    done
}
