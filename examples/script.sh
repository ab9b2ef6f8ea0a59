#!/bin/bash
# SPDX-License-Identifier: MIT
# Scripting against a 9P share with ninep: copy a directory in, list it,
# read it back and check it, clean up. Every ninep call exits 0 on
# success, 1 on a remote or I/O error (message on stderr, like coreutils),
# 2 on a usage error.
#
#   NINEP_ADDR=unix:/run/share.sock examples/script.sh [LOCAL_DIR]
set -euo pipefail
: "${NINEP_ADDR:?set NINEP_ADDR, e.g. unix:/run/share.sock or tcp:127.0.0.1:5640}"
export NINEP_ADDR
ninep=${NINEP:-ninep}
src=${1:-$(dirname "$0")/demo}
dest=/script-demo.$$

# A missing remote file is an ordinary failure: test for it with the exit
# status rather than parsing messages.
if "$ninep" stat "$dest" >/dev/null 2>&1; then
	echo "script: $dest already exists on the share" >&2
	exit 1
fi

# Always clean up what we made, even when a step fails.
trap '"$ninep" rm -r "$dest" 2>/dev/null || true' EXIT

echo "copying $src to $NINEP_ADDR$dest"
"$ninep" mkdir -p "$dest"
(cd "$src" && find . -mindepth 1 -type d) | while read -r d; do
	"$ninep" mkdir -p "$dest/${d#./}"
done
(cd "$src" && find . -type f) | while read -r f; do
	"$ninep" put "$src/${f#./}" "$dest/${f#./}"
done

echo "listing:"
"$ninep" ls -l "$dest"

echo "reading back:"
(cd "$src" && find . -type f) | while read -r f; do
	if ! "$ninep" cat "$dest/${f#./}" | cmp -s - "$src/${f#./}"; then
		echo "script: ${f#./} differs on the share" >&2
		exit 1
	fi
	echo "  ${f#./}: same"
done

# An error, handled: ninep says what went wrong and exits 1.
if ! "$ninep" cat "$dest/no-such-file" 2>/tmp/ninep-err.$$; then
	echo "expected failure: $(cat /tmp/ninep-err.$$)"
fi
rm -f /tmp/ninep-err.$$
echo "done; removing $dest"
