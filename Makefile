# Zero-OS build. Everything is built out of tree in $(BUILD); header dependencies are tracked
# (-MMD); each source folder lists its own objects in a sources.mk. Main targets:
#   make            build loader, kernel and image       make run      boot in QEMU (serial)
#   make run-gui    boot with a framebuffer window       make debug    QEMU waits for GDB on :1234
#   make image      build/zero-os.img (GPT, bootable)    make test     every test layer
#   make bench      benchmarks against Linux             make clean    remove build/
# Variables: CMDLINE="..." kernel command line, EXTRA=<dir> files added to the root file system.

BUILD := build
# LOCKDEP=1: the lock validator built in (kernel/core/lockdep.h), in a build tree of its own.
LOCKDEP ?= 0
ifeq ($(LOCKDEP),1)
BUILD := build-lockdep
endif
CC := gcc
LD := ld
OBJCOPY := objcopy
PYTHON := python3

.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

WARN := -Wall -Wextra -Werror
# Kernel: freestanding, higher half (mcmodel=kernel), no red zone (interrupts use the stack),
# no SSE in kernel code (FPU state belongs to user threads), frame pointers for backtraces.
KERNEL_CFLAGS := -std=gnu11 -O2 -g $(WARN) -ffreestanding -fno-builtin -fno-pic -fno-pie \
	-mcmodel=kernel -mno-red-zone -mgeneral-regs-only -mno-sse -mno-mmx -fno-omit-frame-pointer \
	-fno-asynchronous-unwind-tables -fstack-protector-strong -mstack-protector-guard=global \
	-fno-strict-aliasing -fcf-protection=none -ftrivial-auto-var-init=pattern \
	-Ikernel -Iinclude -MMD -MP
ifeq ($(LOCKDEP),1)
KERNEL_CFLAGS += -DCONFIG_LOCKDEP
endif
KERNEL_ASFLAGS := -g -Ikernel -Iinclude -D__ASSEMBLER__ -MMD -MP
KERNEL_LDFLAGS := -nostdlib -static -z max-page-size=4096 -z noexecstack -T kernel/kernel.ld

# Loader: a UEFI application built with gnu-efi (PE32+ produced from a PIC shared object).
EFI_INC := /usr/include/efi
EFI_LIB := /usr/lib
LOADER_CFLAGS := -std=gnu11 -O2 $(WARN) -Wno-unused-parameter -ffreestanding -fpic -fshort-wchar \
	-mno-red-zone -mgeneral-regs-only -fno-stack-protector -fno-strict-aliasing \
	-DGNU_EFI_USE_MS_ABI -I$(EFI_INC) -I$(EFI_INC)/x86_64 -Ikernel -Iinclude -MMD -MP
LOADER_LDFLAGS := -nostdlib -shared -Bsymbolic -znocombreloc -T $(EFI_LIB)/elf_x86_64_efi.lds

# ---- dependency check (installs Debian packages as root; otherwise explains) ----------------
DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): tools/deps.sh
	@mkdir -p $(BUILD)
	@tools/deps.sh
	@touch $@
deps: $(DEPS_STAMP)

# ---- object lists --------------------------------------------------------------------------
KERNEL_OBJS :=
include kernel/arch/x86_64/sources.mk kernel/core/sources.mk kernel/mm/sources.mk \
	kernel/drivers/sources.mk kernel/lib/sources.mk kernel/security/sources.mk \
	kernel/sched/sources.mk
include kernel/drivers/ahci/sources.mk kernel/drivers/nvme/sources.mk
include kernel/syscall/sources.mk kernel/fs/sources.mk kernel/fs/procfs/sources.mk
include kernel/proc/sources.mk kernel/ipc/sources.mk kernel/block/sources.mk \
	kernel/drivers/pci/sources.mk kernel/drivers/virtio/sources.mk
KERNEL_OBJS := $(addprefix $(BUILD)/kernel/,$(KERNEL_OBJS))
# The system-call table, generated from kernel/syscall/syscall_64.tbl (numbers checked against
# Linux's <asm/unistd_64.h>, package linux-libc-dev).
SYSCALL_TABLE_C := $(BUILD)/gen/syscall_table.c
KERNEL_OBJS += $(BUILD)/gen/syscall_table.o

LOADER_OBJS := $(addprefix $(BUILD)/boot/,main.o files.o kernel_load.o paging.o memmap.o lib_elf.o)

# ---- kernel ---------------------------------------------------------------------------------
$(BUILD)/kernel/%.o: kernel/%.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(KERNEL_CFLAGS) -c $< -o $@
	@printf '%s\n%s\n' "$<" "$(CC) $(KERNEL_CFLAGS) -c $< -o $@" > $@.cmd

