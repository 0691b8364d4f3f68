# Host unit tests of pure kernel code, included by the root Makefile (which defines BUILD).
#   make host-tests   build every tests/host/test_*.c with ASan+UBSan into $(BUILD)/host/, run
#                     them all (one PASS:/FAIL: line per case) and fail at the end if any failed
#   make host-fuzz    libFuzzer runs over elf_check/the symbolizer, the cpio parser, the
#                     partition-table parsers and the PCI config-space parsers (clang)
# A test binary tests/host/test_<x>.c links with the kernel sources listed in HOST_SRCS_test_<x>
# below, or, if there is no such line, with kernel/<dir>/<x>.c when that file exists; libc
# provides everything else (kernel/lib/string.c never: see HOST_STRING_RENAME).

HOST_CC := gcc
HOST_DIR := $(BUILD)/host
HOST_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Ikernel -Iinclude -MMD -MP
# Sanitizer reports go to stderr; a sanitizer error ends the binary with status 1.
HOST_TEST_ENV := ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:exitcode=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# TEST_EXIT_FAILED in test.h: some cases failed, but the binary did not crash.
HOST_TEST_EXIT_FAILED := 3

HOST_SRCS_test_printf := kernel/lib/printf.c
HOST_SRCS_test_string := kernel/lib/string.c
HOST_SRCS_test_chacha20 := kernel/lib/chacha20.c
HOST_SRCS_test_elf := kernel/lib/elf.c
HOST_SRCS_test_buddy := kernel/mm/buddy.c
HOST_SRCS_test_fbcon := kernel/drivers/fbcon_render.c kernel/drivers/font8x16.c
HOST_SRCS_test_ps2kbd := kernel/drivers/ps2kbd_keymap.c
HOST_SRCS_test_partition_parse := kernel/lib/partition_parse.c kernel/lib/crc32.c

# string.c defines memcpy, strlen, ... under libc's names: linked into a host binary it would
# replace libc's (and ASan's interceptors) for the whole process. Its test and its copy are
# built with every name renamed to zk_*, so the test calls the kernel code and nothing else does.
HOST_STRING_FUNCS := memcpy memmove memset memcmp strlen strnlen strcmp strncmp strchr strrchr \
	strlcpy
HOST_STRING_RENAME := -fno-builtin $(foreach f,$(HOST_STRING_FUNCS),-D$(f)=zk_$(f))

