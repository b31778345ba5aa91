# shellcheck shell=bash disable=SC2034
# Undoing a failed command: every acquisition (the mark, the pair, the address, DEL's background
# `ip`) pushes the step that undoes it right after it succeeded (undo_push); cni_error runs them
# newest first (undo_run); a command that succeeded drops them (undo_clear). ADD's steps are here;
# DEL's (link_reap_del) is in link.sh.
# Globals: CNI_UNDO, the undo stack. The state each step gives back is named at the top of its own file
# (mark.sh, link.sh, store.sh, early.sh).

# layout: start
CNI_UNDO=()              # undo steps (function names), pushed right after what they undo started

# undo_push FUNCTION: FUNCTION undoes (or finishes) what was just started; a failure runs every
# pushed FUNCTION once, newest first, before the error is reported (undo_run, from cni_error). Each
# must be harmless when what it undoes was already finished the normal way. A step pushed again
# keeps its first place. A command that succeeded drops them (undo_clear).
undo_push() {
    local step
    for step in "${CNI_UNDO[@]}"; do
        [[ "$step" != "$1" ]] || return 0
    done
    CNI_UNDO+=("$1")
}

undo_run() {
    local -a steps=("${CNI_UNDO[@]}")
    local i
    CNI_UNDO=()
    for (( i = ${#steps[@]} - 1; i >= 0; i-- )); do
        "${steps[i]}" || true
    done
}

undo_clear() {
    CNI_UNDO=()
}

# undo_drop FUNCTION: FUNCTION is no longer needed (what it undoes was taken over or undone already).
undo_drop() {
    local step
    local -a kept=()
    for step in "${CNI_UNDO[@]}"; do
        [[ "$step" == "$1" ]] || kept+=("$step")
    done
    CNI_UNDO=("${kept[@]}")
}

# layout: bash-cni-extra < bash-cni
# ADD's undo steps, each pushed in cmd_add (undo_push) right after what it undoes was acquired; a
# failure runs them newest first: the address, then the pair, then the mark.

# add_undo_address: give the address back (the built-in store releases it with the mark, which
# names it; a delegated ipam plugin gets a DEL).
add_undo_address() {
    local released
    if [[ -n "$LAB_IPAM" ]]; then
        ipam_unlock
        ipam_lock
        ipam_release released "$CNI_CONTAINERID" "$CNI_IFNAME" "$MARK"
        ipam_unlock
        MARK=""
    else
        delegate_run DEL "$CFG_IPAM_TYPE" >/dev/null 2>&1 || true
    fi
}

# add_undo_link: end the waiting pod `ip`, collect the one creating the pair, delete the pair if this
# ADD made it.
add_undo_link() {
    link_abort_pod
    link_wait_veth
    if [[ -n "$LINK_CREATED" ]]; then
        link_del "${LINK_ARGS[0]}" || true
        LINK_CREATED=""
    fi
}

# add_undo_mark: drop the mark this ADD wrote (or clear one that was there before it).
add_undo_mark() {
    [[ -z "$MARK" ]] || mark_drop "$MARK" "$MARK_NEW"
    return 0
}
