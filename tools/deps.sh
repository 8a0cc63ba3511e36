#!/bin/sh
# Install what mergeletter needs to build and test on Debian 12 (run as root or with sudo).
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
	build-essential cmake pkg-config git python3 valgrind man-db groff-base \
	clang libclang-rt-14-dev llvm clang-format \
	libcurl4-openssl-dev libjansson-dev libgit2-dev libxml2-dev zlib1g-dev >/dev/null
