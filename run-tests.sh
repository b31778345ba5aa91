#!/usr/bin/env bash
# The one entry point of the BashCni verification: installs what is missing, builds once, runs the chosen
# test layers, collects their Allure results into one allure-results/, renders allure-report/index.html and
# ends with the line "N passed, N failed, N skipped". Run ./run-tests.sh --help for the options.
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly REPO_DIR
readonly DEFAULT_LAYERS=(unit netns cluster)
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

Options:
  --plugin-dir DIR   plugin directory under test (default src/Plugin)         -> BASH_CNI_PLUGIN_DIR
  --profile NAME     plugin profile for the netns layer (fixtures/plugins/profiles/NAME.json, or a path:
                     bash-cni, bash-cni-standard, reference)                   -> BASHCNI_PROFILE
  --target T         cluster to test: local|kind|kubeconfig|aws (default local) -> BASHCNI_CLUSTER_TARGET
  --provision        let the aws target create its machines                   -> BASHCNI_AWS_PROVISION=1
  --keep             keep clusters/sandboxes the tests made, for inspection    -> BASHCNI_KEEP=1
  --no-report        do not render allure-report/ (results are still written)
  --no-install       do not install missing packages, only report them
  --help             this text

What it does:
  1. checks prerequisites: Debian packages (apt-get install when missing and running as root), the .NET SDK,
     Node.js and the pinned allure CLI (npm ci)
  2. builds BashCni.sln once (Release)
  3. runs each layer as its own 'dotnet test --filter Category=<Layer>'; root layers are skipped, with the
     reason, when not running as root
  4. writes allure-results/ (cleaned first) and renders allure-report/index.html (one self-contained file)
  5. prints a summary per layer and finally "N passed, N failed, N skipped"; exits non-zero on any failure

Environment: ALLURE_RESULTS_DIR (default ./allure-results), BASHCNI_ARTIFACTS (build output, default
./artifacts), BASHCNI_HANG_TIMEOUT (per-test hang limit for dotnet test, default 20m).
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

parse_args() {
  while (($# > 0)); do
    case "$1" in
      unit | netns | cluster | bench) LAYERS+=("$1") ;;
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
        (($# >= 2)) || die "--target needs one of local|kind|kubeconfig|aws"
        TARGET="$2"
        shift
        ;;
      --target=*) TARGET="${1#*=}" ;;
      --provision) PROVISION=1 ;;
      --keep) KEEP=1 ;;
      --no-report) REPORT=0 ;;
      --no-install) INSTALL=0 ;;
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
  case "$TARGET" in
    "" | local | kind | kubeconfig | aws) ;;
    *) die "--target must be local, kind, kubeconfig or aws (got '$TARGET')" ;;
  esac
  if [[ -n "$PLUGIN_DIR" ]]; then
    [[ -d "$PLUGIN_DIR" ]] || die "--plugin-dir $PLUGIN_DIR is not a directory"
    PLUGIN_DIR="$(cd "$PLUGIN_DIR" && pwd)"
  fi
}

# --- prerequisites -------------------------------------------------------------------------------------------

missing_packages() {
  packages_missing "${TARGET:-local}" "${LAYERS[@]}"
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

check_report_tools() {
  ((REPORT == 1)) || return 0
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    say "report: Node.js/npm not found — install Node.js 20+ (or use --no-report); results stay in allure-results/"
    REPORT=0
    return 0
  fi
  local have
  have="$(jq -r '.version' "$REPO_DIR/node_modules/allure/package.json" 2>/dev/null || true)"
  if [[ "$have" != "$(jq -r '.devDependencies.allure' "$REPO_DIR/package.json")" ]]; then
    say "report: installing the allure CLI (npm ci)"
    if ! (cd "$REPO_DIR" && npm ci --no-audit --no-fund --loglevel=error) >"$WORK_DIR/npm.log" 2>&1; then
      tail -n 20 "$WORK_DIR/npm.log" >&2
      say "report: npm ci failed (log above) — the report will not be rendered"
      REPORT=0
      return 0
    fi
  fi
  say "report: allure $(jq -r '.version' "$REPO_DIR/node_modules/allure/package.json")"
}

# --- build and run -------------------------------------------------------------------------------------------

build() {
  say "build: dotnet build BashCni.sln -c Release"
  if ! dotnet build "$REPO_DIR/BashCni.sln" -c Release --nologo -v quiet -clp:NoSummary >"$WORK_DIR/build.log" 2>&1; then
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

# Prints "total failed" from a TRX file's Counters element (what the test platform itself recorded).
trx_counters() {
  local trx="$1" line total failed
  line="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)"
  total="$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$line")"
  failed="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line")"
  printf '%s %s\n' "${total:-0}" "${failed:-0}"
}

