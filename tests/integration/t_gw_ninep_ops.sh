#!/bin/bash
# SPDX-License-Identifier: MIT
# Every `ninep` command through `ninegate --export DIR` in each dialect
# (9P2000.L, 9P2000.u, 9P2000), the results compared with DIR itself:
# contents, sizes, modes, mtimes, link targets, names with spaces and UTF-8,
# and a 64 MiB file put and got byte-exact at msize 1 MiB.
#
# Usage: t_gw_ninep_ops.sh NINEGATE NINEP
# What a dialect cannot express (df, links in 9P2000, moves across
# directories through Twstat) is checked to fail cleanly, not to work.
set -u
ninegate_bin=${1:?usage: t_gw_ninep_ops.sh NINEGATE NINEP}
ninep_bin=${2:?usage: t_gw_ninep_ops.sh NINEGATE NINEP}
. "$(dirname "$0")/t_gw_lib.sh"
W=$T_WORK

populate() {
	mkdir -p "$1/docs/deep/er"
	printf 'Hello, ninegate!\n' >"$1/hello.txt"
	printf 'plain ASCII name\n' >"$1/docs/readme.txt"
	printf 'name with a space\n' >"$1/docs/with space.txt"
	printf 'UTF-8 name\n' >"$1/docs/grüße-日本語.txt"
	: >"$1/docs/empty"
	printf 'x' >"$1/docs/deep/er/leaf"
	ln -s readme.txt "$1/docs/link"
	chmod 640 "$1/docs/readme.txt"
	chmod 750 "$1/docs/deep"
	touch -d '2020-02-03 04:05:06' "$1/docs/empty"
	printf 'dot\n' >"$1/docs/.hidden"
}

# The legacy dialects carry no nlink, and owner/group as strings: compare
# mode, size, date and name only.
strip_owner() {
	grep -v '^total ' | sed -E 's/^(\S+)\s+\S+\s+\S+\s+\S+\s+/\1 /' | tr -s ' '
}

head -c 67108864 /dev/urandom >"$W/big.src"
sum=$(md5sum <"$W/big.src" | cut -d' ' -f1)

