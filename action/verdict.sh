#!/usr/bin/env bash
# Fails the job from gitops-lint's exit status (EXIT_CODE): 0 passes; 1 (findings at or above
# fail-on) and 2 (the check could not run) fail, as does anything else (a crash, or no status
# at all because an earlier step failed).
set -euo pipefail

case "${EXIT_CODE:-}" in
  0) echo "gitops-lint: passed" ;;
  1)
    echo "::error title=gitops-lint::findings at or above fail-on (${ERRORS:-?} errors, ${WARNINGS:-?} warnings); see the annotations and the job summary"
    exit 1
    ;;
  2)
    echo "::error title=gitops-lint::the check could not run; the reason is in the log of the run step"
    exit 1
    ;;
  *)
    echo "::error title=gitops-lint::gitops-lint ended with status ${EXIT_CODE:-unknown}"
    exit 1
    ;;
esac
