/* Exception table: pairs (faulting instruction, fixup) for the few kernel instructions that may
 * fault on purpose (user copies, probes). On a kernel-mode #PF or #GP at such an instruction the
 * exception handler resumes at the fixup, which reports -EFAULT instead of the kernel panicking.
 * Entries are 32-bit offsets relative to the entry field itself (position independent, half the
 * size of absolute addresses), in section __ex_table, which kernel.ld gathers between
 * __ex_table_start and __ex_table_end.
 *
 * Assembly (.S):  1: movq (%rsi), %rax ... 2: movl $-EFAULT, %eax ...  EXTABLE 1b, 2b
 * C inline asm:   "1: movq (%1), %0\n" ... "2: ...\n" EXTABLE_ENTRY(1b, 2b)
 * The fixup runs with the registers as they were at the fault (rip excepted). */
#ifndef ARCH_EXTABLE_H
#define ARCH_EXTABLE_H

#ifdef __ASSEMBLER__
.macro EXTABLE insn, fixup
	.pushsection __ex_table, "a"
	.balign 4
	.long (\insn) - .
	.long (\fixup) - .
	.popsection
.endm
#else
#include <stdint.h>

struct extable_entry {
	int32_t insn; /* faulting instruction, relative to &insn */
	int32_t fixup; /* where to resume, relative to &fixup */
};
_Static_assert(sizeof(struct extable_entry) == 8, "extable entry layout");

#define EXTABLE_ENTRY(insn, fixup)                                                               \
	".pushsection __ex_table, \"a\"\n\t"                                                     \
	".balign 4\n\t"                                                                          \
	".long (" #insn ") - .\n\t"                                                              \
	".long (" #fixup ") - .\n\t"                                                             \
	".popsection\n\t"

extern const struct extable_entry __ex_table_start[], __ex_table_end[];

static inline uint64_t extable_insn(const struct extable_entry *e)
{
	return (uint64_t)&e->insn + (int64_t)e->insn;
}

static inline uint64_t extable_fixup_addr(const struct extable_entry *e)
{
	return (uint64_t)&e->fixup + (int64_t)e->fixup;
}
#endif

#endif
