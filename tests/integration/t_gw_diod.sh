#!/bin/bash
# SPDX-License-Identifier: MIT
# diod's independent 9P2000.L clients against ninegate over TCP: diodcat
# reads files (small, empty, names with spaces and UTF-8, 5 MiB at several
# msizes) byte-exact, diodls lists directories (names, and -l modes and
# sizes) as the exported directory has them, attach names select a
# subdirectory, and errors come back as errors.
#
# Usage: t_gw_diod.sh NINEGATE. Exit 77 (SKIP) without diodcat/diodls.
# diodcat and diodls cannot write: writing is t_gw_ninep_ops.sh's part.
set -u
ninegate_bin=${1:?usage: t_gw_diod.sh NINEGATE}
. "$(dirname "$0")/t_gw_lib.sh"

DIODCAT=$(command -v diodcat) || skip "diodcat not found (Debian package diod)"
DIODLS=$(command -v diodls) || skip "diodls not found (Debian package diod)"
E=$T_WORK/export
mkdir -p "$E/docs/sub"
printf 'Hello, diod!\n' >"$E/hello.txt"
printf 'with a space\n' >"$E/docs/with space.txt"
printf 'UTF-8\n' >"$E/docs/grüße 日本.txt"
: >"$E/docs/empty"
printf 'deep\n' >"$E/docs/sub/leaf"
chmod 640 "$E/docs/with space.txt"
head -c 5242880 /dev/urandom >"$E/big.bin"

port=$(free_port)
S=127.0.0.1:$port
gw_must_start diod -l "tcp:$S" --export "$E"

check_eq "diodcat a file" "Hello, diod!" "$("$DIODCAT" -s "$S" -a "" hello.txt)"
check_eq "diodcat a name with a space" "with a space" \
	"$("$DIODCAT" -s "$S" -a "" 'docs/with space.txt')"
check_eq "diodcat a UTF-8 name" "UTF-8" "$("$DIODCAT" -s "$S" -a "" 'docs/grüße 日本.txt')"
check_eq "diodcat an empty file" "" "$("$DIODCAT" -s "$S" -a "" docs/empty)"
check_eq "diodcat several files" "$(cat "$E/hello.txt" "$E/docs/sub/leaf")" \
	"$("$DIODCAT" -s "$S" -a "" hello.txt docs/sub/leaf)"
for m in 8192 65536 1048576; do
	"$DIODCAT" -m "$m" -s "$S" -a "" big.bin >"$T_WORK/big.out"
	check "diodcat 5 MiB at msize $m: exit 0" [ $? -eq 0 ]
	check "diodcat 5 MiB at msize $m: byte-exact" cmp -s "$E/big.bin" "$T_WORK/big.out"
done
check_eq "diodcat with a subdirectory as aname" "deep" \
	"$("$DIODCAT" -s "$S" -a docs sub/leaf)"

# diodls lists without "." and ".." (-l shows them).
check_eq "diodls the root" "$(ls -A "$E" | sort)" \
	"$("$DIODLS" -s "$S" -a "" | sort)"
check_eq "diodls a directory (aname)" "$(ls -A "$E/docs" | sort)" \
	"$("$DIODLS" -s "$S" -a docs | sort)"
check_eq "diodls a deeper directory" "$(ls -A "$E/docs/sub" | sort)" \
	"$("$DIODLS" -s "$S" -a docs/sub | sort)"
# diodls -l: "MODE. NLINK USER GROUP SIZE MON DAY TIME NAME"
want=$(cd "$E/docs" && stat -c '%A %s %n' -- * .. . | sort -k3)
got=$("$DIODLS" -l -s "$S" -a docs | sed -E \
	's/^(\S{10})\.?\s+\S+\s+\S+\s+\S+\s+(\S+)\s+\S+\s+\S+\s+\S+\s(.*)$/\1 \2 \3/' |
	sort -k3)
check_eq "diodls -l: modes, sizes and names" "$want" "$got"
check_that "diodls -l: owner is root" \
	'"$DIODLS" -l -s "$S" -a docs | grep -q " root root .* empty$"'

"$DIODCAT" -s "$S" -a "" nope >/dev/null 2>&1
check "diodcat of a missing file fails" [ $? -ne 0 ]
"$DIODLS" -s "$S" -a nope >/dev/null 2>&1
check "diodls of a missing aname fails" [ $? -ne 0 ]
check_eq "diodcat still works after the errors" "Hello, diod!" \
	"$("$DIODCAT" -s "$S" -a "" hello.txt)"
gw_alive "after the diod clients"
gw_stop
finish
