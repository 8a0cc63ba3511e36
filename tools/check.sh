#!/bin/sh
# Build with warnings as errors and run every test, then again under
# AddressSanitizer + UndefinedBehaviorSanitizer, then run each libFuzzer
# harness for about 15 s (tools/fuzz.sh; clang). In between, the tests that
# run threads (ctest label "threads": the pool, the HTTP engine's parse hooks
# on its workers) are built with ThreadSanitizer (clang) and run; about a
# minute on two cores.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DML_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
cmake -S . -B build-asan -DML_WERROR=ON -DML_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --test-dir build-asan --output-on-failure -j"$jobs"
cmake -S . -B build-tsan -DCMAKE_C_COMPILER=clang -DML_WERROR=ON -DML_TSAN=ON \
	-DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build build-tsan -j"$jobs" --target threaded_tests
TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	ctest --test-dir build-tsan --output-on-failure -j"$jobs" -L threads
sh tools/fuzz.sh -t "${ML_FUZZ_SECONDS:-15}"
