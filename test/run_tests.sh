#!/usr/bin/env bash
# Runs every test of pg_dormancy and ends with "N passed, N failed".
#   unit tests of the pure C core (no server), the same under ASan+UBSan and
#   the fuzz targets for a bounded time, then pg_regress against a throwaway
#   server, then the integration tests in test/integration/.
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

# Run one TAP test binary: each "ok" and "not ok" line counts.  run_tap LABEL BINARY
run_tap() {
	local label=$1 t=$2 out rc line
	out=$("$t" 2>&1)
	rc=$?
	while IFS= read -r line; do
		case "$line" in
			"not ok "*) count "$label: ${line#not ok }" 1; echo "  $line" ;;
			"ok "*) count "$label" 0 ;;
		esac
	done <<<"$out"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' <<<"$out"; then
		count "$label (exit $rc)" 1
		echo "$out" | tail -20
	fi
	echo "unit $label: $(grep -c '^ok' <<<"$out") ok, $(grep -c '^not ok' <<<"$out") not ok"
}

# 1. unit tests of the pure core: each TAP line counts
if make -s unit >"$LOGDIR/unit-build.log" 2>&1; then
	for t in test/unit/bin/test_*; do
		[ -x "$t" ] || continue
		run_tap "$(basename "$t")" "$t"
	done
else
	cat "$LOGDIR/unit-build.log"
	count "unit test build" 1
fi

# 1b. sanitizers (test/fuzz/README.md): the same unit tests built by clang
#     with AddressSanitizer and UBSan (each TAP line counts, as "san test_X"),
#     then every libFuzzer target for FUZZ_SECONDS, FUZZ_JOBS at a time, from
#     its committed seeds (test/fuzz/corpus/<target>/, new inputs go to a
#     scratch directory); a target passes when libFuzzer exits 0.  Without
#     clang and libFuzzer both say "skipped".
FUZZ_SECONDS=${DORMANCY_FUZZ_SECONDS:-20}
FUZZ_JOBS=${DORMANCY_FUZZ_JOBS:-2}
if why=$(sanitizers_available); then
	make -s -k unit-san >"$LOGDIR/unit-san-build.log" 2>&1
	for src in test/unit/test_*.c; do
		name=$(basename "$src" .c)
		if make -s -q "test/unit/bin-san/$name" 2>/dev/null; then
			run_tap "san $name" "test/unit/bin-san/$name"
		else
			echo "unit san $name: FAILED (build)"
			make -s "test/unit/bin-san/$name" 2>&1 | tail -15
			count "san $name (build)" 1
		fi
	done
	# one target that does not build (e.g. a new backend call in
	# history_type.c that pg_stub.c lacks) fails alone
	make -s -k -j"$FUZZ_JOBS" fuzz >"$LOGDIR/fuzz-build.log" 2>&1
	fuzz_one() {	# fuzz_one BINARY: log, exit status and crash files in $LOGDIR
		local name seeds dict=()
		name=$(basename "$1")
		seeds=test/fuzz/corpus/$name
		mkdir -p "$LOGDIR/corpus-$name"
		[ -d "$seeds" ] || seeds=
		[ -f "test/fuzz/$name.dict" ] && dict=(-dict="test/fuzz/$name.dict")
		"$1" -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 -timeout=30 "${dict[@]}" \
			-artifact_prefix="$LOGDIR/$name-" "$LOGDIR/corpus-$name" $seeds \
			>"$LOGDIR/$name.log" 2>&1
		echo $? >"$LOGDIR/$name.rc"
	}
	fuzz_built=()
	for src in test/fuzz/fuzz_*.c; do
		name=$(basename "$src" .c)
		if make -s -q "test/fuzz/bin/$name" 2>/dev/null; then
			fuzz_built+=("$name")
		else
			echo "fuzz $name ... FAILED (build)"
			make -s "test/fuzz/bin/$name" 2>&1 | grep -v 'Wignored-attributes' | tail -15
			count "fuzz $name (build)" 1
		fi
	done
	for name in "${fuzz_built[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$FUZZ_JOBS" ]; do wait -n; done
		fuzz_one "test/fuzz/bin/$name" &
	done
	wait
	for name in "${fuzz_built[@]}"; do
		runs=$(sed -n 's/^Done \([0-9]*\) runs in.*/\1/p' "$LOGDIR/$name.log")
		if [ "$(cat "$LOGDIR/$name.rc")" = 0 ]; then
			echo "fuzz $name ... ok (${runs:-?} runs in ${FUZZ_SECONDS}s)"
			count "fuzz $name" 0
		else
			echo "fuzz $name ... FAILED (exit $(cat "$LOGDIR/$name.rc"))"
			grep -E 'invariant violated|runtime error|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|SUMMARY' "$LOGDIR/$name.log" | head -5
			ls "$LOGDIR/$name-"* 2>/dev/null | sed 's/^/  input: /'
			count "fuzz $name" 1
		fi
	done
else
	echo "sanitizer unit tests: skipped: $why"
	echo "fuzz targets: skipped: $why"
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
	rc=0
	bash "$t" >"$LOGDIR/$name.log" 2>&1 || rc=$?
	if [ $rc -eq 0 ]; then
		echo "integration $name ... ok"
		count "$name" 0
	elif [ $rc -eq 77 ]; then
		# a test that needs what this machine lacks says why; not a pass
		echo "integration $name ... $(grep -m1 '^skipped: ' "$LOGDIR/$name.log" || echo 'skipped: (no reason given)')"
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
