# Benchmarks (bench/README.md): zbench and tiny built with Debian's musl-gcc, the reference Linux
# (Debian's linux-image-amd64, fetched by tools/linux-ref.sh) with its initramfs, the Zero-OS
# image that runs zbench, and the targets:
#   make bench              Zero-OS and Linux alternately, ROUNDS (3) boots each; table + JSON
#   make bench ICOUNT=1     the same under -icount shift=0 (figures are instruction counts)
#   make bench BENCH_SMP=2  both guests with two CPUs on multi-threaded TCG (wall time)
#   make bench-check        zbench --once on Zero-OS: every test passes its check or is unsupported
#   make bench-check-linux  the same on Linux (checks the benchmark itself)
#   make bench-linux        Linux only (no Zero-OS boots)
#   make bench-profile ZBENCH_ARGS=ipc_call PER=sys_zero_call
#                           Zero-OS once under a QEMU plugin: instructions per function, per call
#                           of the function PER (tools/insnprof/)
# Variables: ZBENCH_ARGS (e.g. "getpid pipe_pingpong" or "--time=200"), ROUNDS, ICOUNT, PER,
# BENCH_SMP.

BENCH_BUILD := $(BUILD)/bench
MUSL_CC := musl-gcc
BENCH_CFLAGS := -static -O2 -std=gnu11 -Wall -Wextra -Werror
ZBENCH_OBJS := $(addprefix $(BENCH_BUILD)/obj/,zbench.o tests_sys.o tests_ipc.o tests_proc.o tests_events.o \
	tests_smp.o)
# The files both systems get, at the same paths: /bench/zbench and /bench/tiny.
BENCH_ROOT := $(BENCH_BUILD)/root
ZBENCH := $(BENCH_ROOT)/bench/zbench
ZTINY := $(BENCH_ROOT)/bench/tiny
LINUX_REF := $(BUILD)/linux-ref
LINUX_CPIO := $(BENCH_BUILD)/linux-initramfs.cpio

ROUNDS ?= 3
ICOUNT ?=
# CPUs of both guests (the par_*/xcpu_* tests measure scaling and cross-CPU costs at 2).
BENCH_SMP ?= 1
ZBENCH_ARGS ?=
BENCH_RESULTS := $(BENCH_BUILD)/results$(if $(ICOUNT),-icount)$(if $(filter-out 1,$(BENCH_SMP)),-smp$(BENCH_SMP)).json

# Zero-OS: init runs the program named by run="..." and powers off with its exit status.
BENCH_ZERO_CMDLINE ?= run="$(strip /bench/zbench $(ZBENCH_ARGS))"
BENCH_ZERO_CHECK_CMDLINE ?= run="/bench/zbench --once"
# The initramfs of user/user.mk (USER_INITRD), made by a separate build with EXTRA=<our files>:
# the make goal and the file it makes. Without user/user.mk the image has no initramfs.
BENCH_ZBUILD := $(BENCH_BUILD)/zero
BENCH_ZERO_INITRD ?= $(BENCH_ZBUILD)/user/initrd.cpio
BENCH_ZERO_INITRD_GOAL ?= $(if $(wildcard user/user.mk),$(BENCH_ZERO_INITRD))

$(BENCH_BUILD)/obj/%.o: bench/%.c bench/zbench.h $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(MUSL_CC) $(BENCH_CFLAGS) -MMD -MP -c $< -o $@

