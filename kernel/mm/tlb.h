/* TLB shootdown: after a change to page tables, every CPU that may still hold a translation
 * of the changed range flushes it before the caller goes on (and before a freed frame or page
 * table can be reused). A CPU may hold translations of an address space while that space is in
 * its CR3 (struct mm's `cpus` mask, kept by mm_activate), and of the kernel half always.
 *
 * The request waits for every target to acknowledge. Targets answer from the IPI handler and
 * also from any spin-wait with interrupts off (spin_wait_turn calls tlb_service), so that a
 * shootdown sent while holding a spinlock cannot deadlock against a CPU spinning for that lock
 * with interrupts off. */
#ifndef MM_TLB_H
#define MM_TLB_H

#include <stdint.h>

struct mm;

/* Flush [start, end) of mm's user half on every CPU that may hold it, this one included. */
void tlb_flush_user_range(struct mm *mm, uint64_t start, uint64_t end);
/* Flush [start, end) of the kernel half (global pages) on every CPU. */
void tlb_flush_kernel_range(uint64_t start, uint64_t end);
/* Before mm's page tables are freed: every CPU still running on them switches to the
 * kernel's tables (a CPU keeps the last space loaded while it runs kernel threads). */
void tlb_mm_leave_all(struct mm *mm);
/* Load mm's page tables on this CPU (NULL: the kernel's), keeping the masks right. */
void tlb_switch_mm(struct mm *mm);
/* The same with interrupts already off (the context switch). */
void tlb_switch_mm_irqs_off(struct mm *mm);
/* Answer the requests pending for this CPU (the TLB IPI, and spin-waits). */
void tlb_service(void);
/* Boot: the TLB IPI handler. */
void tlb_init(void);

#endif
