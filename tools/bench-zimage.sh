#!/usr/bin/env bash
# Builds the Zero-OS disk image that runs zbench: the loader and kernel of a separate out-of-tree
# build (so that `make bench` never disturbs build/'s own image and command line), the initramfs
# with the benchmark files added (user mode's EXTRA=<dir> mechanism), and a command line that
# makes init run zbench and power off. On failure it prints one line saying why and exits 1; the
# benchmark runner then shows Zero-OS as "n/a" with that reason.
# Usage: bench-zimage.sh OUT.img ZBUILD ROOTDIR CMDLINE [INITRD_GOAL INITRD_FILE]
#   ZBUILD       BUILD directory of the separate build
#   ROOTDIR      host directory whose files go into the initramfs (/bench/zbench, /bench/tiny)
#   INITRD_GOAL  the make goal that builds the initramfs (empty: none exists yet)
#   INITRD_FILE  the file that goal produces
set -uo pipefail

out=$1 zbuild=$2 root=$3 cmdline=$4 goal=${5:-} initrd=${6:-}
make=${MAKE:-make}
log=$out.log
mkdir -p "$(dirname "$out")"

goals=("$zbuild/boot/BOOTX64.EFI" "$zbuild/kernel/kernel.elf")
[[ -n "$goal" ]] && goals+=("$goal")
if ! $make --no-print-directory -s BUILD="$zbuild" EXTRA="$(cd "$root" && pwd)" "${goals[@]}" \
	>"$log" 2>&1; then
	echo "building Zero-OS failed (see $log: $(grep -m1 -E 'error|Error' "$log" | cut -c1-120))"
	exit 1
fi
printf '%s\n' "$cmdline" > "$out.cmdline"
args=("$out" "$zbuild/boot/BOOTX64.EFI" "$zbuild/kernel/kernel.elf" "$out.cmdline")
if [[ -n "$goal" && -f "$initrd" ]]; then
	args+=("$initrd")
fi
if ! tools/mkimage.sh "${args[@]}" >>"$log" 2>&1; then
	echo "making the Zero-OS image failed (see $log)"
	exit 1
fi
if [[ -z "$goal" ]]; then
	echo "note: the image has no initramfs (no user/user.mk yet), so no init can run zbench"
fi
exit 0
