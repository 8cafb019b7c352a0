#!/usr/bin/env bash
# Runs gitops-lint for the action (action.yml): `--changed --format github` (with
# INPUT_CHANGED=false: every file), a SARIF report, the job summary, and outputs. It never fails
# the step itself: it records gitops-lint's exit status in the `exit-code` output, so that the
# SARIF upload still runs, and `verdict.sh` fails the job afterwards.
#
# Inputs come from the environment only (action.yml maps its inputs there; nothing is
# interpolated into the script): INPUT_CHANGED, INPUT_PATHS, INPUT_BASE, INPUT_KUBERNETES_VERSION,
# INPUT_POLICY, INPUT_CONFIG, INPUT_DRY_RUN, INPUT_CONTEXT, INPUT_KUBECONFIG, INPUT_REPORTS,
# INPUT_FAIL_ON, INPUT_UPLOAD_SARIF, INPUT_WORKING_DIRECTORY, INPUT_ARGS; GITOPS_LINT (the
# binary, default: gitops-lint on PATH); HEAD_REPOSITORY (the pull request's head repository)
# with GITHUB_REPOSITORY and GITHUB_EVENT_NAME to recognise fork pull requests; RUNNER_TEMP,
# GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
set -euo pipefail

output() {
  printf '%s=%s\n' "$1" "$2" >> "${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"
}

# A list input (items separated by newlines or commas), one trimmed item a line.
items() {
  printf '%s\n' "$1" | tr ',' '\n' | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' | grep -v '^$' || true
}

temp=${RUNNER_TEMP:?RUNNER_TEMP is not set}
binary=${GITOPS_LINT:-gitops-lint}
sarif="$temp/gitops-lint.sarif"

if [ -n "${INPUT_WORKING_DIRECTORY:-}" ]; then
  cd "$INPUT_WORKING_DIRECTORY"
fi

args=(--format github --report "sarif=$sarif")
[ "${INPUT_CHANGED:-true}" = false ] || args=(--changed "${args[@]}")
[ -z "${INPUT_BASE:-}" ] || args+=(--base "$INPUT_BASE")
[ -z "${INPUT_KUBERNETES_VERSION:-}" ] || args+=(--kubernetes-version "$(printf '%s' "$INPUT_KUBERNETES_VERSION" | tr -d ' ')")
mapfile -t policies < <(items "${INPUT_POLICY:-}")
for policy in "${policies[@]}"; do
  args+=(--policy "$policy")
done
[ -z "${INPUT_CONFIG:-}" ] || args+=(--config "$INPUT_CONFIG")
[ -z "${INPUT_FAIL_ON:-}" ] || args+=(--fail-on "$INPUT_FAIL_ON")
[ -z "${INPUT_DRY_RUN:-}" ] || args+=(--dry-run "$INPUT_DRY_RUN")
[ -z "${INPUT_CONTEXT:-}" ] || args+=(--context "$INPUT_CONTEXT")
mapfile -t reports < <(items "${INPUT_REPORTS:-}")
for report in "${reports[@]}"; do
  args+=(--report "$report")
done
read -r -a extra <<< "${INPUT_ARGS:-}"
args+=("${extra[@]}")
mapfile -t paths < <(items "${INPUT_PATHS:-}")
args+=(--)
args+=("${paths[@]}")

# The kubeconfig secret goes to a file only this user can read, removed on exit; its content
# is never printed.
if [ -n "${INPUT_KUBECONFIG:-}" ]; then
  umask 077
  KUBECONFIG=$(mktemp "$temp/kubeconfig.XXXXXX")
  chmod 0600 "$KUBECONFIG"
  trap 'rm -f "$KUBECONFIG"' EXIT
  printf '%s\n' "$INPUT_KUBECONFIG" > "$KUBECONFIG"
  export KUBECONFIG
  umask 022
fi

echo "gitops-lint ${args[*]}"
log="$temp/gitops-lint.log"
set +e
"$binary" "${args[@]}" | tee "$log"
status=${PIPESTATUS[0]}
set -e

# The last line of the github format is the summary: `N errors, M warnings in …`.
summary=$(grep -E '^[0-9]+ errors?, [0-9]+ warnings?' "$log" | tail -n 1 || true)
errors=$(printf '%s' "$summary" | sed -n 's/^\([0-9]*\) error.*/\1/p')
warnings=$(printf '%s' "$summary" | sed -n 's/^[0-9]* errors*, \([0-9]*\) warning.*/\1/p')

# Code scanning needs `security-events: write`, which a fork's pull request never has.
fork=false
if [ "${GITHUB_EVENT_NAME:-}" = pull_request ] || [ "${GITHUB_EVENT_NAME:-}" = pull_request_target ]; then
  if [ -n "${HEAD_REPOSITORY:-}" ] && [ "$HEAD_REPOSITORY" != "${GITHUB_REPOSITORY:-}" ]; then
    fork=true
  fi
fi
upload=false
if [ "${INPUT_UPLOAD_SARIF:-true}" = true ] && [ -s "$sarif" ]; then
  if [ "$fork" = true ]; then
    echo "::notice title=gitops-lint::SARIF is not uploaded for a pull request from a fork (no security-events permission); the annotations above and the job summary have every finding"
  else
    upload=true
  fi
fi

if [ "$status" -ne 0 ] && [ "$status" -ne 1 ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  {
    echo "## gitops-lint"
    echo
    echo "**The check could not run (exit status $status)**: the reason is in the step's log."
  } >> "$GITHUB_STEP_SUMMARY"
fi

output exit-code "$status"
output errors "${errors:-0}"
output warnings "${warnings:-0}"
output sarif-file "$sarif"
output upload-sarif "$upload"
output fork "$fork"
