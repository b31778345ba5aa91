namespace BashCni.Tests.Netns.Faults;

/// <summary>
/// Shell functions the gate trials share (prepended to <see cref="ProgressGateScripts.Trial"/>,
/// <see cref="BridgeRaceScript"/> and <see cref="FailedDelScript"/>). They expect the events FIFO on fd 3 and the
/// gate directory in <c>$gate</c>; nothing in them waits for time (the 0.01 s reads are ticks between looks).
/// <list type="bullet">
/// <item><c>group_left PGID</c>: true while a live (not zombie) process of process group PGID exists; a /proc entry
/// that vanishes while it is read is a process that ended, not a reason to stop looking.</item>
/// <item><c>release EV</c>: when EV is "reached STEP PID", lets that gate go (a line on <c>go-STEP</c>, when that FIFO exists); used for every
/// gate reached after the ordered part of a trial, so no process is ever left waiting at a gate.</item>
/// <item><c>drain PGID WHAT</c>: until no process of PGID is left, lets go every gate one of them reaches; prints
/// "timeout waiting for WHAT" when the guard of 6000 looks runs out.</item>
/// </list>
/// </summary>
public static class GateShell
{
    public const string Functions = """
        group_left() {
            local stat line pg state
            for stat in /proc/[0-9]*/stat; do
                { line=$(<"$stat"); } 2>/dev/null || continue
                read -r state _ pg _ <<<"${line##*) }"
                [[ "$pg" != "$1" || "$state" == Z ]] || return 0
            done
            return 1
        }
        release() {
            local step
            [[ "$1" == "reached "* ]] || return 0
            step=${1#reached }
            step=${step%% *}
            [[ ! -p "$gate/go-$step" ]] || echo go 1<>"$gate/go-$step"
        }
        drain() {
            local i ev
            for ((i = 0; i < 6000; i++)); do
                group_left "$1" || return 0
                if IFS= read -r -t 0.01 -u 3 ev; then release "$ev"; fi
            done
            echo "timeout waiting for $2"
        }

        """;
}
