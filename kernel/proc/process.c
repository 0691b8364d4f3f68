/* The process table: pid/tid allocation (one recycled id space of PID_MAX), process structs
 * and their defaults, the calling thread's process. */
#include <ipc/sem.h>
#include <proc/process.h>
#include <proc/process_files.h>
#include <proc/signal.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <core/panic.h>
#include <core/time.h>
#include <lib/string.h>
#include <uapi/errno.h>

struct spinlock process_tree_lock = SPINLOCK_INIT("process_tree");
struct process *init_process;

/* A slot is in use from pid_alloc_locked until pid_free_locked. For a process's pid, the slot
 * names the process until it is reaped and its first thread while that lives. */
struct pid_slot {
	struct thread *thread;
	struct process *proc;
	bool used;
};

static struct pid_slot pid_table[PID_MAX]; /* guarded by process_tree_lock */
static int pid_next = INIT_PID; /* where the next search starts */
static int pid_used;
/* The id handed out most recently (/proc/loadavg, kernel.ns_last_pid): written under
 * process_tree_lock, or by the sysctl (atomically) together with pid_set_next. */
int sysctl_ns_last_pid;
int sysctl_pid_max = PID_MAX;
int sysctl_threads_max = PID_MAX - 1;

int pid_alloc_locked(void)
{
	spin_assert_held(&process_tree_lock);
	int limit = __atomic_load_n(&sysctl_pid_max, __ATOMIC_RELAXED);
	if (pid_used >= limit - 1 || pid_used >= __atomic_load_n(&sysctl_threads_max,
								 __ATOMIC_RELAXED))
		return -EAGAIN;
	/* Search forwards from the last id handed out, so ids are not reused at once. Ids at or
	 * above a lowered limit may still be in use: the search is bounded, not the count. */
	for (int tries = 0; tries < limit; tries++) {
		int id = pid_next++;
		if (pid_next >= limit)
			pid_next = INIT_PID + 1; /* after a wrap, 1 belongs to init for good */
		if (id < limit && !pid_table[id].used) {
			pid_table[id] = (struct pid_slot){ .used = true };
			pid_used++;
			WRITE_ONCE(sysctl_ns_last_pid, id);
			return id;
		}
	}
	return -EAGAIN;
}

void pid_set_next(int next)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	int limit = __atomic_load_n(&sysctl_pid_max, __ATOMIC_RELAXED);
	pid_next = next > INIT_PID && next < limit ? next : INIT_PID + 1;
	spin_unlock_irqrestore(&process_tree_lock, f);
}

int pid_last_allocated(void)
{
	return READ_ONCE(sysctl_ns_last_pid);
}

int pid_count(void)
{
	return READ_ONCE(pid_used);
}

void pid_free_locked(int id)
{
	spin_assert_held(&process_tree_lock);
	ASSERT(id > 0 && id < PID_MAX && pid_table[id].used);
	pid_table[id] = (struct pid_slot){ 0 };
	pid_used--;
}

void pid_set_thread_locked(int id, struct thread *t)
{
	spin_assert_held(&process_tree_lock);
	ASSERT(id > 0 && id < PID_MAX && pid_table[id].used);
	pid_table[id].thread = t;
}

void pid_set_process_locked(int id, struct process *p)
{
	spin_assert_held(&process_tree_lock);
	ASSERT(id > 0 && id < PID_MAX && pid_table[id].used);
	pid_table[id].proc = p;
}

struct thread *thread_by_tid_locked(int tid)
{
	spin_assert_held(&process_tree_lock);
	return tid > 0 && tid < PID_MAX ? pid_table[tid].thread : NULL;
}

struct process *process_by_pid_locked(int pid)
{
	spin_assert_held(&process_tree_lock);
	return pid > 0 && pid < PID_MAX ? pid_table[pid].proc : NULL;
}

