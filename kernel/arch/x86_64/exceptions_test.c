/* In-kernel self-tests of the descriptor tables and trap handling: the exception-table fixup
 * (what usercopy relies on) for #PF and #GP, every register surviving a fault and an interrupt,
 * the IDT gates, the loaded GDT/TSS and segment registers, the NMI path restoring a foreign GS
 * base, and irq_register's rules. */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/exceptions.h>
#include <arch/x86_64/extable.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/percpu.h>
#include <core/ktest.h>
#include <mm/paging.h>
#include <uapi/errno.h>

#define STR_(x) #x
#define STR(x) STR_(x)

/* Kernel half, outside the direct map, the KVA area and the image: nothing is mapped there
 * (checked before use). */
#define UNMAPPED_KERNEL_ADDR 0xffffc0ffff000000ULL
/* Bit 63 set but not bits 62:47: a load from it is a #GP, not a #PF. */
#define NONCANONICAL_ADDR 0x8000000000000000ULL
#define FOREIGN_GS_BASE 0x00007fff00000000ULL /* what a user program could put there */
#define DESC_TYPE_SHIFT 40
#define DESC_TYPE_MASK 0xfULL
#define DESC_TYPE_TSS_BUSY 0xbULL
#define DESC_PRESENT_BIT (1ULL << 47)

/* int extest_probe_read(uint64_t addr, uint64_t *out): 0 with *out = *(uint64_t *)addr, or
 * -EFAULT (out untouched) when the load faults. The fault path is the exception table's. */
int extest_probe_read(uint64_t addr, uint64_t *out);
extern char extest_probe_load[], extest_probe_fixup[];
__asm__(".text\n"
	"extest_probe_read:\n"
	"extest_probe_load:\n\t"
	"movq (%rdi), %rax\n\t"
	"movq %rax, (%rsi)\n\t"
	"xorl %eax, %eax\n\t"
	"ret\n"
	"extest_probe_fixup:\n\t"
	"movl $-" STR(EFAULT) ", %eax\n\t"
	"ret\n\t" EXTABLE_ENTRY(extest_probe_load, extest_probe_fixup));

/* Register check: every general register but rsp gets a distinct pattern (rdi keeps the
 * argument), an event happens, and all registers are stored to extest_regs_seen in this order:
 * rax rbx rcx rdx rsi rbp r8-r15 (pattern PATTERN_BASE + 1 + index), then rdi. */
#define PATTERN_BASE 0x5a5a5a5a00000000ULL
#define PATTERN_REGS 14
uint64_t extest_regs_seen[PATTERN_REGS + 1];

#define LOAD_PATTERNS                                                                            \
	"movabsq $0x5a5a5a5a00000001, %rax\n\t"                                                  \
	"movabsq $0x5a5a5a5a00000002, %rbx\n\t"                                                  \
	"movabsq $0x5a5a5a5a00000003, %rcx\n\t"                                                  \
	"movabsq $0x5a5a5a5a00000004, %rdx\n\t"                                                  \
	"movabsq $0x5a5a5a5a00000005, %rsi\n\t"                                                  \
	"movabsq $0x5a5a5a5a00000006, %rbp\n\t"                                                  \
	"movabsq $0x5a5a5a5a00000007, %r8\n\t"                                                   \
	"movabsq $0x5a5a5a5a00000008, %r9\n\t"                                                   \
	"movabsq $0x5a5a5a5a00000009, %r10\n\t"                                                  \
	"movabsq $0x5a5a5a5a0000000a, %r11\n\t"                                                  \
	"movabsq $0x5a5a5a5a0000000b, %r12\n\t"                                                  \
	"movabsq $0x5a5a5a5a0000000c, %r13\n\t"                                                  \
	"movabsq $0x5a5a5a5a0000000d, %r14\n\t"                                                  \
	"movabsq $0x5a5a5a5a0000000e, %r15\n\t"

