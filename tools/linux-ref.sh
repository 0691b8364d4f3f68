#!/usr/bin/env bash
# Fetches the reference Linux kernel for the benchmarks: Debian's linux-image-amd64 (through the
# host's own apt sources, with `apt-get download`, nothing else), extracts its /boot (vmlinuz,
# config) with dpkg-deb into $OUT (never into the host's /boot; nothing is installed), and links it as
# $OUT/vmlinuz. Cached: a second run with the same candidate version does nothing.
# Usage: tools/linux-ref.sh [OUT]          (default build/linux-ref)
# Prints the path of the vmlinuz on its last line.
set -euo pipefail

out=${1:-build/linux-ref}
mkdir -p "$out"
out=$(cd "$out" && pwd)

# The metapackage only depends on the real one (linux-image-<abi>-amd64); resolve it.
meta=linux-image-amd64
resolve() {
	apt-cache depends "$meta" 2>/dev/null | awk '/Depends: linux-image-[0-9]/ { print $2; exit }'
}
pkg=$(resolve)
if [[ -z "$pkg" && $(id -u) -eq 0 ]]; then
	echo "linux-ref: apt does not know $meta yet; running apt-get update" >&2
	apt-get update -q >&2
	pkg=$(resolve)
fi
if [[ -z "$pkg" ]]; then
	# Offline or no apt lists: reuse what an earlier run fetched, if anything.
	if [[ -e "$out/vmlinuz" ]]; then
		echo "linux-ref: cannot resolve $meta with apt; using the cached kernel" >&2
		echo "$out/vmlinuz"
		exit 0
	fi
	echo "linux-ref: cannot resolve $meta with apt-cache (run 'apt-get update' as root)" >&2
	exit 1
fi

stamp=$out/.extracted-$pkg
if [[ ! -e "$stamp" || ! -e "$out/vmlinuz" ]]; then
	debdir=$out/deb
	mkdir -p "$debdir"
	if ! ls "$debdir/${pkg}"_*.deb >/dev/null 2>&1; then
		echo "linux-ref: downloading $pkg (Debian's $meta)" >&2
		# apt-get download writes into the current directory; as root it needs the _apt user
		# to be able to write there, so download into a fresh world-writable directory.
		tmp=$(mktemp -d "$out/dl.XXXXXX")
		chmod 0777 "$tmp"
		(cd "$tmp" && apt-get download -q "$pkg" >&2)
		mv "$tmp"/*.deb "$debdir"/
		rmdir "$tmp"
	fi
	deb=$(ls "$debdir/${pkg}"_*.deb | tail -n 1)
	echo "linux-ref: extracting $(basename "$deb")" >&2
	rm -rf "$out/root"
	mkdir -p "$out/root"
	# Only /boot: the benchmarks need no modules (proc, devtmpfs, tmpfs, pipes and futexes
	# are built in), and the whole package is 400 MiB unpacked.
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$out/root" --wildcards './boot/*'
	vmlinuz=$(ls "$out"/root/boot/vmlinuz-* | head -n 1)
	ln -sfn "${vmlinuz#$out/}" "$out/vmlinuz"
	basename "$vmlinuz" | sed 's/^vmlinuz-//' > "$out/version"
	rm -f "$out"/.extracted-*
	touch "$stamp"
fi
echo "$out/vmlinuz"
