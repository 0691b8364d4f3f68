#!/usr/bin/env bash
# Boots a Zero-OS disk image in QEMU (q35, TCG, OVMF). Modes:
#   serial  the serial console in this terminal, no display (make run)
#   gui     a window showing the framebuffer; serial still in this terminal (make run-gui)
#   debug   like serial, but QEMU waits for GDB on :1234 (make debug)
# The exit status is the guest's: Zero-OS writes its status to the isa-debug-exit port, which
# QEMU turns into (status << 1) | 1; this script turns it back. Extra QEMU arguments: QEMU_EXTRA.
# DISK=<raw image> attaches it as a virtio-blk disk (the guest's /dev/vda); SATA_DISK=<raw
# image> as a second disk on the AHCI controller (port 1: /dev/sdb, after the boot disk sda);
# NVME_DISK=<raw image> as an NVMe namespace (/dev/nvme0n1).
set -uo pipefail

mode=$1 image=$2
code=/usr/share/OVMF/OVMF_CODE_4M.fd
# A private copy of the variable store per run: QEMU locks it, and runs must not share state.
vars=$(mktemp "${TMPDIR:-/tmp}/zero-os-vars.XXXXXX")
trap 'rm -f "$vars"' EXIT
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"

smp=${QEMU_SMP:-1}
# Multi-threaded TCG: each virtual CPU is a host thread, so the host's cores run them in parallel.
accel=tcg
(( smp > 1 )) && accel=tcg,thread=multi
args=(-machine q35 -cpu max -accel "$accel" -m "${QEMU_MEM:-512M}" -smp "$smp" -nic none
	-drive if=pflash,format=raw,readonly=on,file=$code
	-drive if=pflash,format=raw,file=$vars
	-drive format=raw,file=$image,if=none,id=disk0
	-device ide-hd,drive=disk0,bus=ide.0,bootindex=0
	-device isa-debug-exit,iobase=0xf4,iosize=0x04
	-no-reboot)
if [[ -n ${DISK:-} ]]; then
	if [[ ! -f $DISK ]]; then
		echo "qemu.sh: DISK=$DISK: no such file" >&2
		exit 2
	fi
	args+=(-drive "file=$DISK,if=none,id=vdisk0,format=raw"
		-device virtio-blk-pci,drive=vdisk0)
fi
if [[ -n ${SATA_DISK:-} ]]; then
	if [[ ! -f $SATA_DISK ]]; then
		echo "qemu.sh: SATA_DISK=$SATA_DISK: no such file" >&2
		exit 2
	fi
	args+=(-drive "file=$SATA_DISK,if=none,id=sdisk1,format=raw"
		-device ide-hd,drive=sdisk1,bus=ide.1)
fi
if [[ -n ${NVME_DISK:-} ]]; then
	if [[ ! -f $NVME_DISK ]]; then
		echo "qemu.sh: NVME_DISK=$NVME_DISK: no such file" >&2
		exit 2
	fi
	args+=(-drive "file=$NVME_DISK,if=none,id=ndisk0,format=raw"
		-device nvme,serial=zero-nvme0,drive=ndisk0)
fi
case $mode in
serial) args+=(-display none -serial mon:stdio) ;;
test) args+=(-display none -serial stdio -monitor none) ;;
gui) args+=(-serial mon:stdio) ;;
debug) args+=(-display none -serial mon:stdio -s -S)
	echo "qemu: waiting for GDB on :1234 (see README: Debugging)" ;;
*) echo "qemu.sh: unknown mode $mode" >&2; exit 2 ;;
esac

qemu-system-x86_64 "${args[@]}" ${QEMU_EXTRA:-}
st=$?
# isa-debug-exit: guest value v gives (v << 1) | 1. A plain QEMU quit gives 0.
if (( st & 1 )); then
	exit $(( st >> 1 ))
fi
exit $st