#define STORE_REGS                                                                               \
	"movq %rax, extest_regs_seen+0(%rip)\n\t"                                                \
	"movq %rbx, extest_regs_seen+8(%rip)\n\t"                                                \
	"movq %rcx, extest_regs_seen+16(%rip)\n\t"                                               \
	"movq %rdx, extest_regs_seen+24(%rip)\n\t"                                               \
	"movq %rsi, extest_regs_seen+32(%rip)\n\t"                                               \
	"movq %rbp, extest_regs_seen+40(%rip)\n\t"                                               \
	"movq %r8, extest_regs_seen+48(%rip)\n\t"                                                \
	"movq %r9, extest_regs_seen+56(%rip)\n\t"                                                \
	"movq %r10, extest_regs_seen+64(%rip)\n\t"                                               \
	"movq %r11, extest_regs_seen+72(%rip)\n\t"                                               \
	"movq %r12, extest_regs_seen+80(%rip)\n\t"                                               \
	"movq %r13, extest_regs_seen+88(%rip)\n\t"                                               \
	"movq %r14, extest_regs_seen+96(%rip)\n\t"                                               \
	"movq %r15, extest_regs_seen+104(%rip)\n\t"                                              \
	"movq %rdi, extest_regs_seen+112(%rip)\n\t"

#define SAVE_CALLEE "pushq %rbx\n\tpushq %rbp\n\tpushq %r12\n\tpushq %r13\n\tpushq %r14\n\tpushq %r15\n\t"
#define RESTORE_CALLEE "popq %r15\n\tpopq %r14\n\tpopq %r13\n\tpopq %r12\n\tpopq %rbp\n\tpopq %rbx\n\t"

/* int extest_regs_fault(uint64_t addr): loads from addr; 0 when it faulted and the fixup ran,
 * 1 when the load did not fault. */
int extest_regs_fault(uint64_t addr);
__asm__(".text\n"
	"extest_regs_fault:\n\t" SAVE_CALLEE LOAD_PATTERNS
	"extest_regs_fault_load:\n\t"
	"movq (%rdi), %rax\n\t" STORE_REGS
	"movl $1, %eax\n\t"
	"jmp 1f\n"
	"extest_regs_fault_fixup:\n\t" STORE_REGS
	"xorl %eax, %eax\n"
	"1:\n\t" RESTORE_CALLEE "ret\n\t" EXTABLE_ENTRY(extest_regs_fault_load, extest_regs_fault_fixup));

/* void extest_regs_interrupt(uint64_t any): the event is `int $0xff`, the LAPIC spurious vector
 * (the dispatcher counts it and sends no EOI, so no interrupt controller is involved). */
void extest_regs_interrupt(uint64_t any);
__asm__(".text\n"
	"extest_regs_interrupt:\n\t" SAVE_CALLEE LOAD_PATTERNS
	"int $" STR(VECTOR_SPURIOUS) "\n\t" STORE_REGS RESTORE_CALLEE "ret\n");

/* Number of registers in extest_regs_seen that do not hold what the event found there. */
static int regs_changed(uint64_t rdi)
{
	int bad = 0;
	for (int i = 0; i < PATTERN_REGS; i++)
		bad += extest_regs_seen[i] != PATTERN_BASE + 1 + i;
	bad += extest_regs_seen[PATTERN_REGS] != rdi;
	return bad;
}

static bool kernel_maps(uint64_t va)
{
	uint64_t pa, flags;
	return pt_translate(read_cr3() & PTE_ADDR_MASK, va, &pa, &flags);
}

KTEST(trap_extable_page_fault_gives_efault)
{
	static uint64_t mapped = 0x1234567890abcdefULL;
	uint64_t out = 0;
	KEXPECT(extest_probe_read((uint64_t)&mapped, &out) == 0);
	KEXPECT(out == mapped);

	if (!KEXPECT(!kernel_maps(UNMAPPED_KERNEL_ADDR)))
		return;
	out = 42;
	KEXPECT(extest_probe_read(UNMAPPED_KERNEL_ADDR, &out) == -EFAULT);
	KEXPECT(out == 42);
}

KTEST(trap_extable_general_protection_gives_efault)
{
	uint64_t out = 42;
	KEXPECT(extest_probe_read(NONCANONICAL_ADDR, &out) == -EFAULT);
	KEXPECT(out == 42);
}

