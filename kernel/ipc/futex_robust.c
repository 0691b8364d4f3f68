/* Robust futexes: what happens to the locks a thread holds when it dies. The thread registered
 * (set_robust_list) the head of a list in its own memory, which the C library keeps up to date
 * as it takes and releases robust mutexes:
 *
 *   struct robust_list_head { struct robust_list *list; long futex_offset;
 *                             struct robust_list *list_op_pending; };
 *
 * Each entry is a `next` pointer (bit 0: a PI futex) at futex_offset bytes before its lock
 * word; the list ends where it comes back to the head; list_op_pending is a lock being taken
 * or released at the moment of death. For every word still holding the thread's tid, the
 * kernel sets FUTEX_OWNER_DIED (keeping FUTEX_WAITERS) and wakes one waiter, as Linux does
 * (Documentation/locking/robust-futex-ABI). All of it is user memory the thread could have
 * corrupted: every read may fail and the walk stops after ROBUST_LIST_LIMIT entries. */
#include <ipc/futex.h>
#include <arch/x86_64/usercopy.h>
#include <proc/process.h>
#include <sched/thread.h>
#include <uapi/futex.h>

#define ROBUST_LIST_LIMIT 2048 /* entries walked at most (Linux's limit) */
#define ROBUST_PI_BIT 1ULL
#define DEATH_CAS_TRIES 16 /* the word changing under us this often: give up on it */

struct robust_list_head_user {
	uint64_t list;
	int64_t futex_offset;
	uint64_t list_op_pending;
};

/* The lock word at uaddr, if tid holds it, is marked dead and one waiter woken. */
static void futex_owner_died(struct mm *mm, uint64_t uaddr, int tid)
{
	uint32_t cur;
	if (get_user(&cur, (uint32_t __user *)uaddr))
		return;
	for (int i = 0; i < DEATH_CAS_TRIES; i++) {
		if ((cur & FUTEX_TID_MASK) != (uint32_t)tid)
			return;
		uint32_t dead = (cur & FUTEX_WAITERS) | FUTEX_OWNER_DIED, found;
		if (cmpxchg_user_u32((uint32_t __user *)uaddr, cur, dead, &found))
			return;
		if (found == cur) {
			/* The library's waiters may sleep with a private or a shared operation. */
			if (dead & FUTEX_WAITERS) {
				futex_wake_one(mm, uaddr, true);
				futex_wake_one(mm, uaddr, false);
			}
			return;
		}
		cur = found;
	}
}

/* The lock word of an entry, or 0 when the address arithmetic leaves user space. */
static uint64_t entry_word(uint64_t entry, int64_t offset)
{
	uint64_t word = entry + (uint64_t)offset;
	return user_range_ok(word, sizeof(uint32_t)) ? word : 0;
}

void futex_robust_release(struct thread *t)
{
	uint64_t head_addr = t->robust_list;
	struct mm *mm = t->proc ? t->proc->mm : NULL;
	t->robust_list = 0;
	struct robust_list_head_user head;
	if (!head_addr || !mm || copy_from_user(&head, (const void __user *)head_addr, sizeof(head)))
		return;
	uint64_t pending = head.list_op_pending & ~ROBUST_PI_BIT;
	uint64_t entry = head.list & ~ROBUST_PI_BIT;
	for (int n = 0; entry != head_addr && n < ROBUST_LIST_LIMIT; n++) {
		uint64_t next;
		if (get_user(&next, (const uint64_t __user *)entry))
			break;
		uint64_t word = entry_word(entry, head.futex_offset);
		/* The pending one is handled last, once (it may or may not be on the list). */
		if (word && entry != pending)
			futex_owner_died(mm, word, t->tid);
		entry = next & ~ROBUST_PI_BIT;
	}
	if (pending) {
		uint64_t word = entry_word(pending, head.futex_offset);
		if (word)
			futex_owner_died(mm, word, t->tid);
	}
}
