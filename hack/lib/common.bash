# shellcheck shell=bash
# Helpers shared by the scripts in hack/; sourced, not run: `source "${HACK_DIR}/lib/common.bash"`.
# Each piece here exists because several scripts need it, and because its first-run branch once failed
# where every warm run passed (see docs/local-cluster.md, "A first run on a fresh machine").

# Runs the command "$@" when the script exits, whatever the reason, without letting it change the script's exit
# status. Under `set -e`, a command that fails inside an EXIT trap ends the script with *its* status: stopping a
# background process with `kill PID && wait PID` made a script that had done its work exit 143 (128 + SIGTERM).
# One command per script: a later call replaces the earlier one.
run_at_exit() {
  _RUN_AT_EXIT=("$@")
  # shellcheck disable=SC2154 # assigned inside the trap string
  trap '_run_at_exit_status=$?; set +e; "${_RUN_AT_EXIT[@]}"; exit "${_run_at_exit_status}"' EXIT
}

# Stops background processes started by this script (SIGTERM) and reaps them. Never fails: meant for cleanups.
stop_background() {
  local pid
  for pid in "$@"; do
    [[ -n "${pid}" ]] || continue
    kill "${pid}" 2>/dev/null || true
    wait "${pid}" 2>/dev/null || true
  done
}

# Installs those of the named Debian packages that are missing (apt-get update first, once), saying which and why.
# Usage: ensure_debian_packages WHY PACKAGE...   (WHY completes "installing ... for WHY")
ensure_debian_packages() {
  local why="$1"; shift
  local missing=() package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "${package}" 2>/dev/null | grep -q 'install ok installed' || missing+=("${package}")
  done
  [[ ${#missing[@]} -gt 0 ]] || return 0
  [[ "$(id -u)" -eq 0 ]] || {
    echo "missing Debian packages (${missing[*]}, for ${why}): install them as root" >&2
    return 1
  }
  echo "installing the Debian packages ${missing[*]}, for ${why}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