HOST_TESTS := $(sort $(basename $(notdir $(wildcard tests/host/test_*.c))))
HOST_BINS := $(addprefix $(HOST_DIR)/,$(HOST_TESTS))
host_srcs = $(if $(filter undefined,$(origin HOST_SRCS_$(1))),$(wildcard \
	kernel/*/$(patsubst test_%,%,$(1)).c),$(HOST_SRCS_$(1)))
host_objs = $(addprefix $(HOST_DIR)/obj/,$(patsubst %.c,%.o,tests/host/$(1).c $(call host_srcs,$(1))))

$(HOST_DIR)/obj/tests/host/test_string.o $(HOST_DIR)/obj/kernel/lib/string.o: \
	HOST_EXTRA_CFLAGS := $(HOST_STRING_RENAME)

$(HOST_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  HOSTCC  $<"
	@$(HOST_CC) $(HOST_CFLAGS) $(HOST_EXTRA_CFLAGS) -c $< -o $@

define HOST_TEST_LINK
$(HOST_DIR)/$(1): $(call host_objs,$(1))
	@echo "  HOSTLD  $$@"
	@$(HOST_CC) $(HOST_CFLAGS) $$^ -o $$@
endef
$(foreach t,$(HOST_TESTS),$(eval $(call HOST_TEST_LINK,$(t))))

# Runs every binary even after failures; a binary that ends with anything but 0 or
# HOST_TEST_EXIT_FAILED crashed (sanitizer report, signal) and gets its own FAIL line.
host-tests: $(HOST_BINS)
	@status=0; \
	for t in $(HOST_BINS); do \
		$(HOST_TEST_ENV) $$t; rc=$$?; \
		if [ $$rc -ne 0 ]; then \
			status=1; \
			if [ $$rc -ne $(HOST_TEST_EXIT_FAILED) ]; then \
				echo "FAIL: host/$${t##*/test_}: crashed with status $$rc (report above)"; \
			fi; \
		fi; \
	done; \
	exit $$status

# ---- libFuzzer ------------------------------------------------------------------------------
HOST_FUZZ_CC := clang
HOST_FUZZ_CFLAGS := -std=gnu11 -O1 -g -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -Ikernel -Iinclude -MMD -MP
HOST_FUZZ_RUNS := 20000
HOST_FUZZ_DIR := $(HOST_DIR)/fuzz
HOST_HAVE_CLANG := $(shell command -v $(HOST_FUZZ_CC) 2>/dev/null)

# With -c, -fsanitize=fuzzer only instruments; libFuzzer's main() comes in at the link.
$(HOST_FUZZ_DIR)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	@$(HOST_FUZZ_CC) $(HOST_FUZZ_CFLAGS) -c $< -o $@

$(HOST_FUZZ_DIR)/fuzz_elf: $(HOST_FUZZ_DIR)/obj/tests/host/fuzz_elf.o \
		$(HOST_FUZZ_DIR)/obj/kernel/lib/elf.o
	@echo "  FUZZLD  $@"
	@$(HOST_FUZZ_CC) $(HOST_FUZZ_CFLAGS) $^ -o $@

$(HOST_FUZZ_DIR)/fuzz_cpio: $(HOST_FUZZ_DIR)/obj/tests/host/fuzz_cpio.o \
		$(HOST_FUZZ_DIR)/obj/kernel/lib/cpio.o
	@echo "  FUZZLD  $@"
	@$(HOST_FUZZ_CC) $(HOST_FUZZ_CFLAGS) $^ -o $@

$(HOST_FUZZ_DIR)/fuzz_partition: $(HOST_FUZZ_DIR)/obj/tests/host/fuzz_partition.o \
		$(HOST_FUZZ_DIR)/obj/kernel/lib/partition_parse.o $(HOST_FUZZ_DIR)/obj/kernel/lib/crc32.o
	@echo "  FUZZLD  $@"
	@$(HOST_FUZZ_CC) $(HOST_FUZZ_CFLAGS) $^ -o $@

$(HOST_FUZZ_DIR)/fuzz_pci: $(HOST_FUZZ_DIR)/obj/tests/host/fuzz_pci.o \
		$(HOST_FUZZ_DIR)/obj/kernel/lib/pci_parse.o
	@echo "  FUZZLD  $@"
	@$(HOST_FUZZ_CC) $(HOST_FUZZ_CFLAGS) $^ -o $@

# Writes the seed corpus: valid images (with and without a symbol table) to mutate from.
$(HOST_DIR)/fuzz_elf_seed: $(HOST_DIR)/obj/tests/host/fuzz_elf_seed.o $(HOST_DIR)/obj/kernel/lib/elf.o
	@echo "  HOSTLD  $@"
	@$(HOST_CC) $(HOST_CFLAGS) $^ -o $@

# One fuzzer run: $(1) name, $(2) what it checks, $(3) max_len. Its corpus must exist.
define HOST_FUZZ_RUN
	@if $(HOST_FUZZ_DIR)/fuzz_$(1) -runs=$(HOST_FUZZ_RUNS) -max_len=$(3) \
		-artifact_prefix=$(HOST_FUZZ_DIR)/$(1)- $(HOST_FUZZ_DIR)/corpus-$(1) \
		> $(HOST_FUZZ_DIR)/fuzz_$(1).log 2>&1; then \
		echo "PASS: host/fuzz/$(2) ($(HOST_FUZZ_RUNS) runs)"; \
	else \
		tail -n 40 $(HOST_FUZZ_DIR)/fuzz_$(1).log; \
		echo "FAIL: host/fuzz/$(2): crash input in $(HOST_FUZZ_DIR)/, log $(HOST_FUZZ_DIR)/fuzz_$(1).log"; \
		exit 1; \
	fi
endef

ifneq ($(HOST_HAVE_CLANG),)
# Seeds: valid ELF images from fuzz_elf_seed; for cpio, a newc archive of this directory.
# Partition tables: a small GPT disk made by sgdisk (64 KiB: both headers and arrays) and one
# with an MBR; PCI: a config space of zeros and sizes (the fuzzer builds lists from there).
host-fuzz: $(HOST_FUZZ_DIR)/fuzz_elf $(HOST_DIR)/fuzz_elf_seed $(HOST_FUZZ_DIR)/fuzz_cpio \
		$(HOST_FUZZ_DIR)/fuzz_partition $(HOST_FUZZ_DIR)/fuzz_pci
	@rm -rf $(HOST_FUZZ_DIR)/corpus-elf $(HOST_FUZZ_DIR)/corpus-cpio \
		$(HOST_FUZZ_DIR)/corpus-partition $(HOST_FUZZ_DIR)/corpus-pci
	@mkdir -p $(HOST_FUZZ_DIR)/corpus-elf $(HOST_FUZZ_DIR)/corpus-cpio \
		$(HOST_FUZZ_DIR)/corpus-partition $(HOST_FUZZ_DIR)/corpus-pci
	@truncate -s 64K $(HOST_FUZZ_DIR)/corpus-partition/gpt
	@sgdisk -n 1:34:60 -n 2:61:0 $(HOST_FUZZ_DIR)/corpus-partition/gpt >/dev/null 2>&1
	@head -c 512 $(HOST_FUZZ_DIR)/corpus-partition/gpt > $(HOST_FUZZ_DIR)/corpus-partition/mbr
	@head -c 320 /dev/zero > $(HOST_FUZZ_DIR)/corpus-pci/zeros
	@$(HOST_TEST_ENV) $(HOST_DIR)/fuzz_elf_seed $(HOST_FUZZ_DIR)/corpus-elf
	@cd tests/host && ls test_cpio.c test.h | cpio -o -H newc --quiet \
		> $(abspath $(HOST_FUZZ_DIR))/corpus-cpio/seed
	$(call HOST_FUZZ_RUN,elf,elf_check,16384)
	$(call HOST_FUZZ_RUN,cpio,cpio_next,16384)
	$(call HOST_FUZZ_RUN,partition,partition_tables,65536)
	$(call HOST_FUZZ_RUN,pci,pci_config_space,320)
else
host-fuzz:
	@echo "host-fuzz: $(HOST_FUZZ_CC) not found, skipping the libFuzzer runs"
endif

-include $(shell find $(HOST_DIR) -name '*.d' 2>/dev/null)

.PHONY: host-tests host-fuzz
