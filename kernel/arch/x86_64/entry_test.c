/* Self-test of the whole user-mode round trip: a thread built by thread_init_user enters ring 3
 * (first run through user_thread_start and SYSRET/IRETQ), makes system calls with SYSCALL,
 * takes timer interrupts in user mode, and its results are checked here. The program ends
 * asleep for ever (there is no exit without the process code); its pages stay mapped. */
#include <arch/x86_64/entry_test.h>
#include <arch/x86_64/syscall.h>
#include <arch/x86_64/usertest.h>
#include <core/ktest.h>
#include <core/time.h>
#include <lib/string.h>
#include <mm/layout.h>
#include <mm/paging.h>
#include <sched/sched.h>
#include <uapi/errno.h>
#include <uapi/utsname.h>

#define WAIT_LIMIT_NS (20 * NSEC_PER_SEC) /* TCG is slow; the spin loop takes a while */
#define POLL_NS (10 * NSEC_PER_MSEC)
#define SLEEP_FOREVER_SECS 0x7fffffffffffffffLL

extern const char entry_test_user_start[], entry_test_user_end[];

static uint64_t result(const struct usertest_page *data, unsigned slot)
{
	return READ_ONCE(((volatile uint64_t *)data->kva)[slot]);
}

static bool wait_done(const struct usertest_page *data)
{
	uint64_t deadline = time_monotonic_ns() + WAIT_LIMIT_NS;
	while (result(data, ETEST_R_DONE) != 1) {
		if (time_monotonic_ns() > deadline)
			return false;
		sched_sleep_until(time_monotonic_ns() + POLL_NS, SLEEP_UNINTERRUPTIBLE);
	}
	return true;
}

static void prepare_data(struct usertest_page *data)
{
	memcpy(data->kva + (ETEST_MSG - ETEST_DATA_VA), "entry test: ring 3\n", ETEST_MSG_LEN);
	*(uint64_t *)(data->kva + (ETEST_TLS - ETEST_DATA_VA)) = ETEST_TLS_MAGIC;
	int64_t *ts = (int64_t *)(data->kva + (ETEST_SLEEP_TS - ETEST_DATA_VA));
	ts[0] = SLEEP_FOREVER_SECS;
	ts[1] = 0;
}

static struct thread *start_user_thread(void)
{
	struct thread *t = thread_create_kernel("entry-test", NULL, NULL);
	if (!t)
		return NULL;
	struct trap_frame regs;
	memset(&regs, 0, sizeof(regs));
	regs.rip = ETEST_CODE_VA;
	regs.rsp = ETEST_STACK_TOP;
	if (thread_init_user(t, &regs) != 0)
		return NULL; /* leaks t: out of memory in a test */
	sched_add_thread(t);
	return t;
}

static void check_results(struct ktest_ctx *t, const struct usertest_page *data)
{
	const struct linux_utsname *u =
		(const void *)(data->kva + (ETEST_UNAME_BUF - ETEST_DATA_VA));
	KEXPECT(result(data, ETEST_R_UNAME) == 0);
	KEXPECT(strcmp(u->sysname, "Linux") == 0 && strcmp(u->machine, "x86_64") == 0);
	KEXPECT(strncmp(u->release, "6.", 2) == 0);
	KEXPECT((int64_t)result(data, ETEST_R_UNAME_BAD) == -EFAULT);
	/* A bare user thread has no process and so no descriptors. */
	KEXPECT((int64_t)result(data, ETEST_R_WRITE) == -EBADF);
	KEXPECT((int64_t)result(data, ETEST_R_ENOSYS) == -ENOSYS);
	KEXPECT(result(data, ETEST_R_RBX) == ETEST_RBX_VALUE);
	KEXPECT(result(data, ETEST_R_R12) == ETEST_R12_VALUE);
	KEXPECT(result(data, ETEST_R_RCX) == 0);
	KEXPECT(result(data, ETEST_R_SETFS) == 0);
	KEXPECT(result(data, ETEST_R_FS0) == ETEST_TLS_MAGIC);
	KEXPECT(result(data, ETEST_R_GETFS) == ETEST_TLS);
	KEXPECT(result(data, ETEST_R_SPIN) == 0);
}

KTEST(entry_user_round_trip)
{
	struct usertest_page code, data;
	size_t len = (size_t)(entry_test_user_end - entry_test_user_start);
	if (!KEXPECT(len <= PAGE_SIZE && usertest_map(&code, ETEST_CODE_VA, 0) == 0))
		return;
	if (!KEXPECT(usertest_map(&data, ETEST_DATA_VA, PTE_W | PTE_NX) == 0))
		return;
	memcpy(code.kva, entry_test_user_start, len);
	prepare_data(&data);
	if (!KEXPECT(start_user_thread() != NULL))
		return;
	if (!KEXPECT(wait_done(&data)))
		return;
	check_results(t, &data);
}

KTEST(entry_current_user_frame_at_stack_top)
{
	struct thread *self = current_thread();
	KEXPECT((uint64_t)current_user_frame() + sizeof(struct trap_frame) == self->kstack_top);
}
