# User space: init, our programs and the user tests, built as static musl executables, and the
# initramfs (cpio newc) the loader hands to the kernel: /sbin/init, /bin/*, /tests/* (with
# hostile ELF files for the exec tests), plus the files of EXTRA=<host dir> at its root.
USER_CC := musl-gcc
USER_CFLAGS := -static -O2 -std=gnu11 -Wall -Wextra -Werror -Wno-unused-function
USER_OUT := $(BUILD)/user
USER_INITRD := $(USER_OUT)/initrd.cpio
EXTRA ?=

USER_PROGS := $(USER_OUT)/root/sbin/init $(USER_OUT)/root/bin/hello $(USER_OUT)/root/bin/hello-pie \
	$(USER_OUT)/root/bin/compat_demo
# The sleep matrix (issue 12): every blocking call against every way a sleep must end,
# tests/user/sleep_matrix_*.c sharing tests/user/sleep_matrix.h.
SLEEP_MATRIX_NAMES := sleep_matrix_futex sleep_matrix_time sleep_matrix_fd sleep_matrix_wait \
	sleep_matrix_locks sleep_matrix_pty sleep_matrix_waitv
# Regression tests of issues 12 and 19 (sleeps, exits, long copies, races forced by hooks).
SLEEP_REGRESSION_NAMES := clone_exit_group_race spurious_write_fault_segv long_copy_sigkill \
	signal_lost_on_thread_exit sigtimedwait pthread_cancel_wait
# File locks: fcntl's POSIX and OFD locks, flock, leases and file owners (tests/user/file_locks*.c).
FILE_LOCK_TEST_NAMES := file_locks file_locks_procs file_locks_flock file_locks_lease
# The event descriptors (tests/user/{eventfd,epoll,timerfd,signalfd}.c, sharing evfd.h) and
# their rows of the sleep matrix (sleep_matrix_evfd.c).
EVFD_TEST_NAMES := eventfd epoll timerfd signalfd sleep_matrix_evfd
# Calls and flags LTP found missing (issue 13): one test per family.
LINUX_API_TEST_NAMES := xattr rw_vectors futex_waitv sysfs_call seek_hole random_ioctl o_tmpfile \
	settime itimer_cpu cpu_clocks file_hints utimes_calls mlock
# /proc/sys, pipe sizes, read-only remounts and the procfs files LTP wanted (issue 13).
PROCFS_SYS_TEST_NAMES := procfs_sys pipe_size tmpfs_remount_ro procfs_gaps
# Regression tests of issue 13's process, credential and limit semantics (Linux's expectations).
PROCS_REGRESSION_NAMES := exec_empty_argv clone_parent chown_keeps_sgid_nonexec \
	rlimit_fsize_ignored rlimit_cpu_ignored mmap_errno_order open_noatime etxtbsy_ignored \
	setreuid_enosys prctl_pdeathsig_subreaper sched_getparam_enosys persona_enosys \
	clock_nanosleep_thread_clock capget_enosys rlimit_sigpending_ignored sigqueueinfo_enosys \
	setfsuid_enosys prctl_timerslack
# System V IPC and POSIX shared memory/message queues (docs/ipc.md), sharing tests/user/sysv.h.
IPC_TEST_NAMES := sysv_shm sysv_shm_ctl sysv_sem sysv_sem_wait sysv_msg shm_open posix_mq \
	sleep_matrix_ipc
# Pseudo-terminals (tests/user/pty*.c, sharing pty_test.h).
PTY_TEST_NAMES := pty pty_hangup
# Several CPUs (tests/user/smp*.c, sharing smp.h): spreading, affinity, TLB shootdown.
SMP_TEST_NAMES := smp smp_tlb
# The user tests whose expectations are Linux's: `make user-linux-test` runs them on this host.
USER_LINUX_TEST_NAMES := $(SLEEP_MATRIX_NAMES) $(SLEEP_REGRESSION_NAMES) procfs_task wait \
	$(EVFD_TEST_NAMES) $(LINUX_API_TEST_NAMES) $(FILE_LOCK_TEST_NAMES) $(PROCFS_SYS_TEST_NAMES) \
	$(PROCS_REGRESSION_NAMES) $(IPC_TEST_NAMES) $(PTY_TEST_NAMES) $(SMP_TEST_NAMES)
# The file-system suite (tests/user/fs_*.c), sharing tests/user/fs.h.
FS_TEST_NAMES := fs_io fs_fd fs_names fs_paths fs_attr fs_perm fs_mount fs_efault fs_efault2 \
	fs_badfd fs_dev fs_big
