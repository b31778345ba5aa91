namespace BashCni.Tests.Netns.Faults;

/// <summary>
/// The shell side of the kill trials (<see cref="KillPoints"/>): a gate that stands in for the plugin's <c>ip</c>,
/// <c>flock</c> and <c>sleep</c> (first on the plugin's PATH) and one trial script. Synchronisation is by FIFOs only:
/// a gated program reports "reached STEP" on <c>events</c> and waits for a line on <c>go</c>; nothing waits for time.
/// </summary>
public static class ProgressGateScripts
{
    /// <summary>
    /// The gate: installed as <c>ip</c>, <c>flock</c> and <c>sleep</c> in <c>GATE/bin</c>. It knows these steps of an ADD
    /// (by the environment the plugin's processes inherit): <c>lock</c> (the helper's <c>flock</c> of the store lock),
    /// <c>bridge-lock</c> (the <c>flock</c> of the bridge's lock file), <c>pair</c> (the <c>ip</c> batch that creates
    /// the veth pair), <c>bridge</c> (the <c>ip</c> batch that creates the bridge), <c>pod</c> (the <c>ip</c> in the pod namespace, before it
    /// runs) and <c>pod-done</c> (the same <c>ip</c> after it configured the pod end, before it exits); and of a DEL:
    /// <c>del-waits</c> (DEL's <c>sleep</c> between two looks for the processes of a killed ADD — reported, never held).
    /// <c>bridge-lock-timeout</c> makes the bridge lock's <c>flock</c> fail at once, as its timeout would.
    /// With <c>BASHCNI_GATE_STEP</c> naming the step, the program reports and waits for a line on <c>go-STEP</c>; anything else runs the real
    /// program at once. The FIFOs are opened read-write, so neither side ever blocks in open(); a gate opens its
    /// <c>go</c> FIFO before it reports, so a "go" written right after the report cannot be lost.
    /// </summary>
    public const string Gate = """
        #!/bin/bash
        set -uo pipefail
        name="${0##*/}" gate="${BASHCNI_GATE_DIR:?}" step=""
        real="$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v "$name")"
        [[ -n "$real" ]] || { echo "gate: no $name found" >&2; exit 127; }
        case "$name:${CNI_COMMAND:-}" in
            flock:ADD)
                step=bridge-lock
                [[ " $* " != *" -E "* ]] || step=lock ;;
            ip:ADD)
                if [[ " $* " == *" -n "* || ( -n "${CNI_NETNS:-}" && /proc/self/ns/net -ef "${CNI_NETNS:-}" ) ]]; then
                    step=pod
                elif [[ " $* " == *" -batch "* ]]; then
                    # The batch is read here to tell the pair from the bridge, then handed to the real ip.
                    input="$(cat; echo x)"; input="${input%x}"
                    step=pair
                    [[ "$input" != *" type bridge"* ]] || step=bridge
                    if [[ "${BASHCNI_GATE_STEP:-}" == "$step" ]]; then
                        exec 9<>"$gate/go-$step"
                        printf 'reached %s %d\n' "$step" "$$" 1<>"$gate/events"
                        IFS= read -r _ <&9
                        exec 9<&-
                    fi
                    exec "$real" "$@" <<<"$input"
                fi ;;
            sleep:DEL) step=del-waits ;;
        esac
        if [[ "$step" == bridge-lock && "${BASHCNI_GATE_STEP:-}" == bridge-lock-timeout ]]; then
            printf 'reached bridge-lock-timeout %d\n' "$$" 1<>"$gate/events"
            exit 1 # what flock -w says when the lock was not obtained in time
        fi
        if [[ "$step" == del-waits ]]; then
            printf 'del-waits %d\n' "$$" 1<>"$gate/events"
            exec "$real" "$@"
        fi
        if [[ -n "$step" && "${BASHCNI_GATE_STEP:-}" == "$step" ]]; then
            exec 9<>"$gate/go-$step"
            printf 'reached %s %d\n' "$step" "$$" 1<>"$gate/events"
            IFS= read -r _ <&9
            exec 9<&- "$real" "$@"
        fi
        if [[ -n "$step" && "${BASHCNI_GATE_STEP:-}" == "$step-done" ]]; then
            rc=0
            "$real" "$@" || rc=$?
            exec 9<>"$gate/go-$step-done"
            printf 'reached %s-done %d\n' "$step" "$$" 1<>"$gate/events"
            IFS= read -r _ <&9
            exit "$rc"
        fi
        exec "$real" "$@"
        """;

