namespace BashCni.Tests.Netns.Faults;

/// <summary>
/// Two ADDs on a node without a bridge, ordered by gates (<see cref="ProgressGateScripts.Gate"/>): A is held in its
/// bridge-creating <c>ip</c> batch (it holds the bridge's lock file, the bridge does not exist yet); B is let go into
/// its <c>flock</c> of that lock only then, and A is let go only once the kernel shows B blocked in flock(2)
/// (a waiter line "N: -> FLOCK … PID …" of B's flock in <c>/proc/locks</c>, the same on every architecture). Args: PLUGIN CONF GATE ID_A NETNS_A ID_B NETNS_B ARGS_A ARGS_B.
/// Every gate reached after that order (again, or by a broken plugin out of it) is let go at once, and the script ends
/// only when nothing either ADD started is left (<see cref="GateShell"/>).
/// Prints: a-holds-bridge-lock, b-blocked-on-lock | b-passed-lock-while-a-held-it, a-exit N, b-exit N.
/// </summary>
public static class BridgeRaceScript
{
    public const string Text = GateShell.Functions + """
        set -uo pipefail
        # flock_waiter PID: the kernel lists PID as blocked on a flock lock (/proc/locks, any architecture).
        flock_waiter() {
            local _n arrow kind _m _a lpid _rest
            while read -r _n arrow kind _m _a lpid _rest; do
                [[ "$arrow" == "->" && "$kind" == FLOCK && "$lpid" == "$1" ]] && return 0
            done </proc/locks
            return 1
        }
        plugin=$1 conf=$2 gate=$3 ida=$4 nsa=$5 idb=$6 nsb=$7 argsa=$8 argsb=$9 bstep=${10}
        mkdir -p "$gate/bin" && mkfifo "$gate/events" "$gate/go-bridge" "$gate/go-bridge-lock" || exit 2
        for p in ip flock sleep; do ln -s ../../gate.sh "$gate/bin/$p"; done
        exec 3<>"$gate/events"
        # An ADD runs as the leader of its own process group, its pid in OUT.pid (see the end of the script).
        # shellcheck disable=SC2016  # $$, $1 and $@ belong to the inner bash
        add() { # ID NETNS ARGS STEP OUT
            setsid bash -c 'echo "$$" >"$1"; shift; exec "$@"' add "$gate/$5.pid" env CNI_COMMAND=ADD "CNI_CONTAINERID=$1" "CNI_NETNS=$2" CNI_IFNAME=eth0 "CNI_ARGS=$3" "CNI_PATH=${plugin%/*}" \
                "BASHCNI_GATE_DIR=$gate" "BASHCNI_GATE_STEP=$4" "PATH=$gate/bin:$PATH" "$plugin" <"$conf" >"$gate/$5.out" 2>&1
        }
        next() { IFS= read -r -t 120 -u 3 ev || { echo "timeout waiting for $1"; ev=timeout; }; }
        ( add "$ida" "$nsa" "$argsa" bridge a; echo "a-exit $?" >&3 ) &
        next "A to reach its bridge batch"
        [[ "$ev" == "reached bridge "* ]] && echo a-holds-bridge-lock || echo "a: $ev"
        ( add "$idb" "$nsb" "$argsb" "$bstep" b; echo "b-exit $?" >&3 ) &
        next "B to reach the bridge lock"
        ended=""
        case "$ev" in
            "reached bridge-lock-timeout "*)
                # B goes on as after its lock timed out and sets up the bridge itself, A still held.
                echo b-lock-timed-out
                next "B to end"; release "$ev"; ended=$ev ;;
            "reached bridge-lock "*)
                pid=${ev##* }
                echo go 1<>"$gate/go-bridge-lock"
                # The real flock now runs as that pid: wait until the kernel lists it as a blocked waiter of a flock
                # lock ("N: -> FLOCK ADVISORY WRITE PID ..." in /proc/locks). A flock that ended is no waiter: its
                # ADD's exit follows as an event.
                for ((i = 0; i < 6000; i++)); do
                    if flock_waiter "$pid"; then
                        echo b-blocked-on-lock; break
                    fi
                    if IFS= read -r -t 0.01 -u 3 ev; then
                        release "$ev"
                        [[ "$ev" != [ab]-exit* ]] || { ended=$ev; break; }
                    fi
                done
                [[ -n "$ended" ]] || (( i < 6000 )) || echo "timeout waiting for B to block in flock" ;;
            *) echo "b-passed-lock-while-a-held-it ($ev)"; ended=$ev ;;
        esac
        echo go 1<>"$gate/go-bridge"
        exits=0
        if [[ "$ended" == [ab]-exit* ]]; then echo "$ended"; exits=1; fi
        # From here on every gate reached (again, or out of the expected order) is let go at once.
        while (( exits < 2 )); do
            next "the ADDs to end"
            [[ "$ev" != timeout ]] || break
            release "$ev"
            if [[ "$ev" == [ab]-exit* ]]; then echo "$ev"; exits=$(( exits + 1 )); fi
        done
        echo "a-out $(tr '\n' ' ' <"$gate/a.out")"
        echo "b-out $(tr '\n' ' ' <"$gate/b.out")"
        # Nothing an ADD started may stay behind waiting at a gate: wait until both groups are gone.
        for tag in a b; do
            [[ ! -s "$gate/$tag.pid" ]] || drain "$(<"$gate/$tag.pid")" "what ADD $tag started to end"
        done
        wait
        """;
}
