#!/bin/bash
# SPDX-License-Identifier: MIT
# ninegate's tcp and unix listeners: a unix socket is 0600 unless
# --socket-mode says otherwise, a stale socket file is replaced, a live one
# (another ninegate serving it) or a path that is not a socket is an error
# with exit != 0 that names the path, tcp and unix listen at once, and many
# connections at once share one backend and all get the right bytes.
#
# Usage: t_gw_listen.sh NINEGATE NINEP
# stdio, fd:N and systemd sockets are t_gw_stdio.py's and t_gw_fdlisten.py's.
set -u
ninegate_bin=${1:?usage: t_gw_listen.sh NINEGATE NINEP}
ninep_bin=${2:?usage: t_gw_listen.sh NINEGATE NINEP}
. "$(dirname "$0")/t_gw_lib.sh"

E=$T_WORK/export
mkdir "$E"
printf 'hello\n' >"$E/hello"
head -c 3000000 /dev/urandom >"$E/big"
sum=$(md5sum <"$E/big")

# --- unix: default mode, a stale socket replaced
S=$T_WORK/gw.sock
python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$S"
check "a stale socket file is there" [ -S "$S" ]
gw_must_start unix -l "unix:$S" --export "$E"
check_eq "unix socket mode 0600 by default" "600" "$(stat -c %a "$S")"
check_eq "the stale socket was replaced: ninep cat" "hello" \
	"$("$ninep_bin" -a "unix:$S" cat hello)"
first_pid=$GW_PID
first_log=$GW_LOG

# --- a live socket is an error
gw_run_fail live -l "unix:$S" --export "$E"
check_fails "a second ninegate on a live socket" "unix:$S: .*in use"
check "... and the socket file is still there" [ -S "$S" ]
check_eq "the first one still serves" "hello" "$("$ninep_bin" -a "unix:$S" cat hello)"
GW_PID=$first_pid GW_LOG=$first_log
gw_stop

# --- a path that is not a socket
: >"$T_WORK/plain"
gw_run_fail notsock -l "unix:$T_WORK/plain" --export "$E"
check_fails "a regular file as unix path" "unix:$T_WORK/plain: .*not a socket"
check "... and the file is left alone" [ -f "$T_WORK/plain" ]

# --- --socket-mode, tcp and unix at once, many connections
port=$(free_port)
S2=$T_WORK/gw2.sock
gw_must_start both -l "unix:$S2" --socket-mode 0660 -l "tcp:127.0.0.1:$port" \
	--export "$E"
check_eq "--socket-mode 0660" "660" "$(stat -c %a "$S2")"
check_eq "tcp listener" "hello" "$("$ninep_bin" -a "tcp:127.0.0.1:$port" cat hello)"
check_eq "unix listener" "hello" "$("$ninep_bin" -a "unix:$S2" cat hello)"
bpid=$(backend_pid)
pids=
for i in $(seq 1 24); do
	if [ $((i % 2)) -eq 0 ]; then a="tcp:127.0.0.1:$port"; else a="unix:$S2"; fi
	"$ninep_bin" -a "$a" -m 65536 cat big | md5sum >"$T_WORK/sum.$i" &
	pids="$pids $!"
done
# while those run, one more connection still gets a quick answer
check_eq "a connection during the load" "hello" "$("$ninep_bin" -a "unix:$S2" cat hello)"
wait $pids
good=0
for i in $(seq 1 24); do
	[ "$(cat "$T_WORK/sum.$i")" = "$sum" ] && good=$((good + 1))
done
check_eq "24 connections at once, tcp and unix: all byte-exact" 24 "$good"
check_eq "one backend for all of them" "$bpid" "$(backend_pid)"
check_that "-v not given: no connection lines" '! grep -q "connected" "$GW_LOG"'
gw_alive "after 24 connections"
gw_stop

finish