# Prints "passed failed skipped" for one layer from the Allure result files (failed includes broken).
allure_counts() {
  local category="$1"
  # shellcheck disable=SC2016 # $layer is a jq variable
  find "$ALLURE_RESULTS_DIR" -maxdepth 1 -name '*-result.json' -print0 |
    xargs -0 -r jq -r --arg layer "$category" \
      'select(any(.labels[]?; .name == "parentSuite" and .value == $layer)) | .status' |
    awk '{ n[$1]++ } END { printf "%d %d %d\n", n["passed"], n["failed"] + n["broken"], n["skipped"] }'
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
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0
RUN_FAILED=0

run_layer() {
  local layer="$1" category project assembly
  case "$layer" in
    unit) category=Unit project=Unit assembly=BashCni.Tests.Unit ;;
    netns) category=Netns project=Netns assembly=BashCni.Tests.Netns ;;
    cluster) category=Cluster project=Cluster assembly=BashCni.Tests.Cluster ;;
  esac
  if [[ "$layer" != unit ]] && ! is_root; then
    SUMMARY[$layer]="not run: needs root to build its network sandbox (run: sudo ./run-tests.sh $layer)"
    say "$layer: skipped — needs root (sudo ./run-tests.sh $layer)"
    return 0
  fi
  local dll
  dll="$(test_dll "$project" "$assembly")"
  [[ -f "$dll" ]] || die "$dll was not built"

  say "$layer: dotnet test --filter Category=$category"
  local trx_dir="$REPO_DIR/TestResults/$layer" rc=0 ticker
  rm -rf "$trx_dir"
  progress_ticker "$layer" "$(find "$ALLURE_RESULTS_DIR" -maxdepth 1 -name '*-result.json' | wc -l)" &
  ticker=$!
  dotnet test "$dll" --nologo --filter "Category=$category" \
    --logger "trx;LogFileName=$layer.trx" --results-directory "$trx_dir" \
    --blame-hang --blame-hang-dump-type none --blame-hang-timeout "${BASHCNI_HANG_TIMEOUT:-20m}" || rc=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true

  local passed failed skipped
  read -r passed failed skipped < <(allure_counts "$category")
  local total=$((passed + failed + skipped)) note=""
  local trx="$trx_dir/$layer.trx"
  if [[ -f "$trx" ]]; then
    local trx_total trx_failed
    read -r trx_total trx_failed < <(trx_counters "$trx")
    if ((trx_total != total)); then
      note=" — the report holds $total results but the test run recorded $trx_total"
      RUN_FAILED=1
    fi
    if ((trx_failed > failed)); then
      note+=" — the test run recorded $trx_failed failures"
      failed=$trx_failed
    fi
  else
    note=" — the test run left no results file (dotnet test exit $rc)"
    RUN_FAILED=1
  fi
  if ((rc != 0 && failed == 0)); then
    note+=" — dotnet test exited $rc"
    RUN_FAILED=1
  fi
  TOTAL_PASSED=$((TOTAL_PASSED + passed))
  TOTAL_FAILED=$((TOTAL_FAILED + failed))
  TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
  SUMMARY[$layer]="$passed passed, $failed failed, $skipped skipped$note"
  say "$layer: ${SUMMARY[$layer]}"
}

