#!/bin/bash
# SPDX-License-Identifier: MIT
# Start diod on a free loopback port and run t_ninep_async (the p9 client
# library's async and sync API) against it. Exit 77 (SKIP) without diod.
#
# Usage: t_ninep_async.sh PATH/TO/t_ninep_async
set -u
prog=${1:?usage: t_ninep_async.sh T_NINEP_ASYNC}
. "$(dirname "$0")/t_ninep_lib.sh"

start_diod
"$prog" "$T_ADDR" "$T_EXPORT"
rc=$?
if [ "$rc" -ne 0 ]; then
	echo "# diod log:" >&2
	sed 's/^/# /' "$T_WORK/diod.log" >&2 2>/dev/null
fi
exit "$rc"
