#!/bin/bash
# SPDX-License-Identifier: MIT
# Prepares what the VM test boots, from Debian packages only, into a cache
# directory:
#   vmlinuz          the kernel of Debian's linux-image-amd64 (taken with
#                    `apt-get download` and unpacked with dpkg-deb -x; nothing
#                    is installed into /boot or /lib/modules)
#   modules/         the .ko files v9fs over tcp/unix (and virtio, for the
#                    qemu-virtfs comparison) needs, dependencies resolved with
#                    the kernel's own modules.dep, decompressed, with
#                    modules.list giving the load order
#   base.cpio.gz     busybox-static initramfs: /init (tests/vm/init),
#                    /bin/vmtest-mount (tests/vm/guest-mount.sh), the modules
#   vmtool           tests/vm/vmtool.c built with gcc -static (guest and host)
#
# Idempotent: a piece is rebuilt only when it is missing or older than its
# source; the kernel is downloaded once per package name. Concurrent callers
# serialise on a lock in the cache. It does not run a VM and needs no root
# (apt-get download works as any user once the package lists exist).
#
# usage: prepare.sh [-q] [CACHE_DIR]
#   CACHE_DIR defaults to $NINEGATE_VM_CACHE, else $NINEGATE_VM_DEFAULT_CACHE
#   (the meson tests set it to their build directory), else ~/.cache/ninegate-vm
#   NINEGATE_VM_KERNEL_PKG=linux-image-6.1.0-57-amd64 pins the kernel package
set -euo pipefail

quiet=0
if [ "${1:-}" = "-q" ]; then quiet=1; shift; fi
here=$(cd "$(dirname "$0")" && pwd)
cache=${1:-${NINEGATE_VM_CACHE:-${NINEGATE_VM_DEFAULT_CACHE:-${HOME:-/tmp}/.cache/ninegate-vm}}}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

say() { [ $quiet = 1 ] || echo "prepare: $*"; }
die() { echo "prepare: error: $*" >&2; exit 1; }

# one preparer at a time (meson may start several VM tests at once)
exec 9>"$cache/.lock"
flock 9

for tool in apt-get dpkg-deb depmod cpio gzip gcc; do
	command -v "$tool" >/dev/null ||
		die "$tool not found (Debian packages: apt, dpkg, kmod, cpio, gzip, gcc)"
done
bb=/bin/busybox
{ [ -x "$bb" ] && "$bb" true; } || die "busybox-static not installed (/bin/busybox)"
if ldd "$bb" >/dev/null 2>&1; then
	die "/bin/busybox is dynamically linked: install busybox-static"
fi

# ---- kernel package ----
pkg=${NINEGATE_VM_KERNEL_PKG:-}
if [ -z "$pkg" ] && [ -s "$cache/kernel.pkg" ] && [ -s "$cache/vmlinuz" ]; then
	pkg=$(cat "$cache/kernel.pkg") # keep what was prepared; no apt query
fi
if [ -z "$pkg" ]; then
	find_pkg() {
		apt-cache depends linux-image-amd64 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$/\1/p' |
			head -1
	}
	pkg=$(find_pkg)
	if [ -z "$pkg" ] && [ "$(id -u)" = 0 ]; then
		say "apt-get update (no package lists yet)"
		apt-get update -qq >/dev/null
		pkg=$(find_pkg)
	fi
	[ -n "$pkg" ] || die "apt-cache knows no linux-image-amd64 (run apt-get update)"
fi

