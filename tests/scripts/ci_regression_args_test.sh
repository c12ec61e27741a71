#!/usr/bin/env bash
# scripts/ci-regression.sh's bad input, all found before anything is built: an option without
# its value, an empty --base, a pair count that can never reach significance, and a relative
# path, which is the caller's and not the repository root's. Each is one line and exit 2.
#   ci_regression_args_test.sh SOURCE_DIR WORK_DIR
set -uo pipefail
src=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
failures=0
check() {  # check EXPECTED_TEXT ARGS...
  local want=$1 rc
  shift
  "$src/scripts/ci-regression.sh" "$@" >out.txt 2>&1
  rc=$?
  if [[ $rc -ne 2 || $(wc -l <out.txt) -ne 1 ]] || ! grep -qF -- "$want" out.txt; then
    echo "FAIL: ci-regression.sh $* (exit $rc, want 2 and one line with '$want'):"
    cat out.txt
    failures=$((failures + 1))
  fi
}
check "--pairs needs a value" --base HEAD --pairs
check "--baseline needs a value" --baseline
check "--base needs a revision" --base ""
check "give at least 6" --base HEAD --pairs 3
check "give at least 8" --base HEAD --alpha 0.01 --pairs 7
check "--pairs takes a whole number" --base HEAD --pairs many
check "cannot read baseline '$work/missing.json'" --baseline missing.json
[ "$failures" -eq 0 ] && echo "ci-regression.sh arguments: all cases pass"
exit "$failures"
