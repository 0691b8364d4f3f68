/* CPU exceptions (vectors 0-31): the hooks through which memory management and, later, signal
 * delivery take over faults, and the exception-table lookup that lets usercopy turn a fault
 * into -EFAULT. Anything not taken over is reported with all registers and panics. */
#ifndef ARCH_EXCEPTIONS_H
#define ARCH_EXCEPTIONS_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/x86_64/trap.h>

/* Exception vectors (Intel SDM vol. 3, "Exception and Interrupt Vectors"; 29/30 are AMD's). */
#define VEC_DE 0 /* divide error */
#define VEC_DB 1 /* debug */
#define VEC_NMI 2
#define VEC_BP 3 /* breakpoint (int3) */
#define VEC_OF 4 /* overflow (into) */
#define VEC_BR 5 /* bound range exceeded */
#define VEC_UD 6 /* invalid opcode */
#define VEC_NM 7 /* device not available */
#define VEC_DF 8 /* double fault */
#define VEC_TS 10 /* invalid TSS */
#define VEC_NP 11 /* segment not present */
#define VEC_SS 12 /* stack-segment fault */
#define VEC_GP 13 /* general protection */
#define VEC_PF 14 /* page fault */
#define VEC_MF 16 /* x87 floating-point error */
#define VEC_AC 17 /* alignment check */
#define VEC_MC 18 /* machine check */
#define VEC_XM 19 /* SIMD floating-point exception */
#define VEC_VE 20 /* virtualization exception */
#define VEC_CP 21 /* control-protection exception */
#define VEC_HV 28 /* hypervisor injection (AMD) */
#define VEC_VC 29 /* VMM communication (AMD SEV-ES) */
#define VEC_SX 30 /* security exception (AMD) */

/* #PF error code bits. */
#define PF_ERR_PRESENT (1u << 0) /* 0: page not present; 1: protection violation */
#define PF_ERR_WRITE (1u << 1)
#define PF_ERR_USER (1u << 2)
#define PF_ERR_RSVD (1u << 3) /* reserved bit set in a paging entry */
#define PF_ERR_IFETCH (1u << 4)
#define PF_ERR_PK (1u << 5) /* protection key */
#define PF_ERR_SHSTK (1u << 6) /* shadow-stack access */

/* Short name such as "#PF" ("reserved" for the unassigned ones, "?" past 31). */
const char *exception_name(uint64_t vector);

/* Returns true when it resolved the fault (the instruction is retried). Called for every #PF,
 * from kernel or user mode, with interrupts off, before the exception table is consulted. */
typedef bool (*page_fault_handler_t)(struct trap_frame *f, uint64_t cr2);
void exceptions_set_page_fault_handler(page_fault_handler_t h);

/* Takes over every exception from user mode that nothing else resolved (it will turn them into
 * signals); cr2 is the faulting address for #PF and 0 otherwise. Without one, a user-mode
 * exception is reported and panics like a kernel one. */
typedef void (*user_fault_handler_t)(struct trap_frame *f, uint64_t cr2);
void exceptions_set_user_fault_handler(user_fault_handler_t h);

/* For a kernel-mode #PF or #GP at an instruction listed in __ex_table (extable.h): point rip
 * at its fixup and return true. False for anything else. */
bool extable_fixup(struct trap_frame *f);

/* NMIs this CPU handled and survived. */
uint64_t exceptions_nmi_count(uint32_t cpu_id);

/* Called by trap_dispatch for vectors 0-31. */
void exception_dispatch(struct trap_frame *f);

#endif
