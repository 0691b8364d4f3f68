#!/usr/bin/env bash
# Checks that the Debian packages Zero-OS needs are installed; installs the missing ones with
# apt-get when run as root, otherwise prints the exact command and fails. Usage:
#   tools/deps.sh [--quiet]      (the Makefile calls this before building, running or testing)
set -euo pipefail

PACKAGES=(
	gcc binutils make libc6-dev python3
	gnu-efi qemu-system-x86 ovmf mtools dosfstools gdisk
	musl-tools cpio busybox-static linux-libc-dev clang libclang-rt-14-dev e2fsprogs
)

missing=()
for p in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
	[[ "${1:-}" == "--quiet" ]] || echo "deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

if [[ $(id -u) -eq 0 ]]; then
	echo "deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
	exit 0
fi

echo "deps: missing Debian packages: ${missing[*]}" >&2
echo "deps: run this as root, then retry:" >&2
echo "    sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
exit 1