/* extable_fixup on synthetic frames: only a kernel #PF/#GP at a listed instruction is fixed. */
KTEST(trap_extable_lookup_rules)
{
	uint64_t load = (uint64_t)extest_probe_load, fixup = (uint64_t)extest_probe_fixup;
	struct trap_frame f = { .vector = VEC_PF, .rip = load, .cs = GDT_KERNEL_CS };
	KEXPECT(extable_fixup(&f) && f.rip == fixup);

	f = (struct trap_frame){ .vector = VEC_GP, .rip = load, .cs = GDT_KERNEL_CS };
	KEXPECT(extable_fixup(&f) && f.rip == fixup);

	f = (struct trap_frame){ .vector = VEC_PF, .rip = load + 1, .cs = GDT_KERNEL_CS };
	KEXPECT(!extable_fixup(&f) && f.rip == load + 1);

	f = (struct trap_frame){ .vector = VEC_UD, .rip = load, .cs = GDT_KERNEL_CS };
	KEXPECT(!extable_fixup(&f) && f.rip == load);

	f = (struct trap_frame){ .vector = VEC_PF, .rip = load, .cs = GDT_USER_CS };
	KEXPECT(!extable_fixup(&f) && f.rip == load);
}

KTEST(trap_fault_preserves_registers)
{
	if (!KEXPECT(!kernel_maps(UNMAPPED_KERNEL_ADDR)))
		return;
	KEXPECT(extest_regs_fault(UNMAPPED_KERNEL_ADDR) == 0);
	KEXPECT(regs_changed(UNMAPPED_KERNEL_ADDR) == 0);
	KEXPECT(extest_regs_fault(NONCANONICAL_ADDR) == 0);
	KEXPECT(regs_changed(NONCANONICAL_ADDR) == 0);
}

KTEST(trap_interrupt_preserves_registers)
{
	uint64_t spurious = irq_spurious_count();
	uint64_t depth = this_cpu()->irq_depth;
	extest_regs_interrupt(0xfeedfacecafebeefULL);
	KEXPECT(regs_changed(0xfeedfacecafebeefULL) == 0);
	KEXPECT(irq_spurious_count() == spurious + 1);
	KEXPECT(this_cpu()->irq_depth == depth);
}

static uint64_t gate_offset(const struct idt_gate *g)
{
	return g->offset_low | (uint64_t)g->offset_mid << 16 | (uint64_t)g->offset_high << 32;
}

KTEST(trap_idt_gates_present_with_ist)
{
	struct descriptor_ptr p;
	__asm__ volatile("sidt %0" : "=m"(p));
	if (!KEXPECT(p.limit == IDT_VECTORS * sizeof(struct idt_gate) - 1))
		return;
	const struct idt_gate *idt = (const struct idt_gate *)p.base;
	int bad = 0;
	for (unsigned v = 0; v < IDT_VECTORS; v++) {
		const struct idt_gate *g = &idt[v];
		uint8_t ist = v == VEC_NMI ? IST_NMI : v == VEC_DF ? IST_DOUBLE_FAULT :
			      v == VEC_MC ? IST_MACHINE_CHECK : 0;
		bad += gate_offset(g) != isr_stub_table[v] || g->selector != GDT_KERNEL_CS ||
		       g->type_attr != (GATE_PRESENT | GATE_TYPE_INTERRUPT) ||
		       (g->ist & GATE_IST_MASK) != ist;
	}
	KEXPECT(bad == 0);
	KEXPECT(idt[VEC_NMI].ist == 2 && idt[VEC_DF].ist == 1 && idt[VEC_MC].ist == 3);
}

