/* System-call dispatch: number -> handler through the generated tables. A number with no
 * handler is -ENOSYS, logged once per number with its Linux name (unknown numbers: the first
 * few only), so that a program's missing calls show up in the log without flooding it. */
#include <syscall/syscall.h>
#include <arch/x86_64/syscall.h>
#include <core/printk.h>
#include <sched/thread.h>
#include <uapi/errno.h>

#define UNKNOWN_REPORT_LIMIT 16 /* numbers outside every range, logged in total */
#define LINUX_NR_CAPACITY 1024 /* bits in linux_reported; checked at run time */

/* One bit per number already reported (set atomically, any CPU). */
static uint64_t linux_reported[LINUX_NR_CAPACITY / 64];
static uint64_t zero_reported[SYSCALL_ZERO_COUNT / 64];
static uint32_t unknown_reported;

/* idx when idx < size, else 0, computed without a branch the CPU could mispredict into an
 * out-of-bounds table read (Spectre v1). */
static inline uint64_t index_nospec(uint64_t idx, uint64_t size)
{
	uint64_t mask;
	__asm__("cmpq %[size], %[idx]\n\tsbbq %[mask], %[mask]"
		: [mask] "=r"(mask)
		: [idx] "r"(idx), [size] "r"(size)
		: "cc");
	return idx & mask;
}

static inline __attribute__((always_inline)) syscall_fn_t lookup(uint64_t nr)
{
	if (nr < syscall_linux_count)
		return syscall_table_linux[index_nospec(nr, syscall_linux_count)];
	uint64_t z = nr - SYSCALL_ZERO_BASE;
	if (nr >= SYSCALL_ZERO_BASE && z < SYSCALL_ZERO_COUNT)
		return syscall_table_zero[index_nospec(z, SYSCALL_ZERO_COUNT)];
	return NULL;
}

const char *syscall_name(uint64_t nr)
{
	if (nr < syscall_linux_count)
		return syscall_names_linux[nr];
	if (nr >= SYSCALL_ZERO_BASE && nr - SYSCALL_ZERO_BASE < SYSCALL_ZERO_COUNT)
		return syscall_names_zero[nr - SYSCALL_ZERO_BASE];
	return NULL;
}

/* True the first time for this number. */
static bool first_report(uint64_t nr)
{
	uint64_t *map = NULL;
	uint64_t bit = nr;
	if (nr < syscall_linux_count && nr < LINUX_NR_CAPACITY) {
		map = linux_reported;
	} else if (nr >= SYSCALL_ZERO_BASE && nr - SYSCALL_ZERO_BASE < SYSCALL_ZERO_COUNT) {
		map = zero_reported;
		bit = nr - SYSCALL_ZERO_BASE;
	}
	if (!map)
		return __atomic_fetch_add(&unknown_reported, 1, __ATOMIC_RELAXED) <
		       UNKNOWN_REPORT_LIMIT;
	uint64_t mask = 1ULL << (bit % 64);
	return !(__atomic_fetch_or(&map[bit / 64], mask, __ATOMIC_RELAXED) & mask);
}

__attribute__((noinline, cold)) static long not_implemented(uint64_t nr)
{
	if (first_report(nr)) {
		const char *name = syscall_name(nr);
		struct thread *t = current_thread();
		pr_warn("syscall %lu (%s) not implemented (first called by %s, tid %d)\n", nr,
			name ? name : "no such call", t ? t->name : "?", t ? t->tid : 0);
	}
	return -ENOSYS;
}

/* Inlined into both callers: the system-call path makes no call but the handler's. */
static inline long invoke(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			  uint64_t a4, uint64_t a5)
{
	syscall_fn_t fn = lookup(nr);
	if (!fn)
		return not_implemented(nr);
	return fn(a0, a1, a2, a3, a4, a5);
}

long syscall_invoke(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		    uint64_t a5)
{
	return invoke(nr, a0, a1, a2, a3, a4, a5);
}

/* Linux x86_64 convention: number in rax, arguments in rdi, rsi, rdx, r10, r8, r9; result
 * (or -errno) in rax. */
bool syscall_dispatch(struct trap_frame *f)
{
	f->rax = (uint64_t)invoke(f->rax, f->rdi, f->rsi, f->rdx, f->r10, f->r8, f->r9);
	return return_to_user_work_pending(f);
}
