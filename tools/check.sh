#!/bin/sh
# Build with warnings as errors and run every test, then again under
# AddressSanitizer + UndefinedBehaviorSanitizer, then run each libFuzzer
# harness for about 20 s (tools/fuzz.sh; clang).
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
sh tools/fuzz.sh -t "${ML_FUZZ_SECONDS:-20}"
