#!/bin/sh
# Build the libFuzzer harnesses of tests/fuzz (clang, in build-fuzz/) and run
# each for a while, starting from its seed corpus. Fails on any crash, leak,
# undefined behaviour, out-of-memory or slow input.
#
#   sh tools/fuzz.sh [-t SECONDS] [-j PARALLEL] [NAME...]
#
# -t: seconds per harness (default 20); -j: harnesses at once (default 1);
# NAME: config pulls search link markdown gitmsg range update feeds previous template compare orgs (default: all).
# Each harness's corpus grows in build-fuzz/corpus/NAME (seeded from
# tests/fuzz/corpus/NAME), its log is build-fuzz/logs/NAME.log, and a
# failing input is saved as build-fuzz/artifacts/NAME/crash-* (or leak-*,
# timeout-*, oom-*): replay it with build-fuzz/tests/fuzz/fuzz_NAME FILE.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
seconds=20
parallel=1
while getopts t:j: opt; do
	case $opt in
	t) seconds=$OPTARG ;;
	j) parallel=$OPTARG ;;
	*) echo "usage: sh tools/fuzz.sh [-t SECONDS] [-j PARALLEL] [NAME...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
names=${*:-config pulls search link markdown gitmsg range update feeds previous template compare orgs}
out=${FUZZ_BUILD_DIR:-build-fuzz} # another directory keeps a long run apart

if ! command -v clang >/dev/null 2>&1; then
	echo "error: clang not found; install it with sh tools/deps.sh" >&2
	exit 1
fi
cmake -S . -B "$out" -DCMAKE_C_COMPILER=clang -DML_FUZZ=ON -DML_WERROR=ON \
	-DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$out" -j2 >/dev/null

# One harness: seconds of fuzzing; its status goes to logs/NAME.rc.
run_one() {
	name=$1
	# a fixed seed (ML_FUZZ_SEED; 0: a random one) keeps a smoke run the
	# same from run to run: a finding is a bug to fix, not a coin toss in CI
	seed=${ML_FUZZ_SEED:-1}
	mkdir -p "$out/corpus/$name" "$out/artifacts/$name" "$out/logs"
	rc=0
	# the config loader's warnings are not findings: its stderr is closed
	# (libFuzzer and the sanitizers still report on a duplicate of it)
	mask=0
	[ "$name" = config ] && mask=2
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		"$out/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=10 -seed="$seed" \
		-rss_limit_mb=2048 -max_len=8192 -print_final_stats=1 -close_fd_mask=$mask \
		-artifact_prefix="$out/artifacts/$name/" \
		"$out/corpus/$name" "tests/fuzz/corpus/$name" >"$out/logs/$name.log" 2>&1 || rc=$?
	echo "$rc" >"$out/logs/$name.rc"
}

# Lanes of harnesses, `parallel` of them at once.
lane=0
while [ "$lane" -lt "$parallel" ]; do
	(
		i=0
		for name in $names; do
			[ $((i % parallel)) -eq "$lane" ] && run_one "$name"
			i=$((i + 1))
		done
	) &
	lane=$((lane + 1))
done
wait

status=0 passed=0 failed=0
for name in $names; do
	rc=$(cat "$out/logs/$name.rc" 2>/dev/null || echo missing)
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/logs/$name.log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/logs/$name.log" | tail -n 1)
	if [ "$rc" = 0 ]; then
		echo "fuzz $name: ok, ${execs:-?} runs, ${rate:-?} exec/s in ${seconds}s"
		passed=$((passed + 1))
	else
		echo "fuzz $name: FAILED (exit $rc); see $out/logs/$name.log and $out/artifacts/$name/" >&2
		grep -E "^(==[0-9]+==ERROR|SUMMARY|.*runtime error|.*invariant failed)" \
			"$out/logs/$name.log" | head -n 5 >&2 || true
		status=1
		failed=$((failed + 1))
	fi
done
echo "fuzz: $passed passed, $failed failed"
exit $status
