#!/usr/bin/env bash
# Runs every test of pg_dormancy and ends with "N passed, N failed".
#   unit tests of the pure C core (no server), then pg_regress against a
#   throwaway server, then the integration tests in test/integration/.
set -u
. "$(dirname "$0")/lib/common.sh"
cd "$REPO"

passed=0
failed=0
failures=()
LOGDIR=$(mktemp -d /tmp/dormancy-test.XXXXXX)

count() {	# count NAME STATUS
	if [ "$2" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$1"); fi
}

ensure_packages || { echo "0 passed, 1 failed"; exit 1; }
if ! build_install; then
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

# 1. unit tests of the pure core: each TAP line counts
if make -s unit >"$LOGDIR/unit-build.log" 2>&1; then
	for t in test/unit/bin/test_*; do
		[ -x "$t" ] || continue
		out=$("$t" 2>&1)
		rc=$?
		while IFS= read -r line; do
			case "$line" in
				"not ok "*) count "$(basename "$t"): ${line#not ok }" 1; echo "  $line" ;;
				"ok "*) count "$(basename "$t")" 0 ;;
			esac
		done <<<"$out"
		if [ $rc -ne 0 ] && ! grep -q '^not ok' <<<"$out"; then
			count "$(basename "$t") (exit $rc)" 1
			echo "$out" | tail -20
		fi
		echo "unit $(basename "$t"): $(grep -c '^ok' <<<"$out") ok, $(grep -c '^not ok' <<<"$out") not ok"
	done
else
	cat "$LOGDIR/unit-build.log"
	count "unit test build" 1
fi

# 2. pg_regress and 3. integration tests need a server
trap stop_server EXIT
if ! start_server; then
	count "server start" 1
	echo "$passed passed, $failed failed"
	exit 1
fi

make -s with_llvm=no installcheck >"$LOGDIR/regress.log" 2>&1
regress_rc=$?
regress_failed_before=$failed
while IFS= read -r line; do
	case "$line" in
		*" ... ok"* | "ok "*) count regress 0 ;;
		*FAILED* | "not ok "*) count "regress: $line" 1 ;;
	esac
done < <(grep -E '^(test |     |ok |not ok |parallel group)|\.\.\. (ok|FAILED)| (ok|FAILED) ' "$LOGDIR/regress.log" | grep -E '\.\.\. (ok|FAILED)|^(ok|not ok) ')
grep -E '\.\.\. |^(ok|not ok) ' "$LOGDIR/regress.log"
if [ $regress_rc -ne 0 ] && [ $failed -eq $regress_failed_before ]; then
	tail -20 "$LOGDIR/regress.log"
	count "pg_regress (exit $regress_rc)" 1
fi
if [ -s regression.diffs ]; then
	echo "---- regression.diffs (first 200 lines) ----"
	head -200 regression.diffs
fi

for t in test/integration/*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	if bash "$t" >"$LOGDIR/$name.log" 2>&1; then
		echo "integration $name ... ok"
		count "$name" 0
	else
		echo "integration $name ... FAILED"
		tail -40 "$LOGDIR/$name.log"
		count "integration $name" 1
	fi
done

if [ $failed -gt 0 ]; then
	echo "failures:"
	printf '  %s\n' "${failures[@]}"
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
