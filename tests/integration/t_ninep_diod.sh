#!/bin/bash
# SPDX-License-Identifier: MIT
# Every `ninep` command against Debian's diod (9P2000.L): the results are
# compared with the exported directory itself (names with spaces and UTF-8,
# sizes, modes, link targets, `ls -l` output byte for byte against GNU ls),
# a 64 MiB file goes both ways byte-exact with pipelined reads and writes,
# and the error cases give coreutils-style messages and exit statuses.
#
# Usage: t_ninep_diod.sh PATH/TO/ninep. Exit 77 (SKIP) without diod.
# It does not test 9P2000/9P2000.u: diod speaks only 9P2000.L.
set -u
ninep_bin=${1:?usage: t_ninep_diod.sh NINEP}
. "$(dirname "$0")/t_ninep_lib.sh"

start_diod
E=$T_EXPORT
W=$T_WORK
export LC_ALL=C TZ=UTC
n() { "$ninep_bin" -a "$T_ADDR" -A "$E" "$@"; }

# --- the tree -----------------------------------------------------------
printf 'Hello, 9P2000.L!\n' >"$E/hello.txt"
mkdir -p "$E/docs/deep/er"
printf 'plain ASCII name\n' >"$E/docs/readme.txt"
printf 'name with a space\n' >"$E/docs/with space.txt"
printf 'UTF-8 name\n' >"$E/docs/grüße-日本語.txt"
: >"$E/docs/empty"
printf 'x' >"$E/docs/deep/er/leaf"
ln -s readme.txt "$E/docs/link"
chmod 640 "$E/docs/readme.txt"
chmod 4755 "$E/docs/deep"
touch -d '2020-02-03 04:05:06' "$E/docs/empty"
printf 'dot\n' >"$E/docs/.hidden"

# --- help, version ------------------------------------------------------
help=$("$ninep_bin" --help)
check "--help exits 0" [ $? -eq 0 ]
missing=
for c in ls stat cat write put get mkdir rm mv ln readlink df touch chmod; do
	grep -q "^  $c " <<<"$help" || missing="$missing $c"
done
check_eq "--help lists every command" "" "$missing"

