# Test images for the QEMU layer: the same loader and kernel as `make image`, with their own
# command lines, plus a deliberately corrupted kernel for the loader's refusal path.
TEST_BUILD := $(BUILD)/test
LOADER_EFI := $(BUILD)/boot/BOOTX64.EFI
KERNEL_ELF := $(BUILD)/kernel/kernel.elf

$(TEST_BUILD)/ktest.cmdline:
	@mkdir -p $(dir $@)
	@echo "ktest exit" > $@

$(TEST_BUILD)/ktest.img: $(LOADER_EFI) $(KERNEL_ELF) $(TEST_BUILD)/ktest.cmdline tools/mkimage.sh \
		$(USER_INITRD)
	@echo "  IMAGE   $@"
	@tools/mkimage.sh $@ $(LOADER_EFI) $(KERNEL_ELF) $(TEST_BUILD)/ktest.cmdline $(USER_INITRD)

# A kernel cut short inside its text: its segments run past the end of the file.
$(TEST_BUILD)/truncated.elf: $(KERNEL_ELF)
	@mkdir -p $(dir $@)
	@head -c 12288 $< > $@

$(TEST_BUILD)/corrupt-kernel.img: $(LOADER_EFI) $(TEST_BUILD)/truncated.elf $(TEST_BUILD)/ktest.cmdline tools/mkimage.sh
	@echo "  IMAGE   $@"
	@tools/mkimage.sh $@ $(LOADER_EFI) $(TEST_BUILD)/truncated.elf $(TEST_BUILD)/ktest.cmdline

qemu-test-images: $(TEST_BUILD)/ktest.img $(TEST_BUILD)/corrupt-kernel.img
.PHONY: qemu-test-images
