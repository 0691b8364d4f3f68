/* CPU exceptions: a page fault goes to the memory manager's hook first; a user-mode exception to
 * the user fault hook; a kernel #PF/#GP listed in the exception table resumes at its fixup; an
 * NMI without a hardware error is logged and survived. Everything else is a kernel bug: it is
 * reported (registers, decoded error code, backtrace) with emergency_printk, which takes no
 * lock, and the kernel panics. The report reads only the frame and control registers, so it
 * cannot fault except inside the backtrace walk; a nested fault just halts. */
#include <arch/x86_64/exceptions.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/extable.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/io.h>
#include <arch/x86_64/percpu.h>
#include <core/backtrace.h>
#include <core/compiler.h>
#include <core/panic.h>
#include <core/printk.h>

/* NMI reason: System Control Port B reports the legacy hardware-error NMI sources. */
#define PORT_SYSTEM_CONTROL_B 0x61
#define SCB_IOCHK_NMI (1u << 6) /* I/O channel check */
#define SCB_SERR_NMI (1u << 7) /* PCI SERR# / memory parity */
#define NMI_REPORT_LIMIT 8 /* NMIs logged per CPU; later ones are only counted */

#define MSR_MCG_STATUS 0x17a
#define CPUID_1_EDX_MCA (1u << 14)

/* Selector error code (#TS, #NP, #SS, #GP): EXT, IDT, TI bits and the descriptor index. */
#define SEL_ERR_EXT (1u << 0)
#define SEL_ERR_IDT (1u << 1)
#define SEL_ERR_TI (1u << 2)
#define SEL_ERR_INDEX_SHIFT 3
#define SEL_ERR_INDEX_MASK 0x1fff

static const char *const exception_names[EXCEPTION_VECTORS] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "reserved",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "reserved", "reserved",
	"reserved", "reserved", "reserved", "reserved", "#HV", "#VC", "#SX", "reserved",
};

static const char *const exception_descriptions[EXCEPTION_VECTORS] = {
	[VEC_DE] = "divide error", [VEC_DB] = "debug", [VEC_NMI] = "non-maskable interrupt",
	[VEC_BP] = "breakpoint", [VEC_OF] = "overflow", [VEC_BR] = "bound range exceeded",
	[VEC_UD] = "invalid opcode", [VEC_NM] = "device not available",
	[VEC_DF] = "double fault", [9] = "coprocessor segment overrun",
	[VEC_TS] = "invalid TSS", [VEC_NP] = "segment not present",
	[VEC_SS] = "stack-segment fault", [VEC_GP] = "general protection fault",
	[VEC_PF] = "page fault", [VEC_MF] = "x87 floating-point error",
	[VEC_AC] = "alignment check", [VEC_MC] = "machine check",
	[VEC_XM] = "SIMD floating-point exception", [VEC_VE] = "virtualization exception",
	[VEC_CP] = "control-protection exception", [VEC_HV] = "hypervisor injection",
	[VEC_VC] = "VMM communication", [VEC_SX] = "security exception",
};

/* Hooks, each set once during boot by its subsystem. */
static page_fault_handler_t page_fault_handler;
static user_fault_handler_t user_fault_handler;

static uint64_t nmi_counts[MAX_CPUS]; /* written only by the owning CPU */
static int reporting; /* set by the first fatal report; a second one only halts */

const char *exception_name(uint64_t vector)
{
	return vector < EXCEPTION_VECTORS ? exception_names[vector] : "?";
}

static const char *exception_description(uint64_t vector)
{
	const char *d = vector < EXCEPTION_VECTORS ? exception_descriptions[vector] : NULL;
	return d ? d : "reserved vector";
}

void exceptions_set_page_fault_handler(page_fault_handler_t h)
{
	WRITE_ONCE(page_fault_handler, h);
}

void exceptions_set_user_fault_handler(user_fault_handler_t h)
{
	WRITE_ONCE(user_fault_handler, h);
}

uint64_t exceptions_nmi_count(uint32_t cpu_id)
{
	return cpu_id < MAX_CPUS ? READ_ONCE(nmi_counts[cpu_id]) : 0;
}

bool extable_fixup(struct trap_frame *f)
{
	if (trap_from_user(f) || (f->vector != VEC_PF && f->vector != VEC_GP))
		return false;
	for (const struct extable_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (extable_insn(e) == f->rip) {
			f->rip = extable_fixup_addr(e);
			return true;
		}
	}
	return false;
}

static bool has_error_code(uint64_t vector)
{
	switch (vector) {
	case VEC_DF: case VEC_TS: case VEC_NP: case VEC_SS: case VEC_GP: case VEC_PF:
	case VEC_AC: case VEC_CP: case VEC_VC: case VEC_SX:
		return true;
	default:
		return false;
	}
}

static void report_page_fault(uint64_t e, uint64_t cr2)
{
	const char *access = (e & PF_ERR_IFETCH) ? "instruction fetch" :
			     (e & PF_ERR_WRITE)  ? "write" : "read";
	emergency_printk("  error code %#lx: %s, %s, %s mode%s%s%s\n", e,
			 (e & PF_ERR_PRESENT) ? "protection violation" : "page not present", access,
			 (e & PF_ERR_USER) ? "user" : "supervisor",
			 (e & PF_ERR_RSVD) ? ", reserved bit set" : "",
			 (e & PF_ERR_PK) ? ", protection key" : "",
			 (e & PF_ERR_SHSTK) ? ", shadow stack" : "");
	emergency_printk("  CR2 (fault address) %016lx\n", cr2);
}

