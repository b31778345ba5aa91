using BashCni.Harness;
using BashCni.Harness.Reporting;
using BashCni.Harness.Sandbox;
using NUnit.Framework;

namespace BashCni.Tests.Unit.Plugin;

/// <summary>
/// Two calls cross the log's size limit in the same generation: the one that rotates last must not rename the newer
/// log over the generation the other just rotated (its lines, and the whole previous generation, would be lost). The
/// interleaving is made by progress, not time: writer B writes its line, then stops at its first external command of
/// the rotation (flock or mv, shims that wait for a gate file after marking that they were reached); meanwhile A
/// writes and rotates, C writes a line to the new log; then the gate opens and B finishes.
/// </summary>
[Category("Unit")]
[Feature("Plugin log")]
public sealed class LogRotationRaceTests
{
    private const string Script = """
        set -euo pipefail
        dir="$1" lib="$2"
        mkdir -p "$dir/shim"
        for tool in flock mv; do
          real="$(command -v "$tool")"
          printf '#!/bin/bash\n: > "%s/reached"\nwhile [[ ! -e "%s/gate" ]]; do sleep 0.02; done\nexec %s "$@"\n' \
            "$dir" "$dir" "$real" > "$dir/shim/$tool"
          chmod +x "$dir/shim/$tool"
        done
        cat > "$dir/writer.sh" <<'W'
        source "$1"
        CNI_LOG_MAX_BYTES=1000
        CNI_LOG_FILE="$2"
        CNI_COMMAND=ADD CNI_CONTAINERID="$3"
        cni_log ok
        W
        head -c 1500 /dev/zero | tr '\0' 'x' > "$dir/log"; echo >> "$dir/log"
        PATH="$dir/shim:$PATH" bash "$dir/writer.sh" "$lib" "$dir/log" writer-b & b=$!
        until [[ -e "$dir/reached" ]]; do
          kill -0 "$b" 2>/dev/null || { echo "writer B ended without reaching the rotation"; exit 3; }
          sleep 0.02
        done
        bash "$dir/writer.sh" "$lib" "$dir/log" writer-a
        bash "$dir/writer.sh" "$lib" "$dir/log" writer-c
        : > "$dir/gate"
        wait "$b"
        for f in log.1 log; do
          printf '== %s %s\n' "$f" "$( [[ -e "$dir/$f" ]] && wc -c < "$dir/$f" || echo absent)"
          [[ -e "$dir/$f" ]] && grep -o 'id=writer-[abc]' "$dir/$f" || true
        done
        """;

    [Test]
    public async Task ALateRotationKeepsTheGenerationAnotherWriterRotated()
    {
        var dir = Directory.CreateTempSubdirectory("bashcni-lograce-").FullName;
        try
        {
            var lib = Path.Combine(RepoPaths.PluginSource, "source", "cni.sh");
            // The order is made by progress; the timeout only guards against a hang (a loaded machine is slow, not wrong).
            var run = await LocalRunner.Instance.RunAsync("bash", ["-c", Script, "race", dir, lib], new CommandOptions { Timeout = TimeSpan.FromMinutes(10) });
            Evidence.Attach("files after the race", run.Stdout);
            await TestContext.Out.WriteLineAsync(run.Stdout + run.Stderr);
            Assert.That(run.ExitCode, Is.Zero, run.ToString());
            var rotated = Path.Combine(dir, "log.1");
            var current = Path.Combine(dir, "log");
            var old = File.Exists(rotated) ? await File.ReadAllTextAsync(rotated) : "";
            var now = File.Exists(current) ? await File.ReadAllTextAsync(current) : "";
            Assert.Multiple(() =>
            {
                Assert.That(old, Does.StartWith(new string('x', 1500)), "the rotated generation lost the lines written before the race");
                Assert.That(old, Does.Contain("id=writer-a").And.Contain("id=writer-b"), "the rotated generation lost the lines of the writers that crossed the limit");
                Assert.That(now, Does.Contain("id=writer-c"), "the line written after the rotation is gone");
            });
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
