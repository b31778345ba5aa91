namespace BashCni.Tests.Netns.Faults;

/// <summary>
/// A DEL that fails (its config is invalid) after it started its background <c>ip link del</c>: that <c>ip</c> is a
/// stand-in first on DEL's PATH which reports "reached del WPID PLUGINPID" on <c>events</c> and waits for a line on
/// <c>go-del</c>. The script holds it until either DEL exits (it left its <c>ip</c> running) or the kernel shows DEL
/// blocked reading that <c>ip</c>'s output pipe (<c>/proc/PID/wchan</c> names the kernel's pipe read, and the first
/// argument in <c>/proc/PID/syscall</c> is the descriptor of the pipe that is the
/// <c>ip</c>'s stderr, where it writes its output; its stdout is briefly the events FIFO); nothing waits for time. Args: PLUGIN CONF GATE ID NETNS.
/// DEL runs as the leader of its own process group, so an <c>ip</c> it left behind before that <c>ip</c> reached
/// the gate is still seen (a live member of the group, <see cref="GateShell"/>) once DEL has exited.
/// Prints: reached-del, del-waits-for-its-ip | del-exited-while-its-ip-ran, del-exit N, del-out ….
/// </summary>
public static class FailedDelScript
{
    public const string Text = GateShell.Functions + """
        set -uo pipefail
        plugin=$1 conf=$2 gate=$3 id=$4 netns=$5
        mkdir -p "$gate/bin" && mkfifo "$gate/events" "$gate/go-del" "$gate/tick" || exit 2
        cat >"$gate/bin/ip" <<'IP'
        #!/bin/bash
        real="$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v ip)"
        if [[ "${1:-} ${2:-}" == "link del" ]]; then
            exec 9<>"$BASHCNI_GATE_DIR/go-del"
            printf 'reached del %d %d\n' "$$" "$PPID" 1<>"$BASHCNI_GATE_DIR/events"
            IFS= read -r _ <&9
            exec 9<&-
        fi
        exec "$real" "$@"
        IP
        chmod +x "$gate/bin/ip"
        exec 3<>"$gate/events" 4<>"$gate/tick"
        next() { IFS= read -r -t 120 -u 3 ev || { echo "timeout waiting for $1"; ev=timeout; }; }
        # DEL runs as the leader of its own process group (its pid in del.pid): whatever it started and left
        # running is still in that group when DEL has exited.
        # shellcheck disable=SC2016  # $$ and $1 belong to the inner bash
        ( setsid bash -c 'echo "$$" >"$1/del.pid"; shift; exec "$@"' del "$gate" \
            env CNI_COMMAND=DEL "CNI_CONTAINERID=$id" "CNI_NETNS=$netns" CNI_IFNAME=eth0 "CNI_PATH=${plugin%/*}" \
            "BASHCNI_GATE_DIR=$gate" "PATH=$gate/bin:$PATH" "$plugin" <"$conf" >"$gate/del.out" 2>&1
          echo "del-exit $?" >&3 ) &
        next "DEL to start its ip link del"
        ended=""
        # DEL may exit before the ip it started reaches the gate: that ip is then still in DEL's group.
        if [[ "$ev" == del-exit* ]]; then
            ended=$ev
            if group_left "$(<"$gate/del.pid")"; then next "the ip DEL left running to reach the gate"; fi
        fi
        if [[ "$ev" == "reached del "* ]]; then
            echo reached-del
            read -r _ _ wpid pid <<<"$ev"
            wpipe=$(readlink "/proc/$wpid/fd/2")
            [[ -z "$ended" ]] || echo del-exited-while-its-ip-ran
            for ((i = 0; i < 6000 && ${#ended} == 0; i++)); do
                if read -r _ fd _ 2>/dev/null <"/proc/$pid/syscall" && [[ "$(cat "/proc/$pid/wchan" 2>/dev/null)" == *pipe_read ]] &&
                    [[ "$(readlink "/proc/$pid/fd/$((fd))" 2>/dev/null)" == "$wpipe" ]]; then
                    echo del-waits-for-its-ip
                    break
                fi
                if read -r -t 0.01 -u 3 ev; then
                    ended=$ev
                    echo del-exited-while-its-ip-ran
                    break
                fi
            done
        else
            echo "no ip link del seen ($ev)"; [[ -n "$ended" ]] || ended=$ev
        fi
        echo go 1<>"$gate/go-del"
        # A DEL that did not wait left its ip behind: wait for that ip to end, so the node is left clean.
        if [[ -n "${wpid:-}" ]]; then
            for ((i = 0; i < 6000; i++)); do
                read -r _ _ state _ 2>/dev/null <"/proc/$wpid/stat" || break
                [[ "$state" != Z ]] || break
                read -r -t 0.01 -u 4 _ || true
            done
        fi
        [[ "$ended" == del-exit* ]] || next "DEL to end"
        [[ "$ended" == del-exit* ]] || ended=$ev
        echo "$ended"
        echo "del-out $(tr '\n' ' ' <"$gate/del.out")"
        wait
        """;
}