$(BUILD)/kernel/%.o: kernel/%.S $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS      $<"
	@$(CC) $(KERNEL_ASFLAGS) -c $< -o $@

$(SYSCALL_TABLE_C): kernel/syscall/syscall_64.tbl tools/gen_syscalls.py $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	@$(PYTHON) tools/gen_syscalls.py $< /usr/include/x86_64-linux-gnu/asm/unistd_64.h $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c
	@echo "  CC      $<"
	@$(CC) $(KERNEL_CFLAGS) -c $< -o $@

$(BUILD)/kernel/kernel.elf: $(KERNEL_OBJS) kernel/kernel.ld
	@echo "  LD      $@"
	@$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS)

# ---- loader ---------------------------------------------------------------------------------
$(BUILD)/boot/lib_elf.o: kernel/lib/elf.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $< (loader)"
	@$(CC) $(LOADER_CFLAGS) -c $< -o $@

$(BUILD)/boot/%.o: boot/%.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(LOADER_CFLAGS) -c $< -o $@
	@printf '%s\n%s\n' "$<" "$(CC) $(LOADER_CFLAGS) -c $< -o $@" > $@.cmd

$(BUILD)/boot/loader.so: $(LOADER_OBJS)
	@echo "  LD      $@"
	@$(LD) $(LOADER_LDFLAGS) $(EFI_LIB)/crt0-efi-x86_64.o $(LOADER_OBJS) -o $@ \
		-L$(EFI_LIB) -lefi -lgnuefi

$(BUILD)/boot/BOOTX64.EFI: $(BUILD)/boot/loader.so
	@echo "  EFI     $@"
	@$(OBJCOPY) -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela \
		-j '.rel.*' -j '.rela.*' -j .reloc --target efi-app-x86_64 --subsystem=10 $< $@

# ---- user programs and the initramfs (user/user.mk: init, /bin, the user tests) ------------
include user/user.mk

# ---- image ----------------------------------------------------------------------------------
CMDLINE ?=
$(BUILD)/cmdline.txt: FORCE
	@mkdir -p $(BUILD)
	@printf '%s\n' '$(subst ','\'',$(CMDLINE))' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

IMAGE := $(BUILD)/zero-os.img
$(IMAGE): $(BUILD)/boot/BOOTX64.EFI $(BUILD)/kernel/kernel.elf $(BUILD)/cmdline.txt tools/mkimage.sh \
		$(USER_INITRD)
	@echo "  IMAGE   $@"
	@tools/mkimage.sh $@ $(BUILD)/boot/BOOTX64.EFI $(BUILD)/kernel/kernel.elf $(BUILD)/cmdline.txt \
		$(USER_INITRD)

# ---- top-level targets ----------------------------------------------------------------------
QEMU_RUN := tools/qemu.sh

all: $(IMAGE) $(BUILD)/compile_commands.json
image: $(IMAGE)

$(BUILD)/compile_commands.json: $(KERNEL_OBJS) $(LOADER_OBJS)
	@$(PYTHON) tools/compdb.py $(CURDIR) $(BUILD) > $@

# CPUs of `make run` (and run-gui, debug); test runs choose theirs with QEMU_SMP (default 1).
SMP ?= 2

# DISK=<raw image>: attached as a virtio-blk disk (/dev/vda); SATA_DISK=<raw image>: as a
# second SATA disk (/dev/sdb); NVME_DISK=<raw image>: as an NVMe namespace (/dev/nvme0n1).
run: all
	@QEMU_SMP=$(SMP) DISK='$(DISK)' SATA_DISK='$(SATA_DISK)' NVME_DISK='$(NVME_DISK)' \
		$(QEMU_RUN) serial $(IMAGE)

run-gui: all
	@QEMU_SMP=$(SMP) $(QEMU_RUN) gui $(IMAGE)

debug: all
	@QEMU_SMP=$(SMP) $(QEMU_RUN) debug $(IMAGE)

include tests/host/host.mk
include tests/qemu/qemu.mk

# ---- benchmarks: make bench, bench-check (bench/bench.mk, bench/README.md) -------------------
include bench/bench.mk
# ---- end of benchmarks ----------------------------------------------------------------------

# ---- LTP's system-call tests inside Zero-OS: make ltp, ltp-mini (tests/ltp/ltp.mk) ----------
include tests/ltp/ltp.mk

test: all $(DEPS_STAMP)
	@tools/run-tests.sh

clean:
	rm -rf $(BUILD) $(BUILD)-lockdep

FORCE:
.PHONY: all image run run-gui debug test clean deps FORCE

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
