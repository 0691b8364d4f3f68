/* libFuzzer harness for kernel/lib/elf.c (make host-fuzz): arbitrary bytes go through elf_check
 * under several limits, elf_phdr, elf_find_symtab and elf_symbolize. Crashes are found by
 * ASan/UBSan; an accepted image that breaks a promise, or a symbol name outside its string
 * table, traps. */
#include "elf_image.h"
#include <lib/elf.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct elf_limits fuzz_limits[] = {
	{ .vaddr_min = 0x10000, .vaddr_max = 0x800000000000ULL, .type = ET_EXEC, .max_phnum = 64 },
	{ .vaddr_min = 0, .vaddr_max = UINT64_MAX, .type = ET_DYN, .max_phnum = 0xffff,
	  .allow_wx = true },
	{ .vaddr_min = 0xffffffff80000000ULL, .vaddr_max = 0xffffffffc0000000ULL, .type = ET_EXEC,
	  .max_phnum = 16 },
};

static void fuzz_check(const uint8_t *buf, size_t size, const struct elf_limits *lim)
{
	struct elf_info info;
	const char *why = NULL;
	volatile uint64_t sink = 0;

	if (elf_check(buf, size, lim, &info, &why) != 0) {
		if (!why)
			__builtin_trap();
		return;
	}
	if (!oracle_accepts(buf, size, lim, &info))
		__builtin_trap();

	for (unsigned i = 0; i < info.phnum; i++)
		sink += elf_phdr(buf, i)->p_memsz; /* every header must be readable */
	(void)sink;
}

/* exec's view: only the first page at hand, in an exactly-sized copy (a read past it is an ASan
 * report). It may refuse more than elf_check, never accept more or report differently. */
static void fuzz_check_head(const uint8_t *buf, size_t size, const struct elf_limits *lim)
{
	struct elf_info head_info, info;
	const char *why = NULL;
	size_t len = size < 4096 ? size : 4096;
	uint8_t *head = malloc(len ? len : 1);

	if (!head)
		return;
	memcpy(head, buf, len);
	if (elf_check_head(head, len, size, lim, &head_info, &why) == 0) {
		if (elf_check(buf, size, lim, &info, &why) != 0 || info.entry != head_info.entry ||
		    info.vaddr_lo != head_info.vaddr_lo || info.vaddr_hi != head_info.vaddr_hi ||
		    info.phnum != head_info.phnum || info.phoff != head_info.phoff ||
		    info.phdr_vaddr != head_info.phdr_vaddr)
			__builtin_trap();
	} else if (!why) {
		__builtin_trap();
	}
	free(head);
}

static void fuzz_symbols(const uint8_t *buf, size_t size)
{
	struct elf_symtab st;
	uint64_t off;

	if (elf_find_symtab(buf, size, &st) != 0)
		return;
	for (size_t i = 0; i < st.count && i < 16; i++) {
		const char *name = elf_symbolize(&st, st.syms[i].st_value + (i & 3), &off);
		if (name && (name < st.strtab || name >= st.strtab + st.strsize ||
			     !memchr(name, 0, (size_t)(st.strtab + st.strsize - name))))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exactly-sized, suitably aligned copy: any read past the end is an ASan report. */
	uint8_t *buf = malloc(size ? size : 1);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	for (size_t i = 0; i < sizeof(fuzz_limits) / sizeof(fuzz_limits[0]); i++) {
		fuzz_check(buf, size, &fuzz_limits[i]);
		fuzz_check_head(buf, size, &fuzz_limits[i]);
	}
	fuzz_symbols(buf, size);
	free(buf);
	return 0;
}