USER_TEST_NAMES := hello fork_cow exec wait ids rlimit badptr threads mmap signals segv_stack \
	mmap_file sched futex futex_robust orphan_exit_signal fuzz prctl groups orphan_stop \
	exec_script procfs procfs_task $(PROCFS_SYS_TEST_NAMES) pgrp_zombie_leader poll_opath \
	fifo_open_race \
	stop_cont_resume cap_ipc cap_reply_recv cap_rights cap_dotdot cap_reopen_by_proc \
	cap_endpoint_graph exit_preempted_after_zombie $(FS_TEST_NAMES) pipe pipe_reopen_by_proc \
	poll pipe_pipeline tty tty_jobs vfork_parent_killable signal_fpu fd_close_while_reading \
	$(SLEEP_MATRIX_NAMES) $(SLEEP_REGRESSION_NAMES) $(EVFD_TEST_NAMES) $(LINUX_API_TEST_NAMES) \
	$(FILE_LOCK_TEST_NAMES) $(PROCS_REGRESSION_NAMES) $(IPC_TEST_NAMES) $(PTY_TEST_NAMES) \
	blkdev $(SMP_TEST_NAMES)
# Issue 16's event-loop calls: POSIX timers, pidfds, inotify, memfd, splice (Linux's too).
API16_TEST_NAMES := posix_timer pidfd inotify sleep_matrix_api memfd splice kcmp_pvm
USER_TEST_NAMES += $(API16_TEST_NAMES)
USER_LINUX_TEST_NAMES += $(API16_TEST_NAMES)
USER_TESTS := $(addprefix $(USER_OUT)/root/tests/,$(USER_TEST_NAMES) runall)
USER_BAD := $(USER_OUT)/bad/.stamp

$(USER_OUT)/root/sbin/%: user/%.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< -o $@

$(USER_OUT)/root/bin/%: user/%.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< -o $@

# The block-device cases on the SATA and NVMe scratch disks, and injected read errors
# (tests/user/blkdev_*.c; the runner attaches the disks: user-test below).
BLKDEV_MORE_NAMES := blkdev_sata blkdev_nvme blkdev_eio
USER_TEST_NAMES += $(BLKDEV_MORE_NAMES)
USER_TESTS += $(addprefix $(USER_OUT)/root/tests/,$(BLKDEV_MORE_NAMES))
# The shell, its tests, and upper (uppercases stdin), a program its pipelines run.
USER_PROGS += $(USER_OUT)/root/bin/zero-sh
USER_TEST_NAMES += shell
# The multi-threaded fuzzer last: a kernel it panics has run every other test first.
USER_TEST_NAMES += fuzz_mt
USER_TESTS += $(USER_OUT)/root/tests/fuzz_mt
USER_TESTS += $(addprefix $(USER_OUT)/root/tests/,shell upper)