$(ZBENCH): $(ZBENCH_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	@$(MUSL_CC) -static -O2 -o $@ $(ZBENCH_OBJS)

$(ZTINY): bench/tiny.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(MUSL_CC) $(BENCH_CFLAGS) -o $@ $<

$(BENCH_BUILD)/linux_init: bench/linux_init.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(MUSL_CC) $(BENCH_CFLAGS) -o $@ $<

$(LINUX_CPIO): $(BENCH_BUILD)/linux_init $(ZBENCH) $(ZTINY) tools/bench_cpio.py
	@echo "  CPIO    $@"
	@$(PYTHON) tools/bench_cpio.py $@ dir:dev cdev:dev/console=5,1 dir:proc dir:tmp dir:bench \
		file:init=$(BENCH_BUILD)/linux_init file:bench/zbench=$(ZBENCH) file:bench/tiny=$(ZTINY)

# Cached in $(LINUX_REF); the script only asks apt which version is current.
bench-linux-ref: $(DEPS_STAMP)
	@tools/linux-ref.sh $(LINUX_REF) >/dev/null

# The Zero-OS images; a failure becomes a note (Zero-OS "n/a"), never a failed `make bench`.
bench-zero-images: $(ZBENCH) $(ZTINY) $(DEPS_STAMP)
	@echo "  IMAGE   $(BENCH_BUILD)/zero-bench.img, zero-check.img (separate build in $(BENCH_ZBUILD))"
	@MAKE="$(MAKE)" tools/bench-zimage.sh $(BENCH_BUILD)/zero-bench.img $(BENCH_ZBUILD) $(BENCH_ROOT) \
		'$(BENCH_ZERO_CMDLINE)' '$(BENCH_ZERO_INITRD_GOAL)' $(BENCH_ZERO_INITRD) \
		> $(BENCH_BUILD)/zero-bench.note; echo $$? > $(BENCH_BUILD)/zero-bench.status
	@MAKE="$(MAKE)" tools/bench-zimage.sh $(BENCH_BUILD)/zero-check.img $(BENCH_ZBUILD) $(BENCH_ROOT) \
		'$(BENCH_ZERO_CHECK_CMDLINE)' '$(BENCH_ZERO_INITRD_GOAL)' $(BENCH_ZERO_INITRD) \
		> $(BENCH_BUILD)/zero-check.note; echo $$? > $(BENCH_BUILD)/zero-check.status

# --zero-missing when the image could not be built, --zero-hint with the note otherwise.
bench_zero_opts = $$(if [ "$$(cat $(BENCH_BUILD)/zero-$(1).status)" = 0 ]; then \
	echo --zero-image $(BENCH_BUILD)/zero-$(1).img --zero-hint; else echo --zero-missing; fi) \
	"$$(cat $(BENCH_BUILD)/zero-$(1).note)"
BENCH_LINUX_OPTS = --linux-kernel $(LINUX_REF)/vmlinuz --linux-initrd $(LINUX_CPIO)

bench: bench-linux-ref bench-zero-images $(LINUX_CPIO)
	@$(PYTHON) tools/bench.py run $(call bench_zero_opts,bench) $(BENCH_LINUX_OPTS) \
		--linux-args='$(ZBENCH_ARGS)' --rounds $(ROUNDS) $(if $(ICOUNT),--icount) \
		--smp $(BENCH_SMP) --out $(BENCH_RESULTS) --logdir $(BENCH_BUILD)/logs$(if $(ICOUNT),-icount)

bench-linux: bench-linux-ref $(LINUX_CPIO)
	@$(PYTHON) tools/bench.py run --zero-missing "not booted (make bench-linux)" \
		$(BENCH_LINUX_OPTS) --linux-args='$(ZBENCH_ARGS)' --rounds $(ROUNDS) \
		$(if $(ICOUNT),--icount) --out $(BENCH_RESULTS) \
		--logdir $(BENCH_BUILD)/logs$(if $(ICOUNT),-icount)

bench-check: bench-zero-images
	@$(PYTHON) tools/bench.py check --system zero $(call bench_zero_opts,check) \
		--linux-kernel none --linux-initrd none --timeout 300 --logdir $(BENCH_BUILD)/logs

bench-check-linux: bench-linux-ref $(LINUX_CPIO)
	@$(PYTHON) tools/bench.py check --system linux $(BENCH_LINUX_OPTS) --linux-args=--once \
		--timeout 300 --logdir $(BENCH_BUILD)/logs

INSNPROF := $(BENCH_BUILD)/insnprof.so
PER ?=
$(INSNPROF): tools/insnprof/insnprof.c
	@echo "  HOSTCC  $@"
	@mkdir -p $(@D)
	@$(HOST_CC) -O2 -Wall -Wextra -shared -fPIC -fvisibility=hidden -o $@ $<

bench-profile: bench-zero-images $(INSNPROF)
	@tests/qemu/run.py $(BENCH_BUILD)/zero-bench.img --name bench-profile --timeout 600 \
		--log $(BENCH_BUILD)/profile.log \
		--qemu-extra "-plugin $(INSNPROF),arg=file=$(BENCH_BUILD)/profile.txt -icount shift=0"
	@grep '^BENCH name' $(BENCH_BUILD)/profile.log
	@$(PYTHON) tools/insnprof/report.py $(BENCH_BUILD)/profile.txt \
		--elf $(BENCH_ZBUILD)/kernel/kernel.elf --elf $(ZBENCH) $(if $(PER),--per $(PER))

bench-build: $(ZBENCH) $(ZTINY) $(LINUX_CPIO)

.PHONY: bench bench-profile bench-linux bench-check bench-check-linux bench-build bench-linux-ref \
	bench-zero-images
-include $(ZBENCH_OBJS:.o=.d)