for D in 9P2000.L 9P2000.u 9P2000; do
	E=$W/export-$D
	mkdir "$E"
	populate "$E"
	sock=$W/$D.sock
	gw_must_start "ops-$D" -l "unix:$sock" --export "$E"
	n() { "$ninep_bin" -a "unix:$sock" -V "$D" "$@"; }

	check_eq "$D: version" "$D msize 1048576" "$(n -m 1048576 version)"

	# --- ls, stat, cat, readlink
	check_eq "$D: ls /" "$(cd "$E" && ls)" "$(n ls)"
	check_eq "$D: ls DIR" "$(ls "$E/docs")" "$(n ls docs)"
	# A 9P2000(.u) directory read has no "." and "..".
	lsa=-a
	[ "$D" = 9P2000.L ] || lsa=-A
	check_eq "$D: ls -a DIR" "$(ls $lsa "$E/docs")" "$(n ls -a docs)"
	if [ "$D" = 9P2000.L ]; then
		check_eq "$D: ls -l DIR (as ls -ln)" "$(cd "$E" && ls -ln docs)" \
			"$(n ls -l docs)"
		check_eq "$D: ls -ld DIR" "$(cd "$E" && ls -lnd docs)" "$(n ls -ld docs)"
	else
		# (directories have length 0 there, as in Plan 9)
		lsl_want=$(cd "$E" && ls -ln docs | grep -v ' link -> ' |
			strip_owner | sed -E 's/^(d\S+) [0-9]+ /\1 0 /')
		check_eq "$D: ls -l DIR (mode, size, date, name)" "$lsl_want" \
			"$(n ls -l docs | grep -v ' link\( -> .*\)\?$' | strip_owner)"
		check_eq "$D: ls -l owner is the user name" "root" \
			"$(n ls -l docs/readme.txt | awk '{print $3}')"
	fi
	check_eq "$D: ls -l name with a space" \
		"$(cd "$E" && ls -ln 'docs/with space.txt' | strip_owner)" \
		"$(n ls -l 'docs/with space.txt' | strip_owner)"
	check_eq "$D: ls a UTF-8 name" "docs/grüße-日本語.txt" \
		"$(n ls 'docs/grüße-日本語.txt')"

	st=$(n stat docs/readme.txt)
	check_eq "$D: stat size" "size: $(stat -c %s "$E/docs/readme.txt")" \
		"$(grep '^size:' <<<"$st")"
	check_eq "$D: stat mode" "mode: 0100640 (-rw-r-----)" \
		"$(grep '^mode:' <<<"$st")"
	check_eq "$D: stat mode of a directory" "mode: 040750 (drwxr-x---)" \
		"$(n stat docs/deep | grep '^mode:')"
	check_eq "$D: stat mtime" "$(stat -c %Y "$E/docs/empty")" \
		"$(n stat docs/empty | sed -n 's/^mtime: .*(\(.*\))$/\1/p')"
	check_eq "$D: cat" "$(cat "$E/hello.txt" "$E/docs/with space.txt")" \
		"$(n cat hello.txt 'docs/with space.txt')"
	check_eq "$D: cat a UTF-8 name" "UTF-8 name" "$(n cat 'docs/grüße-日本語.txt')"
	check_eq "$D: cat empty" "" "$(n cat docs/empty)"
	check_eq "$D: cat deep" "x" "$(n cat docs/deep/er/leaf)"
	if [ "$D" != 9P2000 ]; then
		check_eq "$D: readlink" "readme.txt" "$(n readlink docs/link)"
		check_eq "$D: stat of a symlink" "target: readme.txt" \
			"$(n stat docs/link | grep '^target:')"
	fi

	# --- write, write -a, put, get
	printf 'first\n' | n write new.txt
	check_eq "$D: write creates" "first" "$(cat "$E/new.txt")"
	printf 'second\n' | n write -a new.txt
	check_eq "$D: write -a appends" "$(printf 'first\nsecond')" "$(cat "$E/new.txt")"
	printf 'new\n' | n write new.txt
	check_eq "$D: write truncates" "new" "$(cat "$E/new.txt")"
	printf 'ü' | n write -a 'docs/with space.txt'
	check_eq "$D: write -a to a name with a space" \
		"$(printf 'name with a space\nü')" "$(cat "$E/docs/with space.txt")"
	printf 'neu\n' | n write 'docs/ärger ünd 日本.txt'
	check_eq "$D: write a new UTF-8 name with spaces" "neu" \
		"$(cat "$E/docs/ärger ünd 日本.txt")"

	n -m 1048576 -w 16 put "$W/big.src" big.bin
	check "$D: put 64 MiB at msize 1 MiB: byte-exact" cmp -s "$W/big.src" "$E/big.bin"
	n -m 1048576 -w 16 get big.bin "$W/big.out"
	check "$D: get 64 MiB at msize 1 MiB: byte-exact" cmp -s "$W/big.src" "$W/big.out"
	check_eq "$D: cat 64 MiB, window 1" "$sum" \
		"$(n -m 1048576 -w 1 cat big.bin | md5sum | cut -d' ' -f1)"
	check_eq "$D: stat size 64 MiB" "size: 67108864" "$(n stat big.bin | grep '^size:')"
	rm -f "$W/big.out" "$E/big.bin"
	for size in 0 1 4095 65536 131073 1048575 1048577; do
		head -c "$size" /dev/urandom >"$W/odd"
		n put "$W/odd" odd && n get odd "$W/odd.back"
		check "$D: put/get $size bytes" cmp -s "$W/odd" "$W/odd.back"
		check_eq "$D: size on the host of $size" "$size" "$(stat -c %s "$E/odd")"
	done
	chmod 600 "$E/odd"
	n get odd "$W/odd.mode"
	check_eq "$D: get keeps the mode" "600" "$(stat -c %a "$W/odd.mode")"
	rm -f "$E/odd" "$W/odd" "$W/odd.back" "$W/odd.mode"

	# --- mkdir, mv, rm
	n mkdir d1 'd 2' 'dé 日'
	check_that "$D: mkdir three" '[ -d "$E/d1" ] && [ -d "$E/d 2" ] && [ -d "$E/dé 日" ]'
	n mkdir -p p/q/r d1
	check "$D: mkdir -p" [ -d "$E/p/q/r" ]
	check_eq "$D: mkdir existing" "ninep: d1: File exists" "$(n mkdir d1 2>&1)"
	n mv new.txt 'renamed é.txt'
	check_that "$D: mv in one directory" \
		'[ "$(cat "$E/renamed é.txt")" = new ] && [ ! -e "$E/new.txt" ]'
	n mv 'd 2' d3
	check_that "$D: mv a directory" '[ -d "$E/d3" ] && [ ! -e "$E/d 2" ]'
	if [ "$D" = 9P2000.L ]; then
		n mv 'renamed é.txt' d1
		check_that "$D: mv into a directory" \
			'[ -f "$E/d1/renamed é.txt" ] && [ ! -e "$E/renamed é.txt" ]'
		n mv 'd1/renamed é.txt' 'renamed é.txt'
	else
		check_eq "$D: mv across directories is EXDEV" \
			"ninep: cannot move 'renamed é.txt' to 'd1': Invalid cross-device link" \
			"$(n mv 'renamed é.txt' d1 2>&1)"
	fi
	check_eq "$D: rm a directory without -r" "ninep: d3: Is a directory" "$(n rm d3 2>&1)"
	check "$D: ... and it is still there" [ -d "$E/d3" ]
	cp "$E/hello.txt" "$E/p/q/r/f"
	n rm -r p d3 'dé 日'
	check_that "$D: rm -r" '[ ! -e "$E/p" ] && [ ! -e "$E/d3" ] && [ ! -e "$E/dé 日" ]'
	n rm 'renamed é.txt'
	check "$D: rm a file" [ ! -e "$E/renamed é.txt" ]

	# --- ln -s, ln, readlink
	if [ "$D" = 9P2000 ]; then
		check_eq "$D: ln -s is not in the dialect" \
			"ninep: sl: Operation not supported" "$(n ln -s hello.txt sl 2>&1)"
	else
		n ln -s 'docs/with space.txt' sl
		check_eq "$D: ln -s" "docs/with space.txt" "$(readlink "$E/sl")"
		check_eq "$D: readlink of the new link" "docs/with space.txt" "$(n readlink sl)"
		check_eq "$D: readlink of a file" 1 "$(n readlink hello.txt >/dev/null 2>&1; echo $?)"
		n rm sl
		check "$D: rm a symlink" [ ! -L "$E/sl" ]
	fi
	if [ "$D" = 9P2000.L ]; then
		n ln hello.txt hard
		check_eq "$D: ln (hard)" "2 2" "$(stat -c %h "$E/hello.txt") $(stat -c %h "$E/hard")"
		check_eq "$D: stat nlink of a hard link" "nlink: 2" "$(n stat hard | grep '^nlink:')"
		n rm hard
		check_eq "$D: rm a hard link" "1" "$(stat -c %h "$E/hello.txt")"
	fi

	# --- touch, chmod, df
	n touch t1 docs/empty
	check_that "$D: touch creates" '[ -f "$E/t1" ] && [ ! -s "$E/t1" ]'
	age=$(($(date +%s) - $(stat -c %Y "$E/docs/empty")))
	check_that "$D: touch sets mtime to now" '[ "$age" -ge 0 ] && [ "$age" -lt 60 ]'
	n chmod 600 t1
	check_eq "$D: chmod octal" "600" "$(stat -c %a "$E/t1")"
	n chmod u+x,g+r,o=r t1
	check_eq "$D: chmod symbolic" "744" "$(stat -c %a "$E/t1")"
	n chmod 711 docs/deep
	check_eq "$D: chmod a directory" "711" "$(stat -c %a "$E/docs/deep")"
	if [ "$D" = 9P2000.L ]; then
		want_kb=$(stat -f -c '%b %S' "$E" | awk '{ print int($1 * $2 / 1024) }')
		check_eq "$D: df 1K-blocks" "$want_kb" "$(n df | tail -1 | awk '{ print $2 }')"
	else
		check_eq "$D: df is 9P2000.L only" "ninep: /: Operation not supported" \
			"$(n df 2>&1)"
	fi

	# --- errors
	check_eq "$D: missing file" "ninep: nope: No such file or directory" \
		"$(n cat nope 2>&1)"
	check_eq "$D: missing file: status 1" 1 "$(n cat nope >/dev/null 2>&1; echo $?)"
	check_eq "$D: cat a directory: status 1" 1 "$(n cat docs >/dev/null 2>&1; echo $?)"

	# --- after all that, the listings still agree with the host
	check_eq "$D: final ls -a /" "$(cd "$E" && ls $lsa)" "$(n ls -a)"
	check_eq "$D: final ls -a docs" "$(ls $lsa "$E/docs")" "$(n ls -a docs)"
	gw_alive "after the $D commands"
	gw_stop
done
finish