#define READ_SEG(reg)                                                                            \
	({                                                                                       \
		uint16_t s_;                                                                     \
		__asm__ volatile("mov %%" #reg ", %0" : "=r"(s_));                               \
		s_;                                                                              \
	})

KTEST(trap_gdt_tss_loaded)
{
	struct percpu *cpu = this_cpu();
	struct gdt_state *g = cpu->gdt;
	if (!KEXPECT(g != NULL))
		return;

	struct descriptor_ptr p;
	uint16_t tr;
	__asm__ volatile("sgdt %0" : "=m"(p));
	__asm__ volatile("str %0" : "=r"(tr));
	KEXPECT(p.base == (uint64_t)g->gdt && p.limit == sizeof(g->gdt) - 1);
	KEXPECT(tr == GDT_TSS);

	uint64_t lo = g->gdt[GDT_TSS / 8], hi = g->gdt[GDT_TSS / 8 + 1];
	uint64_t base = ((lo >> 16) & 0xffffff) | ((lo >> 56) << 24) | (hi << 32);
	KEXPECT(((lo >> DESC_TYPE_SHIFT) & DESC_TYPE_MASK) == DESC_TYPE_TSS_BUSY);
	KEXPECT((lo & DESC_PRESENT_BIT) && base == (uint64_t)&g->tss);
	KEXPECT(g->gdt[GDT_USER_CS32 / 8] == 0);

	KEXPECT(READ_SEG(cs) == GDT_KERNEL_CS);
	KEXPECT(READ_SEG(ss) == GDT_KERNEL_DS && READ_SEG(ds) == GDT_KERNEL_DS &&
		READ_SEG(es) == GDT_KERNEL_DS);
	KEXPECT(READ_SEG(fs) == 0 && READ_SEG(gs) == 0);
	KEXPECT(rdmsr(MSR_GS_BASE) == (uint64_t)cpu);

	KEXPECT(g->tss.iomap_base == sizeof(struct tss));
	for (int slot = 0; slot < IST_COUNT; slot++) {
		uint64_t ist = g->tss.ist[slot];
		KEXPECT(ist != 0 && ist % 16 == 0 && *(struct percpu **)ist == cpu);
	}
}

/* An NMI can arrive where GS still holds the user's base (the edges of the syscall path): the
 * paranoid entry must run the handler with this CPU's percpu and put the foreign base back. */
KTEST(trap_nmi_paranoid_entry_restores_gs_base)
{
	uint64_t flags = irq_save();
	uint32_t cpu = this_cpu_id();
	uint64_t nmis = exceptions_nmi_count(cpu);
	uint64_t depth = this_cpu()->irq_depth;
	uint64_t gs = rdmsr(MSR_GS_BASE);

	__asm__ volatile("int $" STR(VEC_NMI) ::: "memory");
	KEXPECT(exceptions_nmi_count(cpu) == nmis + 1);
	KEXPECT(rdmsr(MSR_GS_BASE) == gs);
	KEXPECT(this_cpu()->irq_depth == depth);

	/* Nothing may touch %gs between the two wrmsr: keep them in one asm statement. */
	uint32_t lo = (uint32_t)FOREIGN_GS_BASE, hi = (uint32_t)(FOREIGN_GS_BASE >> 32);
	uint32_t seen_lo, seen_hi;
	__asm__ volatile("wrmsr\n\t"
			 "int $" STR(VEC_NMI) "\n\t"
			 "rdmsr\n\t"
			 "movl %%eax, %[slo]\n\t"
			 "movl %%edx, %[shi]\n\t"
			 "movl %[olo], %%eax\n\t"
			 "movl %[ohi], %%edx\n\t"
			 "wrmsr"
			 : [slo] "=&r"(seen_lo), [shi] "=&r"(seen_hi), "+a"(lo), "+d"(hi)
			 : "c"(MSR_GS_BASE), [olo] "r"((uint32_t)gs), [ohi] "r"((uint32_t)(gs >> 32))
			 : "memory");
	KEXPECT(((uint64_t)seen_hi << 32 | seen_lo) == FOREIGN_GS_BASE);
	KEXPECT(rdmsr(MSR_GS_BASE) == gs);
	KEXPECT(exceptions_nmi_count(cpu) == nmis + 2);
	irq_restore(flags);
}

static void dummy_irq(struct trap_frame *f)
{
	(void)f;
}

static void other_irq(struct trap_frame *f)
{
	(void)f;
}

KTEST(trap_irq_register_rules)
{
	KEXPECT(irq_register(VEC_GP, dummy_irq) == -EINVAL);
	KEXPECT(irq_register(VECTOR_SPURIOUS, dummy_irq) == -EINVAL);

	unsigned v = EXCEPTION_VECTORS;
	while (v < VECTOR_SPURIOUS && irq_register(v, dummy_irq) != 0)
		v++;
	if (!KEXPECT(v < VECTOR_SPURIOUS))
		return;
	KEXPECT(irq_register(v, NULL) == -EINVAL);
	KEXPECT(irq_register(v, other_irq) == -EBUSY);
	irq_unregister(v, other_irq); /* not the owner: no effect */
	KEXPECT(irq_register(v, other_irq) == -EBUSY);
	irq_unregister(v, dummy_irq);
	KEXPECT(irq_register(v, other_irq) == 0);
	irq_unregister(v, other_irq);
}