static void report_selector_error(uint64_t e)
{
	if (e == 0) {
		emergency_printk("  error code 0 (no selector)\n");
		return;
	}
	const char *table = (e & SEL_ERR_IDT) ? "IDT" : (e & SEL_ERR_TI) ? "LDT" : "GDT";
	emergency_printk("  error code %#lx: %s index %lu%s\n", e, table,
			 (e >> SEL_ERR_INDEX_SHIFT) & SEL_ERR_INDEX_MASK,
			 (e & SEL_ERR_EXT) ? " (during an external event)" : "");
}

static void report_machine_check(void)
{
	if (cpuid(1, 0).edx & CPUID_1_EDX_MCA) /* the MSR exists only with MCA */
		emergency_printk("  MCG_STATUS %#lx\n", rdmsr(MSR_MCG_STATUS));
}

static void report_error_code(const struct trap_frame *f, uint64_t cr2)
{
	switch (f->vector) {
	case VEC_PF:
		report_page_fault(f->error_code, cr2);
		break;
	case VEC_TS: case VEC_NP: case VEC_SS: case VEC_GP:
		report_selector_error(f->error_code);
		break;
	case VEC_MC:
		report_machine_check();
		break;
	default:
		if (has_error_code(f->vector))
			emergency_printk("  error code %#lx\n", f->error_code);
	}
}

static void report_registers(const struct trap_frame *f)
{
	emergency_printk("  RIP %04lx:%016lx  RFLAGS %016lx\n", f->cs, f->rip, f->rflags);
	emergency_printk("  RSP %04lx:%016lx\n", f->ss, f->rsp);
	emergency_printk("  RAX %016lx  RBX %016lx  RCX %016lx\n", f->rax, f->rbx, f->rcx);
	emergency_printk("  RDX %016lx  RSI %016lx  RDI %016lx\n", f->rdx, f->rsi, f->rdi);
	emergency_printk("  RBP %016lx  R8  %016lx  R9  %016lx\n", f->rbp, f->r8, f->r9);
	emergency_printk("  R10 %016lx  R11 %016lx  R12 %016lx\n", f->r10, f->r11, f->r12);
	emergency_printk("  R13 %016lx  R14 %016lx  R15 %016lx\n", f->r13, f->r14, f->r15);
	emergency_printk("  CR0 %016lx  CR3 %016lx  CR4 %016lx\n", read_cr0(), read_cr3(),
			 read_cr4());
}

static __noreturn void exception_fatal(struct trap_frame *f, uint64_t cr2)
{
	const char *name = exception_name(f->vector);
	if (__atomic_exchange_n(&reporting, 1, __ATOMIC_SEQ_CST)) {
		emergency_printk("\nKERNEL PANIC: EXCEPTION %s (vector %lu) at %016lx while reporting "
				 "an exception; halting\n", name, f->vector, f->rip);
		halt_forever();
	}
	emergency_printk("\nEXCEPTION %s (vector %lu) in %s mode on CPU %u: %s\n", name, f->vector,
			 trap_from_user(f) ? "user" : "kernel", this_cpu_id(),
			 exception_description(f->vector));
	report_error_code(f, cr2);
	report_registers(f);
	/* A user-mode rbp is not the kernel's to follow. */
	backtrace_print(f->rip, trap_from_user(f) ? 0 : f->rbp);
	panic("unhandled exception %s (vector %lu) at %016lx", name, f->vector, f->rip);
}

/* An NMI can interrupt anything, even code holding the console lock: only emergency_printk.
 * The legacy reason port tells a hardware error (fatal) from anything else (e.g. a front-panel
 * NMI button or a watchdog), which is logged and survived. */
static void nmi_handle(struct trap_frame *f)
{
	uint8_t reason = inb(PORT_SYSTEM_CONTROL_B);
	if (reason & (SCB_IOCHK_NMI | SCB_SERR_NMI)) {
		emergency_printk("NMI: hardware error reported (port 0x61 = %#x)\n", reason);
		exception_fatal(f, 0);
	}
	uint32_t cpu = this_cpu_id();
	if (cpu >= MAX_CPUS)
		return;
	uint64_t n = nmi_counts[cpu] + 1;
	WRITE_ONCE(nmi_counts[cpu], n);
	if (n <= NMI_REPORT_LIMIT)
		emergency_printk("NMI on CPU %u at %016lx, no hardware error reported; continuing\n",
				 cpu, f->rip);
}

void exception_dispatch(struct trap_frame *f)
{
	/* Read CR2 first: any later page fault, even a resolved one, overwrites it. */
	uint64_t cr2 = f->vector == VEC_PF ? read_cr2() : 0;

	switch (f->vector) {
	case VEC_NMI:
		nmi_handle(f);
		return;
	case VEC_DF: /* the CPU state is unreliable: always fatal */
	case VEC_MC:
		exception_fatal(f, cr2);
	default:
		break;
	}
	if (f->vector == VEC_PF) {
		page_fault_handler_t pf = READ_ONCE(page_fault_handler);
		if (pf && pf(f, cr2))
			return;
	}
	if (trap_from_user(f)) {
		user_fault_handler_t uf = READ_ONCE(user_fault_handler);
		if (uf) {
			uf(f, cr2);
			return;
		}
	} else if (extable_fixup(f)) {
		return;
	}
	exception_fatal(f, cr2);
}