ver=$(n -m 1048576 version)
check "version at msize 1 MiB" [ $? -eq 0 ]
granted=${ver##* msize }
echo "# diod granted msize $granted for 1048576 asked ($ver)"
check_that "granted msize within 1 MiB" '[ "$granted" -gt 0 ] && [ "$granted" -le 1048576 ]'

# --- ls -----------------------------------------------------------------
check_eq "ls of the root" "$(cd "$E" && ls)" "$(n ls)"
check_eq "ls DIR" "$(ls "$E/docs")" "$(n ls docs)"
check_eq "ls -a DIR" "$(ls -a "$E/docs")" "$(n ls -a docs)"
check_eq "ls -l DIR (like ls -ln)" "$(cd "$E" && ls -ln docs)" "$(n ls -l docs)"
check_eq "ls -l /DIR/" "$(cd "$E" && ls -ln docs/)" "$(n ls -l /docs/)"
check_eq "ls -l FILE with space" "$(cd "$E" && ls -ln 'docs/with space.txt')" \
	"$(n ls -l 'docs/with space.txt')"
check_eq "ls -ld DIR" "$(cd "$E" && ls -lnd docs)" "$(n ls -ld docs)"
check_eq "ls several operands" "$(cd "$E" && ls hello.txt docs docs/deep)" \
	"$(n ls hello.txt docs docs/deep)"
check_eq "ls -l several operands" "$(cd "$E" && ls -ln docs/deep docs/empty hello.txt)" \
	"$(n ls -l docs/deep docs/empty hello.txt)"
check_eq "ls a UTF-8 name" "docs/grüße-日本語.txt" "$(n ls 'docs/grüße-日本語.txt')"

# --- stat ---------------------------------------------------------------
st=$(n stat docs/readme.txt)
check_eq "stat size" "size: $(stat -c %s "$E/docs/readme.txt")" "$(grep '^size:' <<<"$st")"
check_eq "stat mode" "mode: 0$(printf '%o' "0x$(stat -c %f "$E/docs/readme.txt")")" \
	"$(grep '^mode:' <<<"$st" | cut -d' ' -f1-2)"
check_eq "stat mode string" "$(stat -c %A "$E/docs/readme.txt")" \
	"$(grep '^mode:' <<<"$st" | sed 's/.*(\(.*\))/\1/')"
check_eq "stat mtime" "$(stat -c %Y "$E/docs/empty")" \
	"$(n stat docs/empty | sed -n 's/^mtime: .*(\(.*\))$/\1/p')"
check_eq "stat nlink" "nlink: $(stat -c %h "$E/docs")" "$(n stat docs | grep '^nlink:')"
check_eq "stat of a symlink" "target: readme.txt" "$(n stat docs/link | grep '^target:')"

# --- cat, readlink --------------------------------------------------------
check_eq "cat" "$(cat "$E/hello.txt" "$E/docs/with space.txt")" \
	"$(n cat hello.txt 'docs/with space.txt')"
check_eq "cat UTF-8 name" "UTF-8 name" "$(n cat 'docs/grüße-日本語.txt')"
check_eq "cat empty" "" "$(n cat docs/empty)"
check_eq "readlink" "readme.txt" "$(n readlink docs/link)"

# --- write, put, get ------------------------------------------------------
printf 'first\n' | n write new.txt
check_eq "write creates" "first" "$(cat "$E/new.txt")"
check_eq "write: mode from umask" "$(printf '%o' $((0666 & ~0$(umask))))" \
	"$(stat -c %a "$E/new.txt")"
printf 'second\n' | n write -a new.txt
check_eq "write -a appends" "$(printf 'first\nsecond')" "$(cat "$E/new.txt")"
printf 'new\n' | n write new.txt
check_eq "write truncates" "new" "$(cat "$E/new.txt")"
printf 'x' | n write -a 'docs/with space.txt'
check_eq "write -a to a name with a space" "$(printf 'name with a space\nx')" \
	"$(cat "$E/docs/with space.txt")"

head -c 67108864 /dev/urandom >"$W/big.src"
sum=$(md5sum <"$W/big.src")
n -m 1048576 -w 16 put "$W/big.src" big.bin
check "put 64 MiB: exit 0" [ $? -eq 0 ]
check "put 64 MiB: byte-exact" cmp -s "$W/big.src" "$E/big.bin"
n -m 1048576 -w 16 get big.bin "$W/big.out"
check "get 64 MiB: exit 0" [ $? -eq 0 ]
check "get 64 MiB: byte-exact" cmp -s "$W/big.src" "$W/big.out"
check_eq "cat 64 MiB, window 1" "$sum" "$(n -m 1048576 -w 1 cat big.bin | md5sum)"
check_eq "cat 64 MiB, window 64" "$sum" "$(n -m 1048576 -w 64 cat big.bin | md5sum)"
chmod 600 "$E/big.bin"
n get big.bin "$W/big.mode"
check_eq "get keeps the mode" "600" "$(stat -c %a "$W/big.mode")"
rm -f "$W/big.src" "$W/big.out" "$W/big.mode" "$E/big.bin"
check_eq "get - to stdout" "Hello, 9P2000.L!" "$(n get hello.txt -)"

# odd sizes around the message size
for size in 0 1 65511 65512 65513 131024 200000; do
	head -c "$size" /dev/urandom >"$W/odd"
	n put "$W/odd" odd && n get odd "$W/odd.back"
	check "put/get $size bytes" cmp -s "$W/odd" "$W/odd.back"
	check_eq "size of $size-byte copy" "$size" "$(stat -c %s "$E/odd")"
done
rm -f "$E/odd"

# --- mkdir, rm, mv --------------------------------------------------------
n mkdir d1 'd 2'
check_that "mkdir two" '[ -d "$E/d1" ] && [ -d "$E/d 2" ]'
n mkdir -p p/q/r d1
check "mkdir -p" [ -d "$E/p/q/r" ]
n mv hello.txt d1
check_that "mv into a directory" '[ -f "$E/d1/hello.txt" ] && [ ! -e "$E/hello.txt" ]'
n mv d1/hello.txt 'd 2/hé llo.txt'
check "mv with rename" [ -f "$E/d 2/hé llo.txt" ]
n mv 'd 2' d3
check_that "mv a directory" '[ -d "$E/d3" ] && [ ! -e "$E/d 2" ]'
n rm 'd3/hé llo.txt'
check "rm file" [ ! -e "$E/d3/hé llo.txt" ]
n rm d3 2>/dev/null
check "rm empty directory is refused without -r" [ -d "$E/d3" ]
n rm -r d3 p
check_that "rm -r" '[ ! -e "$E/d3" ] && [ ! -e "$E/p" ]'

# --- ln, touch, chmod, df -------------------------------------------------
n ln -s 'docs/with space.txt' sym
check_eq "ln -s" "docs/with space.txt" "$(readlink "$E/sym")"
n ln new.txt hard
check_eq "ln (hard)" "2 2" "$(stat -c %h "$E/new.txt") $(stat -c %h "$E/hard")"
n rm sym hard
check_that "rm symlink and hard link" '[ ! -L "$E/sym" ] && [ ! -e "$E/hard" ]'

n touch t1 'docs/empty'
check_that "touch creates" '[ -f "$E/t1" ] && [ ! -s "$E/t1" ]'
age=$(($(date +%s) - $(stat -c %Y "$E/docs/empty")))
check_that "touch sets mtime to now" '[ "$age" -ge 0 ] && [ "$age" -lt 60 ]'

n chmod 600 t1
check_eq "chmod octal" "600" "$(stat -c %a "$E/t1")"
n chmod u+x,g+r,o=r t1
check_eq "chmod symbolic" "744" "$(stat -c %a "$E/t1")"
n chmod 2755 docs/deep
check_eq "chmod set-gid dir" "2755" "$(stat -c %a "$E/docs/deep")"

df_line=$(n df | tail -1)
want_kb=$(stat -f -c '%b %S' "$E" | awk '{ print int($1 * $2 / 1024) }')
got_kb=$(awk '{ print $2 }' <<<"$df_line")
check_eq "df 1K-blocks" "$want_kb" "$got_kb"
check_eq "df PATH" "docs" "$(n df docs | tail -1 | awk '{ print $NF }')"

# --- other address forms --------------------------------------------------
check_eq "NINEP_ADDR" "$(ls "$E/docs")" "$(NINEP_ADDR=$T_ADDR "$ninep_bin" -A "$E" ls docs)"
check_eq "bare HOST:PORT" "$(ls "$E/docs")" \
	"$("$ninep_bin" -a "127.0.0.1:$T_PORT" -A "$E" ls docs)"
fdout=$(exec 3<>"/dev/tcp/127.0.0.1/$T_PORT" && "$ninep_bin" -a fd:3 -A "$E" ls docs)
check_eq "fd:N" "$(ls "$E/docs")" "$fdout"

check_eq "-u NUMBER" "$(ls "$E/docs")" "$(n -u "$(id -u)" ls docs)"
check_eq "-u NAME" "$(ls "$E/docs")" "$(n -u "$(id -un)" ls docs)"

# --- errors ---------------------------------------------------------------
err=$(n cat missing 2>&1 >/dev/null)
rc=$?
check_eq "missing file: status" 1 "$(n cat missing >/dev/null 2>&1; echo $?)"
check_eq "missing file: message" "ninep: missing: No such file or directory" "$err"
check_eq "missing nested: message" "ninep: /a/b: No such file or directory" \
	"$(n ls /a/b 2>&1)"
out=$(n cat hello-not docs/readme.txt 2>/dev/null)
rc=$?
check_eq "one operand missing: others still done" "plain ASCII name" "$out"
check_eq "one operand missing: status 1" 1 "$rc"
check_eq "mkdir existing" "ninep: d1: File exists" "$(n mkdir d1 2>&1)"
check_eq "rm directory without -r" "ninep: d1: Is a directory" "$(n rm d1 2>&1)"
check_eq "readlink of a file" 1 "$(n readlink new.txt >/dev/null 2>&1; echo $?)"
check_eq "cat a directory" 1 "$(n cat docs >/dev/null 2>&1; echo $?)"
check_eq "put missing local file" "ninep: $W/nope: No such file or directory" \
	"$(n put "$W/nope" x 2>&1)"

usage_rc() { "$@" >/dev/null 2>&1; echo $?; }
check_eq "no command: status 2" 2 "$(usage_rc "$ninep_bin" -a "$T_ADDR")"
check_eq "unknown command: status 2" 2 "$(usage_rc n frobnicate)"
check_eq "missing operand: status 2" 2 "$(usage_rc n cat)"
check_eq "too many operands: status 2" 2 "$(usage_rc n mv a b c)"
check_eq "unknown option: status 2" 2 "$(usage_rc n ls -z)"
check_eq "bad -V: status 2" 2 "$(usage_rc n -V 9P2001 ls)"
check_eq "bad -m: status 2" 2 "$(usage_rc n -m lots ls)"
check_eq "bad chmod mode: status 2" 2 "$(usage_rc n chmod u+q new.txt)"
check_eq "no address: status 2" 2 "$(NINEP_ADDR= usage_rc "$ninep_bin" ls)"

closed=$(free_port)
check_eq "connection refused names the address" \
	"ninep: tcp:127.0.0.1:$closed: Connection refused" \
	"$("$ninep_bin" -a "tcp:127.0.0.1:$closed" ls 2>&1)"
check_eq "connection refused: status 1" 1 \
	"$(usage_rc "$ninep_bin" -a "tcp:127.0.0.1:$closed" ls)"
check_eq "diod refuses 9P2000.u" \
	"ninep: $T_ADDR: version 9P2000.u: Protocol not supported" \
	"$(n -V 9P2000.u ls 2>&1)"

finish
