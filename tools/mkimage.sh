#!/usr/bin/env bash
# Builds a GPT disk image with one EFI system partition (FAT32) holding the loader as the
# removable-media default \EFI\BOOT\BOOTX64.EFI and Zero-OS's files in \ZERO. The result boots
# under OVMF and, written to a USB stick, on a real UEFI PC. Needs no root (mtools + sgdisk).
# Usage: mkimage.sh OUT.img BOOTX64.EFI KERNEL.ELF CMDLINE.TXT [INITRD.CPIO]
set -euo pipefail

out=$1 efi=$2 kernel=$3 cmdline=$4 initrd=${5:-}
esp_mib=64
esp=$out.esp

rm -f "$esp" "$out.tmp"
truncate -s ${esp_mib}M "$esp"
mformat -i "$esp" -F -v ZEROOS -N 5a45524f ::
mmd -i "$esp" ::/EFI ::/EFI/BOOT ::/ZERO
mcopy -i "$esp" "$efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$esp" "$kernel" ::/ZERO/KERNEL.ELF
mcopy -i "$esp" "$cmdline" ::/ZERO/CMDLINE.TXT
if [[ -n "$initrd" ]]; then
	mcopy -i "$esp" "$initrd" ::/ZERO/INITRD.CPIO
fi

# 1 MiB before the partition (protective MBR + GPT), 1 MiB after (backup GPT).
truncate -s $((esp_mib + 2))M "$out.tmp"
sgdisk -o -n 1:2048:+${esp_mib}M -t 1:ef00 -c 1:"EFI system partition" "$out.tmp" >/dev/null
dd if="$esp" of="$out.tmp" bs=1M seek=1 conv=notrunc,sparse status=none
rm -f "$esp"
mv "$out.tmp" "$out"
