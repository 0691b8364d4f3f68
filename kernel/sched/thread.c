/* Creating and ending kernel threads: stack with guard page, the initial frame that makes the
 * first context switch land in thread_entry_trampoline, thread ids. */
#include <sched/thread.h>
#include <sched/sched.h>
#include <mm/kmalloc.h>
#include <mm/vmap.h>
#include <core/spinlock.h>
#include <core/panic.h>
#include <lib/string.h>

/* The frame context_switch pops for a thread that has never run (see switch.S). */
struct initial_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret; /* thread_entry_trampoline, entered with rsp = stack top (16-byte aligned),
		       * so its calls see the ABI's alignment */
};

extern char thread_entry_trampoline[];
extern char boot_stack_top[];

static struct spinlock tid_lock = SPINLOCK_INIT("tid");
static int next_tid = 1; /* guarded by tid_lock */

static int alloc_tid(void)
{
	uint64_t f = spin_lock_irqsave(&tid_lock);
	int tid = next_tid++;
	spin_unlock_irqrestore(&tid_lock, f);
	return tid;
}

static struct thread *thread_alloc(const char *name)
{
	struct thread *t = kmalloc(sizeof(*t));
	if (!t)
		return NULL;
	/* Every field starts defined: a new thread can be looked at (its cpu's run-queue lock
	 * taken by a wake-up) before it first runs. */
	memset(t, 0, sizeof(*t));
	t->cpu = this_cpu_id();
	/* Affinity is inherited from the creator, as clone(2) and fork(2) do. */
	struct thread *creator = current_thread();
	t->cpus_allowed = creator ? READ_ONCE(creator->cpus_allowed) : ~0ULL;
	list_init(&t->push_node);
	t->tid = alloc_tid();
	strlcpy(t->name, name, sizeof(t->name));
	mlfq_entity_init(&t->sched, 0);
	list_init(&t->sleep_node);
	list_init(&t->all_node);
	t->state = THREAD_NEW; /* until sched_add_thread */
	return t;
}

struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg)
{
	struct thread *t = thread_alloc(name);
	if (!t)
		return NULL;
	t->kstack_top = kstack_alloc(KSTACK_PAGES);
	if (!t->kstack_top) {
		kfree(t);
		return NULL;
	}
	struct initial_frame *f = (struct initial_frame *)(t->kstack_top - sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->r12 = (uint64_t)fn;
	f->r13 = (uint64_t)arg;
	f->ret = (uint64_t)thread_entry_trampoline;
	t->saved_rsp = (uint64_t)f;
	return t;
}

struct thread *thread_adopt_boot_context(const char *name, uint64_t stack_top)
{
	struct thread *t = thread_alloc(name);
	if (t) {
		t->kstack_top = stack_top ? stack_top : (uint64_t)boot_stack_top;
		t->state = THREAD_RUNNABLE;
	}
	return t;
}

__noreturn void thread_exit(void)
{
	irq_disable();
	current_thread()->state = THREAD_DEAD;
	schedule();
	panic("thread_exit: a dead thread was scheduled again");
}
