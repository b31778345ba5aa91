# shellcheck shell=bash
# How a plugin directory is made from a source tree for coverage and mutants: the one place that knows it.
#
# mutation_make_plugin_dir SOURCE_TREE OUT_DIR [TRACE_DIR]
#   SOURCE_TREE  a copy of src/Plugin/source (possibly with one mutated line)
#   OUT_DIR      the plugin directory to write (bash-cni, bash-cni-ipam, and the source files themselves)
#   TRACE_DIR    when given, every plugin call writes an xtrace of itself into TRACE_DIR (coverage)
#
# The "direct" mode: the plugins run the source files themselves, not the layout build-layout.sh generates, so
# that an xtrace line (file:LINENO) is a line of source/ and a mutant is one changed line of source/. OUT_DIR/src
# is a copy of SOURCE_TREE; OUT_DIR/src/lib/start.sh sources every source file (all functions are defined at
# start, so no lazy stub is ever needed), and every other lib/NAME.sh that plugin.sh or cni_source reads is
# empty. Each entry script sets BASH_CNI_PLUGIN and sources src/plugin.sh, whose "# layout: @entry" part is the
# body the generated entry scripts have, so plugin.sh's lines run (and are mutated) as they are.
# When the layout becomes a build output, this function is what changes.
mutation_make_plugin_dir() {
    local tree="$1" out="$2" trace_dir="${3:-}" name f plugin rel
    [[ -f "$tree/plugin.sh" ]] || { printf 'mutation: %s is not a plugin source tree\n' "$tree" >&2; return 2; }
    rm -rf -- "$out"
    mkdir -p -- "$out/src/lib"
    cp -R -- "$tree/." "$out/src/"
    rm -rf -- "$out/src/lib"
    mkdir -p -- "$out/src/lib"
    # Every file build-layout.sh would write under lib/: empty here, start.sh aside.
    while IFS= read -r name; do
        [[ "$name" == @entry ]] && continue
        printf '# shellcheck shell=bash\n# direct mode: every function is defined by lib/start.sh\n' > "$out/src/lib/$name.sh"
    done < <(sed -n -E 's/^# layout: (@entry|[a-z0-9-]+)( < [a-z0-9-]+)?$/\1/p' "$tree"/*.sh "$tree"/cmd/*.sh | sort -u)
    {
        printf '# shellcheck shell=bash\n# direct mode: the source files themselves\n'
        for f in "$out"/src/*.sh "$out"/src/cmd/*.sh; do
            rel="${f#"$out"/src/}"
            [[ "$rel" == plugin.sh ]] && continue
            printf 'source %q\n' "$f"
        done
    } > "$out/src/lib/start.sh"
    for plugin in $(sed -n -E 's/^# plugin: ([a-z0-9-]+): .*$/\1/p' "$tree/plugin.sh"); do
        {
            printf '#!/bin/bash\n# %s (direct mode: runs %s/src)\nBASH_CNI_PLUGIN=%s\n' "$plugin" "$out" "$plugin"
            if [[ -n "$trace_dir" ]]; then
                # One trace file per call; its first line names the test that made the call (BASHCNI_TEST, set
                # by the harness when BASHCNI_TRACE_TESTS is set).
                printf 'exec {BASHCNI_TRACE_FD}>>%q/"$$.$RANDOM.trace"\n' "$trace_dir"
                printf 'printf %q "${BASHCNI_TEST:-?}" >&"$BASHCNI_TRACE_FD"\n' '#test %s\n'
                printf 'BASH_XTRACEFD="$BASHCNI_TRACE_FD"\n'
                printf "PS4='+@@\${BASH_SOURCE[0]}:\${LINENO}@@ '\n"
                printf 'set -x\n'
            fi
            printf 'source %q\n' "$out/src/plugin.sh"
        } > "$out/$plugin"
        chmod 0755 "$out/$plugin"
    done
}