run_bench() {
  if ! is_root; then
    SUMMARY[bench]="not run: needs root to build its network sandbox (run: sudo ./run-tests.sh bench)"
    say "bench: skipped — needs root"
    return 0
  fi
  local dll rc=0
  dll="$BASHCNI_ARTIFACTS/bin/Bench/release/BashCni.Bench.dll"
  [[ -f "$dll" ]] || die "$dll was not built"
  say "bench: dotnet BashCni.Bench.dll ${BENCH_ARGS[*]:-}"
  (cd "$REPO_DIR" && dotnet "$dll" "${BENCH_ARGS[@]}") || rc=$?
  if ((rc == 0)); then
    SUMMARY[bench]="finished (results in bench/results/)"
  else
    SUMMARY[bench]="failed (exit $rc)"
    RUN_FAILED=1
  fi
}

render_report() {
  ((REPORT == 1)) || return 0
  local out="$REPO_DIR/allure-report"
  say "report: rendering $out/index.html"
  if ! (cd "$REPO_DIR" && npx --no-install allure awesome "$ALLURE_RESULTS_DIR" -o "$out" --single-file \
    --name "$REPORT_NAME") >"$WORK_DIR/allure.log" 2>&1; then
    tail -n 20 "$WORK_DIR/allure.log" >&2
    say "report: rendering failed (log above); results are in $ALLURE_RESULTS_DIR"
    return 0
  fi
  # The generated page embeds an analytics tag; remove it so opening the report makes no third-party request.
  perl -0pi -e 's{<script[^>]*googletagmanager[^>]*>\s*</script>\s*}{}g; s{<script>(?:(?!</script>).)*?dataLayer(?:(?!</script>).)*?</script>\s*}{}gs' \
    "$out/index.html"
  if grep -q -e googletagmanager -e 'gtag(' "$out/index.html"; then
    say "report: WARNING: the analytics tag could not be removed from $out/index.html"
  fi
  say "report: $out/index.html"
}

main() {
  parse_args "$@"
  WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/bashcni-run.XXXXXX")"
  trap 'rm -rf "$WORK_DIR"' EXIT

  export ALLURE_RESULTS_DIR="${ALLURE_RESULTS_DIR:-$REPO_DIR/allure-results}"
  export BASHCNI_ARTIFACTS="${BASHCNI_ARTIFACTS:-$REPO_DIR/artifacts}"
  export BASHCNI_REPO="$REPO_DIR"
  export BASHCNI_EXECUTOR="${BASHCNI_EXECUTOR:-run-tests.sh}"
  [[ -z "$PLUGIN_DIR" ]] || export BASH_CNI_PLUGIN_DIR="$PLUGIN_DIR"
  [[ -z "$PROFILE" ]] || export BASHCNI_PROFILE="$PROFILE"
  [[ -z "$TARGET" ]] || export BASHCNI_CLUSTER_TARGET="$TARGET"
  ((PROVISION == 0)) || export BASHCNI_AWS_PROVISION=1
  ((KEEP == 0)) || export BASHCNI_KEEP=1

  say "BashCni verification: layers ${LAYERS[*]}${PLUGIN_DIR:+, plugin $PLUGIN_DIR}$(is_root || printf ' (not root)')"
  install_packages
  check_dotnet
  check_report_tools
  build

  # A report or results left from an earlier run would not match this one.
  rm -rf "$ALLURE_RESULTS_DIR" "$REPO_DIR/allure-report"
  mkdir -p "$ALLURE_RESULTS_DIR"
  local layer
  for layer in "${LAYERS[@]}"; do
    if [[ "$layer" == bench ]]; then run_bench; else run_layer "$layer"; fi
  done
  render_report

  printf '\nSummary\n'
  for layer in "${LAYERS[@]}"; do
    printf '  %-8s %s\n' "$layer" "${SUMMARY[$layer]:-}"
  done
  [[ ! -f "$REPO_DIR/allure-report/index.html" ]] || printf '  report   %s\n' "$REPO_DIR/allure-report/index.html"
  printf '%d passed, %d failed, %d skipped\n' "$TOTAL_PASSED" "$TOTAL_FAILED" "$TOTAL_SKIPPED"
  if ((TOTAL_FAILED > 0 || RUN_FAILED == 1)); then
    exit 1
  fi
}

main "$@"; exit 0