/* Limits of process 1, inherited by everyone after it (Linux's defaults for init). */
static void default_rlimits(struct rlimit *r)
{
	for (int i = 0; i < RLIM_NLIMITS; i++)
		r[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	r[RLIMIT_STACK] = (struct rlimit){ USER_STACK_MAX, RLIM_INFINITY };
	r[RLIMIT_CORE] = (struct rlimit){ 0, RLIM_INFINITY };
	r[RLIMIT_NOFILE] = (struct rlimit){ 1024, 4096 };
	r[RLIMIT_NPROC] = (struct rlimit){ PID_MAX / 2, PID_MAX / 2 };
	r[RLIMIT_SIGPENDING] = (struct rlimit){ 4096, 4096 };
	r[RLIMIT_MEMLOCK] = (struct rlimit){ 8ULL << 20, 8ULL << 20 };
	r[RLIMIT_MSGQUEUE] = (struct rlimit){ 819200, 819200 };
	r[RLIMIT_NICE] = (struct rlimit){ 0, 0 };
	r[RLIMIT_RTPRIO] = (struct rlimit){ 0, 0 };
}

struct process *process_alloc(const struct process *parent)
{
	struct process *p = kmalloc(sizeof(*p));
	if (!p)
		return NULL;
	p->lock = (struct spinlock)SPINLOCK_INIT("process");
	list_init(&p->children);
	list_init(&p->sibling);
	list_init(&p->threads);
	list_init(&p->ptimers);
	wait_queue_init(&p->child_wait);
	p->state = PROCESS_ALIVE;
	p->did_exec = false;
	p->exit_signal = SIGCHLD_NR;
	p->start_ns = time_monotonic_ns();
	p->dumpable = 1;
	if (parent) {
		/* The parent's own fields, read under its lock so setrlimit cannot tear them. */
		uint64_t f = spin_lock_irqsave((struct spinlock *)&parent->lock);
		p->cred = parent->cred;
		memcpy(p->rlimits, parent->rlimits, sizeof(p->rlimits));
		p->nice = parent->nice;
		p->no_new_privs = parent->no_new_privs;
		p->cap_mode = parent->cap_mode;
		p->personality = parent->personality;
		memcpy(p->name, parent->name, sizeof(p->name));
		p->pgid = parent->pgid;
		p->sid = parent->sid;
		p->ctty = READ_ONCE(parent->ctty); /* session.h: a stale one is harmless */
		spin_unlock_irqrestore((struct spinlock *)&parent->lock, f);
	} else {
		default_rlimits(p->rlimits); /* cred all 0: root */
		cred_caps_init_root(&p->cred);
		strlcpy(p->name, "init", sizeof(p->name));
		p->pgid = p->sid = INIT_PID;
		p->ctty = NULL;
	}
	return p;
}

void process_free(struct process *p)
{
	ASSERT(p->nthreads == 0 && list_empty(&p->threads) && list_empty(&p->children));
	ASSERT(p->mm == NULL);
	sighand_put(p->sighand); /* normally already put at exit; not for a failed fork */
	process_files_release(p); /* likewise */
	sem_exit(p); /* likewise */
	kfree(p);
}

int process_count_uid_locked(uint32_t uid)
{
	/* Walks the table: only fork calls it, and only for a non-root caller (root is exempt
	 * from RLIMIT_NPROC, as on Linux). TODO: a per-uid counter when users get real. */
	int n = 0;
	spin_assert_held(&process_tree_lock);
	for (int i = 1; i < PID_MAX; i++) {
		struct process *p = pid_table[i].proc;
		if (p && p->pid == i && p->state == PROCESS_ALIVE && p->cred.uid == uid)
			n++;
	}
	return n;
}

static void for_each_process_locked(void (*fn)(struct process *p, void *ctx), void *ctx,
				   bool zombies)
{
	spin_assert_held(&process_tree_lock);
	for (int i = 1; i < PID_MAX; i++) {
		struct process *p = pid_table[i].proc;
		if (p && p->pid == i && (zombies || p->state == PROCESS_ALIVE))
			fn(p, ctx);
	}
}

void process_for_each_locked(void (*fn)(struct process *p, void *ctx), void *ctx)
{
	spin_assert_held(&process_tree_lock);
	for_each_process_locked(fn, ctx, false);
}

void process_for_each_with_zombies_locked(void (*fn)(struct process *p, void *ctx), void *ctx)
{
	spin_assert_held(&process_tree_lock);
	for_each_process_locked(fn, ctx, true);
}
