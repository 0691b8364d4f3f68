# LTP's system-call tests inside Zero-OS (docs/ltp.md): `make ltp` runs all of runtest/syscalls,
# `make ltp-mini` the 537 everyday tests of runtest/mini, one boot per batch of binaries
# (tools/ltp.py), then compares each test's class with Linux's; `make ltp-pass` runs only the
# pass list and fails if one of its tests does not pass; `make test` runs it (its `ltp` layer),
# and says so, without a result line, where the LTP tarball is not on the machine.
# Variables: LTP_DIR (the shared folder), LTP_ONLY="name ..." (only those tests),
# LTP_TIMEOUT (seconds per test, ltp-run's -t), LTP_TIMEOUT_MUL (LTP's own timeouts' factor).
# LTP_DEVICE_MB=N attaches an empty N MiB virtio disk to each boot as LTP_DEV=/dev/vda (the
# .needs_device tests; LTP asks for 300 MiB by default).
# The workspace's shared folder: beside the checkout, or at its fixed place for a clone elsewhere.
LTP_DIR ?= $(firstword $(wildcard ../shared/ltp /work/shared/ltp) ../shared/ltp)
LTP_TAR = $(firstword $(wildcard $(LTP_DIR)/ltp-syscalls-musl-static-*.tar.xz))
LTP_OUT := $(BUILD)/ltp
LTP_TIMEOUT ?= 300
LTP_TIMEOUT_MUL ?= 4
LTP_ONLY ?=
LTP_PASS_LIST := tests/ltp/pass.txt

$(LTP_OUT)/ltp-run: $(LTP_DIR)/ltp-run.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  MUSLCC  $<"
	@$(USER_CC) -static -O2 $< -o $@

# $(1): the runtest list (syscalls or mini); $(2): its output folder.
define ltp_run
	@[ -n "$(LTP_TAR)" ] || { echo "ltp: no $(LTP_DIR)/ltp-syscalls-musl-static-*.tar.xz" >&2; \
		exit 1; }
	@$(PYTHON) tools/ltp.py run --tar $(LTP_TAR) --list $(1) --out $(2) \
		--loader $(LOADER_EFI) --kernel $(KERNEL_ELF) --initrd $(USER_INITRD) \
		--ltp-run $(LTP_OUT)/ltp-run --timeout $(LTP_TIMEOUT) --mul $(LTP_TIMEOUT_MUL) \
		$(if $(LTP_ONLY),--only $(LTP_ONLY)) $(if $(LTP_DEVICE_MB),--device-mb $(LTP_DEVICE_MB))
	@$(PYTHON) tools/ltp.py compare --results $(2)/zero-results.txt \
		--linux $(LTP_DIR)/linux-results.txt --logs $(2)/logs --json $(2)/results.json \
		--pass-list $(2)/pass.txt
endef

LTP_DEPS := $(LOADER_EFI) $(KERNEL_ELF) $(USER_INITRD) $(LTP_OUT)/ltp-run tools/ltp.py \
	tests/ltp/kconfig

ltp: $(LTP_DEPS)
	$(call ltp_run,syscalls,$(LTP_OUT)/syscalls)

ltp-mini: $(LTP_DEPS)
	$(call ltp_run,mini,$(LTP_OUT)/mini)

ltp-pass: $(LTP_DEPS) $(LTP_PASS_LIST)
	@$(PYTHON) tools/ltp.py run --tar $(LTP_TAR) --list syscalls --out $(LTP_OUT)/pass \
		--loader $(LOADER_EFI) --kernel $(KERNEL_ELF) --initrd $(USER_INITRD) \
		--ltp-run $(LTP_OUT)/ltp-run --timeout $(LTP_TIMEOUT) --mul $(LTP_TIMEOUT_MUL) \
		--only-file $(LTP_PASS_LIST) > $(LTP_OUT)/pass.out
	@$(PYTHON) tools/ltp.py check --results $(LTP_OUT)/pass/zero-results.txt \
		--pass-list $(LTP_PASS_LIST)

# The tarball's path, empty when the machine has none (tools/run-tests.sh asks).
ltp-tar-path:
	@echo $(LTP_TAR)

.PHONY: ltp ltp-mini ltp-pass ltp-tar-path