if [ "$(cat "$cache/kernel.pkg" 2>/dev/null)" != "$pkg" ] ||
	[ ! -s "$cache/vmlinuz" ] || [ ! -s "$cache/modules/modules.list" ]; then
	say "kernel: downloading $pkg"
	rm -rf "$cache/deb" "$cache/unpack" "$cache/modules" "$cache/vmlinuz" \
		"$cache/base.cpio.gz"
	mkdir -p "$cache/deb"
	(cd "$cache/deb" && apt-get download "$pkg" 2>&1 |
		grep -v '^W: Download is performed unsandboxed' || true)
	deb=$(ls "$cache"/deb/*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || die "apt-get download $pkg produced no .deb"
	say "kernel: unpacking $(basename "$deb")"
	dpkg-deb -x "$deb" "$cache/unpack"
	kver=$(ls "$cache/unpack/lib/modules" | head -1)
	mdir=$cache/unpack/lib/modules/$kver
	[ -f "$cache/unpack/boot/vmlinuz-$kver" ] || die "no vmlinuz-$kver in $deb"
	# the package ships no modules.dep (depmod runs at install time)
	depmod -b "$cache/unpack" "$kver"

	# resolve the load order: a module after everything it depends on
	declare -A seen=()
	order=()
	dep_of() { # module name -> "path: deps..." line of modules.dep
		grep -E "(^|/)$1\.ko(\.(xz|zst|gz))?:" "$mdir/modules.dep" || true
	}
	add_mod() {
		local name=$1 line path dep
		[ -z "${seen[$name]:-}" ] || return 0
		seen[$name]=1
		if grep -qE "(^|/)$name\.ko$" "$mdir/modules.builtin"; then
			return 0 # built into the kernel
		fi
		line=$(dep_of "$name")
		[ -n "$line" ] || die "module $name not in modules.dep"
		path=${line%%:*}
		for dep in ${line#*:}; do
			dep=$(basename "$dep")
			add_mod "${dep%%.ko*}"
		done
		order+=("$path")
	}
	# virtio_pci/virtio_net: the NIC; 9pnet_fd: trans=tcp and trans=unix;
	# 9pnet_virtio: trans=virtio against qemu's own 9p server (comparison)
	for m in virtio_pci virtio_net 9pnet 9pnet_fd 9pnet_virtio netfs fscache 9p; do
		add_mod "$m"
	done
	mkdir -p "$cache/modules"
	: >"$cache/modules/modules.list"
	for path in "${order[@]}"; do
		base=$(basename "$path")
		case "$base" in
		*.ko.xz) xz -dc "$mdir/$path" >"$cache/modules/${base%.xz}" ;;
		*.ko.zst) zstd -qdc "$mdir/$path" >"$cache/modules/${base%.zst}" ;;
		*.ko.gz) gzip -dc "$mdir/$path" >"$cache/modules/${base%.gz}" ;;
		*.ko) cp "$mdir/$path" "$cache/modules/$base" ;;
		*) die "unexpected module file $path" ;;
		esac
		echo "${base%.ko*}.ko" >>"$cache/modules/modules.list"
	done
	cp "$cache/unpack/boot/vmlinuz-$kver" "$cache/vmlinuz"
	echo "$kver" >"$cache/kernel.version"
	echo "$pkg" >"$cache/kernel.pkg"
	rm -rf "$cache/unpack" # ~400 MB of modules we do not need
	say "kernel: $kver, modules: $(tr '\n' ' ' <"$cache/modules/modules.list")"
else
	say "kernel: $(cat "$cache/kernel.version") (cached)"
fi

# ---- vmtool ----
if [ ! -x "$cache/vmtool" ] || [ "$here/vmtool.c" -nt "$cache/vmtool" ]; then
	say "vmtool: gcc -static"
	gcc -static -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror \
		-o "$cache/vmtool.tmp" "$here/vmtool.c" ||
		die "cannot build vmtool statically (libc6-dev has libc.a)"
	mv "$cache/vmtool.tmp" "$cache/vmtool"
else
	say "vmtool: up to date"
fi

# ---- base initramfs ----
need=0
for src in "$here/init" "$here/guest-mount.sh" "$cache/modules/modules.list" "$bb"; do
	[ "$src" -nt "$cache/base.cpio.gz" ] && need=1
done
[ -s "$cache/base.cpio.gz" ] || need=1
if [ $need = 1 ]; then
	say "initramfs: building base.cpio.gz"
	root=$(mktemp -d "$cache/root.XXXXXX")
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,mnt,run,etc,lib/vmtest,vmtest}
	cp "$bb" "$root/bin/busybox"
	cp "$here/init" "$root/init"
	cp "$here/guest-mount.sh" "$root/bin/vmtest-mount"
	chmod 755 "$root/init" "$root/bin/vmtest-mount"
	cp "$cache"/modules/*.ko "$cache/modules/modules.list" "$root/lib/vmtest/"
	echo "root:x:0:0:root:/:/bin/sh" >"$root/etc/passwd"
	echo "root:x:0:" >"$root/etc/group"
	(cd "$root" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc -R 0:0 --quiet) | gzip -1 >"$cache/base.cpio.gz.tmp"
	mv "$cache/base.cpio.gz.tmp" "$cache/base.cpio.gz"
	rm -rf "$root"
else
	say "initramfs: up to date"
fi
say "ready in $cache ($(du -sh "$cache" | cut -f1))"