# zero-sh, our shell (user/sh), installed as /bin/zero-sh with /bin/sh a link to it (until
# tools/stage_busybox.py gives /bin/sh to busybox's ash).
$(USER_OUT)/root/bin/zero-sh: $(wildcard user/sh/*.c) user/sh/sh.h $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  user/sh"
	@$(USER_CC) $(USER_CFLAGS) $(filter %.c,$^) -o $@

# A static-pie build (ET_DYN, no PT_INTERP): musl's rcrt1.o relocates it wherever exec puts it.
MUSL_LIB := /usr/lib/x86_64-linux-musl
$(USER_OUT)/root/bin/hello-pie: user/hello.c user/user.mk $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $< (static-pie)"
	@$(USER_CC) -O2 -std=gnu11 -Wall -Wextra -Werror -fPIE -static-pie -nostartfiles \
		$(MUSL_LIB)/rcrt1.o $(MUSL_LIB)/crti.o $$($(CC) -print-file-name=crtbeginS.o) $< \
		$$($(CC) -print-file-name=crtendS.o) $(MUSL_LIB)/crtn.o -Wl,--no-dynamic-linker \
		-Wl,-Bstatic -o $@

# The driver knows the test list at build time (there is no readdir before the VFS).
user_empty :=
user_space := $(user_empty) $(user_empty)
user_comma := ,
USER_TEST_LIST := $(subst $(user_space),$(user_comma),$(foreach t,$(USER_TEST_NAMES),"$(t)"))
$(USER_OUT)/test-list.txt: FORCE
	@mkdir -p $(dir $@)
	@echo '$(USER_TEST_LIST)' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(USER_OUT)/root/tests/runall: tests/user/runall.c $(USER_OUT)/test-list.txt $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) '-DUSER_TESTS=$(USER_TEST_LIST)' $< -o $@

$(USER_OUT)/root/tests/%: tests/user/%.c tests/user/test.h $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< -o $@ -lpthread

$(addprefix $(USER_OUT)/root/tests/,$(FS_TEST_NAMES)): tests/user/fs.h
$(addprefix $(USER_OUT)/root/tests/,$(EVFD_TEST_NAMES)): tests/user/evfd.h
$(addprefix $(USER_OUT)/root/tests/,blkdev blkdev_sata blkdev_nvme): tests/user/blkdev_cases.h
$(addprefix $(USER_OUT)/root/tests/,$(SMP_TEST_NAMES)): tests/user/smp.h
$(USER_OUT)/root/tests/sleep_matrix_evfd: tests/user/sleep_matrix.h tests/user/proc_wait.h
$(USER_OUT)/root/tests/sleep_matrix_api: tests/user/sleep_matrix.h tests/user/proc_wait.h
# The fuzzers share their generator, and call every number of the syscall table (less exit and
# exit_group, which only end a round): a call added to the table is fuzzed from then on.
FUZZ_NRS := $(USER_OUT)/gen/fuzz_nrs.h
$(FUZZ_NRS): kernel/syscall/syscall_64.tbl user/user.mk
	@mkdir -p $(dir $@)
	@awk '/^[0-9]/ && $$1 != 60 && $$1 != 231 { printf "%s, ", $$1 } END { print "" }' $< > $@
$(USER_OUT)/root/tests/fuzz $(USER_OUT)/root/tests/fuzz_mt: tests/user/fuzz.h $(FUZZ_NRS)
$(USER_OUT)/root/tests/fuzz $(USER_OUT)/root/tests/fuzz_mt: USER_CFLAGS += -I$(USER_OUT)/gen
$(USER_OUT)/root/tests/fuzz_mt: include/uapi/zero/ipc.h include/uapi/zero/cap.h
$(USER_OUT)/root/tests/fs_efault2: tests/user/fs_efault.c
# The tests that hold a thread at a kernel test hook.
$(addprefix $(USER_OUT)/root/tests/,clone_exit_group_race spurious_write_fault_segv \
	signal_lost_on_thread_exit): tests/user/test_hook.h include/uapi/zero/testhook.h
# The terminal tests share their set-up.
$(USER_OUT)/root/tests/tty $(USER_OUT)/root/tests/tty_jobs: tests/user/tty_test.h
$(USER_OUT)/root/tests/procfs $(USER_OUT)/root/tests/fifo_open_race \
	$(USER_OUT)/root/tests/futex_robust $(USER_OUT)/root/tests/stop_cont_resume: tests/user/proc_wait.h
$(addprefix $(USER_OUT)/root/tests/,$(SLEEP_MATRIX_NAMES)): tests/user/sleep_matrix.h \
	tests/user/proc_wait.h

# The compatibility demo (tests/compat): the same binary runs on the host's Linux and here.
$(USER_OUT)/root/bin/compat_demo: tests/compat/demo.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) $(USER_CFLAGS) $< -o $@ -lpthread

# Hostile executables, derived from /bin/hello, and a dynamically linked one (PT_INTERP).
$(USER_BAD): $(USER_OUT)/root/bin/hello tools/mkbadelf.py user/hello.c
	@echo "  BADELF  $(USER_OUT)/bad"
	@rm -rf $(USER_OUT)/bad
	@$(PYTHON) tools/mkbadelf.py $< $(USER_OUT)/bad
	@$(CC) -O2 user/hello.c -o $(USER_OUT)/bad/bad_dynamic
	@chmod 0755 $(USER_OUT)/bad/bad_* # executable: exec must refuse them for their contents
	@touch $@

# Debian's busybox (tools/stage_busybox.py) and its compatibility suite (tests/compat/busybox)
# join the staged tree after EXTRA's files, taking no name the tree already has but /bin/sh.
BUSYBOX_SUITE := tests/compat/busybox/run.sh $(wildcard tests/compat/busybox/[0-9]*)

# The archive is rebuilt on every make (EXTRA may have changed) but only replaced, and the
# image only rebuilt, when its contents differ.
$(USER_INITRD): $(USER_PROGS) $(USER_TESTS) $(USER_BAD) tools/stage_busybox.py $(BUSYBOX_SUITE) FORCE
	@rm -rf $(USER_OUT)/stage
	@mkdir -p $(USER_OUT)/stage
	@cp -a $(USER_OUT)/root/. $(USER_OUT)/stage/
	@cp $(USER_OUT)/bad/bad_* $(USER_OUT)/stage/tests/
	@ln -s zero-sh $(USER_OUT)/stage/bin/sh
	@mkdir -m 1777 $(USER_OUT)/stage/tmp
	@if [ -n "$(EXTRA)" ]; then \
		[ -d "$(EXTRA)" ] || { echo "EXTRA=$(EXTRA) is not a directory" >&2; exit 1; }; \
		cp -a "$(EXTRA)"/. $(USER_OUT)/stage/; fi
	@$(PYTHON) tools/stage_busybox.py $(USER_OUT)/stage
	@mkdir -p $(USER_OUT)/stage/tests/busybox
	@cp -p $(BUSYBOX_SUITE) $(USER_OUT)/stage/tests/busybox/
	@touch -r tests/compat/busybox $(USER_OUT)/stage/tests/busybox
	@cd $(USER_OUT)/stage && find . -mindepth 1 | LC_ALL=C sort | \
		cpio -o -H newc -R 0:0 --reproducible --quiet > ../initrd.cpio.tmp
	@cmp -s $@.tmp $@ || { echo "  CPIO    $@"; mv $@.tmp $@; }; rm -f $@.tmp

user: $(USER_INITRD)

# The user-test image: init runs the test driver and powers off with its status.
# USER_TEST_ONLY="pipe tty" limits the driver to those programs (for `make user-test`).
$(BUILD)/test/usertest.cmdline: FORCE
	@mkdir -p $(dir $@)
	@echo 'run="/tests/runall$(if $(USER_TEST_ONLY), $(USER_TEST_ONLY))" testhooks' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

$(BUILD)/test/usertest.img: $(BUILD)/boot/BOOTX64.EFI $(BUILD)/kernel/kernel.elf \
		$(BUILD)/test/usertest.cmdline $(USER_INITRD) tools/mkimage.sh
	@echo "  IMAGE   $@"
	@tools/mkimage.sh $@ $(BUILD)/boot/BOOTX64.EFI $(BUILD)/kernel/kernel.elf \
		$(BUILD)/test/usertest.cmdline $(USER_INITRD)

# A corrupt initramfs (cut short in the middle of a file): the kernel must say so, run
# nothing from it, and stay up.
$(BUILD)/test/corrupt-initrd.cpio: $(USER_INITRD)
	@mkdir -p $(dir $@)
	@head -c 5000 $< > $@

$(BUILD)/test/corrupt-initrd.img: $(BUILD)/boot/BOOTX64.EFI $(BUILD)/kernel/kernel.elf \
		$(BUILD)/test/usertest.cmdline $(BUILD)/test/corrupt-initrd.cpio tools/mkimage.sh
	@echo "  IMAGE   $@"
	@tools/mkimage.sh $@ $(BUILD)/boot/BOOTX64.EFI $(BUILD)/kernel/kernel.elf \
		$(BUILD)/test/usertest.cmdline $(BUILD)/test/corrupt-initrd.cpio

$(BUILD)/test/compat.cmdline:
	@mkdir -p $(dir $@)
	@echo 'run="/bin/compat_demo"' > $@

# An image of the user initramfs with its own command line (compat.img, busybox.img).
$(BUILD)/test/%.img: $(BUILD)/boot/BOOTX64.EFI $(BUILD)/kernel/kernel.elf \
		$(BUILD)/test/%.cmdline $(USER_INITRD) tools/mkimage.sh
	@echo "  IMAGE   $@"
	@tools/mkimage.sh $@ $(BUILD)/boot/BOOTX64.EFI $(BUILD)/kernel/kernel.elf \
		$(BUILD)/test/$*.cmdline $(USER_INITRD)

# The Linux-compatible user tests on this host's Linux: proves their expectations are Linux's.
USER_LINUX_TESTS := $(addprefix $(USER_OUT)/root/tests/,$(USER_LINUX_TEST_NAMES))
user-linux-test: $(USER_LINUX_TESTS)
	@tests/user/run-linux.sh $(USER_LINUX_TESTS)
.PHONY: user-linux-test

# Only the user layer (optionally USER_TEST_ONLY="name ..."), for work on one area.
# Every run gets fresh scratch disks (tools/mkscratch.sh): a virtio-blk one (/dev/vda), a SATA
# one on the AHCI controller (/dev/sdb) and an NVMe one (/dev/nvme0n1); afterwards the host
# checks what tests/user/blkdev.c, blkdev_sata.c and blkdev_nvme.c left on them (when they ran).
SCRATCH_DISK := $(BUILD)/test/scratch-disk.img
SCRATCH_SATA := $(BUILD)/test/scratch-sata.img
SCRATCH_NVME := $(BUILD)/test/scratch-nvme.img
# A third, behind QEMU's blkdebug, fails reads of one sector (tests/user/blkdev_eio.c: /dev/vdb).
SCRATCH_EIO := $(BUILD)/test/scratch-eio.img
EIO_DISK_ARGS = -drive file=blkdebug:$(abspath tests/qemu/blkdebug-eio.conf):$(abspath \
	$(SCRATCH_EIO)),if=none,id=eiodisk,format=raw -device virtio-blk-pci,drive=eiodisk
user-test: $(BUILD)/test/usertest.img
	@tools/mkscratch.sh $(SCRATCH_SATA)
	@tools/mkscratch.sh $(SCRATCH_NVME)
	@tools/mkscratch.sh $(SCRATCH_EIO)
	@tools/mkscratch.sh $(SCRATCH_DISK)
	@tests/qemu/run.py $< --name usertest --timeout 300 --log $(BUILD)/usertest.log \
		--disk $(SCRATCH_DISK) \
		--sata-disk $(SCRATCH_SATA) --nvme-disk $(SCRATCH_NVME) --qemu-extra '$(EIO_DISK_ARGS)' \
		--expect-tests --summary-regex 'usertest: (\d+) passed, (\d+) failed'
	@if grep -q 'PASS: user/blkdev_sata/guest_mark' $(BUILD)/usertest.log; then \
		tools/check_scratch.sh $(SCRATCH_SATA); fi
	@if grep -q 'PASS: user/blkdev_nvme/guest_mark' $(BUILD)/usertest.log; then \
		tools/check_scratch.sh $(SCRATCH_NVME); fi
	@if grep -q 'PASS: user/blkdev/guest_mark' $(BUILD)/usertest.log; then \
		tools/check_scratch.sh $(SCRATCH_DISK); fi
.PHONY: user-test

qemu-test-images: $(BUILD)/test/usertest.img $(BUILD)/test/corrupt-initrd.img \
	$(BUILD)/test/compat.img
.PHONY: user

# The busybox compatibility suite (tests/compat/busybox) inside Zero-OS: init runs its runner
# under busybox's sh (init splits run= at spaces, so the command stays plain words).
$(BUILD)/test/busybox.cmdline:
	@mkdir -p $(dir $@)
	@echo 'run="/bin/sh /tests/busybox/run.sh"' > $@

# Only the suite inside Zero-OS, for work on it.
busybox-test: $(BUILD)/test/busybox.img
	@tests/qemu/run.py $< --name busybox --timeout 600 --log $(BUILD)/busybox.log \
		--expect-tests --summary-regex 'busybox: (\d+) passed, (\d+) failed'

# The same suite on this host's Linux with the same busybox: proves the expected outputs.
busybox-host-check:
	@tests/compat/busybox/run-host.sh
.PHONY: busybox-test busybox-host-check

qemu-test-images: $(BUILD)/test/busybox.img

# The long fuzz run (README): init runs the multi-threaded fuzzer over FUZZ_ARGS = "SEED_FIRST
# SEED_LAST ROUNDS CALLS [ACTIONS]" (tests/user/fuzz_mt.c); the default: ~1.3 M calls, ~40 min.
FUZZ_ARGS ?= 1 20 250 400
FUZZ_TIMEOUT ?= 14400
$(BUILD)/test/fuzzlong.cmdline: FORCE
	@mkdir -p $(dir $@)
	@echo 'run="/tests/fuzz_mt $(FUZZ_ARGS)"' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp

fuzz-long: $(BUILD)/test/fuzzlong.img
	@tools/fuzz-long.sh $< $(BUILD)/fuzz-long.log $(FUZZ_TIMEOUT)
.PHONY: fuzz-long
# The capability tests include the Zero-OS user header.
$(USER_OUT)/root/tests/cap_ipc $(USER_OUT)/root/tests/cap_reply_recv \
	$(USER_OUT)/root/tests/cap_rights $(USER_OUT)/root/tests/cap_reopen_by_proc \
	$(USER_OUT)/root/tests/cap_dotdot: \
	include/uapi/zero/ipc.h \
	tests/user/cap_test.h \
	include/uapi/zero/cap.h