    /// <summary>
    /// One trial: ADD (gated at GATE_STEP and/or killed by strace at the WHEN-th STRACE_CALL on STRACE_FILE), SIGKILL
    /// when the gate is reached, the state right after the kill ("observed ..."), then the runtime's DEL started at once
    /// — while a held process of the ADD still runs, DEL must be seen waiting ("del-waits") before the gate is opened.
    /// The script's own environment carries no CNI_* variables: DEL finds the killed ADD's processes by theirs.
    /// Args: PLUGIN CONF GATE ID NETNS POD_NS ARGS STORE IP GATE_STEP STRACE_FILE STRACE_CALL WHEN.
    /// The ADD reports its own pid before it starts (so that report comes before any gate's) and leads its own process
    /// group; a gate reached after the ordered part is let go at once, and the script ends only when no process of
    /// that group is left (<see cref="GateShell"/>).
    /// Prints: reached STEP, add-exit N, observed WORD..., del-waited yes|no, del-exit N, del-out TEXT.
    /// </summary>
    public const string Trial = GateShell.Functions + """
        set -uo pipefail
        plugin=$1 conf=$2 gate=$3 id=$4 netns=$5 podns=$6 args=$7 store=$8 ip=$9 step=${10} sfile=${11} scall=${12} swhen=${13}
        mkdir -p "$gate/bin" && mkfifo "$gate/events" "$gate/go-$step" || exit 2
        for p in ip flock sleep; do ln -s ../../gate.sh "$gate/bin/$p"; done
        exec 3<>"$gate/events"
        cni=(env "CNI_CONTAINERID=$id" "CNI_NETNS=$netns" CNI_IFNAME=eth0 "CNI_ARGS=$args" "CNI_PATH=${plugin%/*}"
             "BASHCNI_GATE_DIR=$gate" "PATH=$gate/bin:$PATH")
        run=("$plugin")
        if [[ -n "$sfile" ]]; then
            run=(strace -qq -o /dev/null -P "$sfile" -e "trace=$scall" -e "inject=$scall:signal=KILL:when=$swhen" "$plugin")
        fi
        next() { # next event line into ev (a missing event is reported after 120 s: a guard against a hang, not a bound)
            IFS= read -r -t 120 -u 3 ev || { echo "timeout waiting for $1"; ev=timeout; }
        }
        # ADD reports its pid itself before it starts, so "add-pid" comes before anything the ADD does, and it runs
        # as the leader of its own process group: whatever it started is still found when it was killed.
        # shellcheck disable=SC2016  # $$ and $@ belong to the inner bash
        ( setsid bash -c 'printf "add-pid %d\n" "$$" >&3; exec "$@"' add \
            "${cni[@]}" CNI_COMMAND=ADD "BASHCNI_GATE_STEP=$step" "${run[@]}" <"$conf" >"$gate/add.out" 2>"$gate/add.err"
          echo "add-exit $?" >&3 ) &
        next add-pid; pid=${ev#add-pid }
        held="" ended=""
        while [[ -z "$ended" || ( -n "$step" && -z "$held" ) ]]; do
            next "ADD to reach ${step:-its end}"
            case "$ev" in
                "reached $step "*) held=1; echo "reached $step"; [[ -n "$sfile" ]] || kill -9 "$pid" ;;
                add-exit*) ended=1; echo "$ev"; [[ -n "$sfile" || -n "$held" ]] || break ;;
                timeout) break ;;
            esac
        done
        obs=()
        mark="$store/.ids/.lock-$id:eth0" res="$store/$ip" idx="$store/.ids/$id:eth0"
        if [[ ! -e "$mark" ]]; then obs+=(mark-none); elif [[ -s "$mark" ]]; then obs+=(mark-adding); else obs+=(mark-empty); fi
        if [[ -e "$res" ]]; then
            c="$(cat -- "$res"; echo x)"; c="${c%x}"
            if [[ -z "$c" ]]; then obs+=(reservation-empty)
            elif [[ "$c" == "$id"$'\r\n' ]]; then obs+=(reservation-id-line)
            elif [[ "$c" == "$id"$'\r\neth0' ]]; then obs+=(reservation-complete)
            else obs+=(reservation-other); fi
        else obs+=(reservation-none); fi
        if [[ -s "$idx" ]]; then obs+=(index); else obs+=(index-none); fi
        if ip -o link show type veth | grep -v ': eth0@' | grep -q .; then obs+=(veth); else obs+=(veth-none); fi
        if ip -n "$podns" -o addr show dev eth0 2>/dev/null | grep -q " $ip/"; then obs+=(pod-address); else obs+=(pod-address-none); fi
        if [[ -s "$gate/add.out" ]]; then obs+=(result); else obs+=(result-none); fi
        echo "observed ${obs[*]}"
        ( "${cni[@]}" CNI_COMMAND=DEL "$plugin" <"$conf" >"$gate/del.out" 2>"$gate/del.err"; echo "del-exit $?" >&3 ) &
        waited=no
        if [[ -n "$held" ]]; then
            next "DEL to wait or end"
            [[ "$ev" == del-waits* ]] && waited=yes
            echo go 1<>"$gate/go-$step"
        fi
        # A process of the ADD that reaches a gate only now (the expected order did not happen) is let go at once.
        while [[ "$ev" != del-exit* && "$ev" != timeout ]]; do release "$ev"; next del-exit; done
        echo "del-waited $waited"
        echo "$ev"
        echo "del-out $(tr '\n' ' ' <"$gate/del.out") $(tr '\n' ' ' <"$gate/del.err")"
        # Nothing of the killed ADD may stay behind waiting at a gate: wait until its group is gone.
        [[ "$pid" != *[!0-9]* && -n "$pid" ]] && drain "$pid" "the killed ADD's processes to end"
        wait
        """;
}
