/* Processes: what threads share — an address space, credentials, signal handlers, limits, the
 * parent/child tree and (later) files and the working directory. A process has one or more
 * threads (struct thread, sched/thread.h); pid = the tid of its first thread (Linux's tgid).
 * Pids and user-visible tids come from one table of PID_MAX slots, recycled.
 *
 * Locking: process_tree_lock (IRQ-safe) guards the pid table, every parent/children/sibling
 * link, the thread lists, state, exit_status and the child_wait/vfork wait queues; p->lock
 * guards the rest of the process's mutable fields (cred, rlimits, nice) unless a field says
 * otherwise. p->mm is changed only by the process itself (exec, last thread's exit) while it
 * holds p->lock; a thread of p reads it freely. Order: process_tree_lock before p->lock before
 * mm->lock. Nothing here sleeps with p->lock held. */
#ifndef PROC_PROCESS_H
#define PROC_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <lib/list.h>
#include <core/compiler.h>
#include <core/spinlock.h>
#include <sched/thread.h>
#include <sched/wait.h>
#include <uapi/resource.h>

#define PROC_NAME_MAX 16
#define PID_MAX 32768 /* pids and tids are 1..PID_MAX-1 */
#define PID_MAX_MIN 301 /* Linux's lowest kernel.pid_max (RESERVED_PIDS + 1) */
/* kernel.pid_max (/proc/sys): new ids are below it; PID_MAX_MIN..PID_MAX. Atomic. */
extern int sysctl_pid_max;
#define THREADS_MAX_MIN 20 /* Linux's lowest kernel.threads-max */
/* kernel.threads-max (/proc/sys): the most ids (threads, and processes not yet reaped) in use
 * at once, THREADS_MAX_MIN..PID_MAX - 1 (the pid table's size is the default). Atomic. */
extern int sysctl_threads_max;
#define INIT_PID 1
#define SIGCHLD_NR 17 /* the default exit signal (signals live in proc/signal.c later) */
#define NSIG_MAX 64
/* personality(2): the Linux execution domain, and the one flag implemented (uname reports a
 * 2.6 release). */
#define PER_LINUX 0
#define UNAME26 0x0020000

struct mm;
struct thread;
struct trap_frame;
struct signal_handlers;
struct fd_table;
struct fs_context;
struct file;
struct tty;

enum process_state {
	PROCESS_ALIVE,
	PROCESS_ZOMBIE, /* all threads gone; waiting for the parent's wait */
};

#define CRED_GROUPS_MAX 64 /* supplementary groups a process may hold (Linux: 65536) */

struct cred {
	uint32_t uid, euid, suid, gid, egid, sgid;
	uint32_t fsuid, fsgid; /* for file access: follow euid/egid, or setfsuid/setfsgid */
	uint32_t ngroups; /* supplementary groups (setgroups) */
	uint32_t groups[CRED_GROUPS_MAX];
	/* capabilities(7) (proc/caps.c): bit n is capability n (uapi/capability.h). */
	uint64_t cap_effective, cap_permitted, cap_inheritable, cap_bset;
};

/* A vfork parent sleeps until its child execs or exits (the child shares its memory). */
struct vfork_done {
	bool done;
	struct wait_queue wq; /* guarded by process_tree_lock */
};

struct process {
	struct spinlock lock;
	int pid;
	int pgid, sid; /* process group / session: guarded by process_tree_lock */
	bool did_exec; /* has exec'ed since fork (setpgid's EACCES): process_tree_lock */
	char name[PROC_NAME_MAX]; /* comm: the executable's base name */

	struct mm *mm; /* see the locking note above */
	struct cred cred;
	struct signal_handlers *sighand; /* shared under CLONE_SIGHAND (signals: later) */
	struct rlimit rlimits[RLIM_NLIMITS];
	int nice;
	int dumpable; /* prctl PR_SET_DUMPABLE (1 by default; no core dumps exist yet) */
	bool no_new_privs; /* prctl PR_SET_NO_NEW_PRIVS: set once, inherited, never cleared */
	bool cap_mode; /* zero_cap_enter (security/capability.h): set once, inherited */
	uint32_t personality; /* personality(2): PER_LINUX, maybe UNAME26; atomic, inherited */
	struct sem_undo_list *sysvsem; /* SEM_UNDO adjustments (ipc/sem.c): sem_ids.lock */

	/* Files (fs/): set at creation and exec, dropped at exit; the process's own threads read
	 * them freely. A process in the middle of exit has files == NULL. */
	struct fd_table *files; /* descriptor table, shared under CLONE_FILES */
	struct fs_context *fs; /* root, cwd, umask; shared under CLONE_FS */
	struct file *exe_file; /* the executable (for /proc/<pid>/exe), referenced */
	struct tty *ctty; /* controlling terminal of the session (process_tree_lock) */

	/* Guarded by process_tree_lock. */
	struct process *parent;
	struct list_node children;
	struct list_node sibling; /* in parent->children */
	enum process_state state;
	int exit_status; /* wait status word (W* encoding) once a zombie */
	int exit_signal; /* sent to the parent when it dies (SIGCHLD usually; 0 = none) */
	int pdeath_signal; /* prctl PR_SET_PDEATHSIG: sent to us when our parent dies; 0 none */
	bool child_subreaper; /* prctl PR_SET_CHILD_SUBREAPER: orphaned descendants come here */
	bool group_exiting; /* exit_group (or a fatal signal) under way: threads exit */
	int group_exit_status; /* the status word they exit with */
	struct list_node threads; /* struct thread.proc_node */
	int nthreads;
	struct vfork_done *vfork_done; /* set while a vfork parent waits for us */
	struct wait_queue child_wait; /* parent sleeps here in wait4 */
	uint64_t utime_ns, stime_ns; /* own CPU time (no per-thread accounting yet: 0) */
	bool cpu_limit_due; /* atomic: the tick saw RLIMIT_CPU's soft limit reached again */
	/* ITIMER_VIRTUAL and ITIMER_PROF (proc/cpu_itimer.c, guarded by its lock): counted down
	 * by the ticks of the process's user time / all its CPU time; not inherited by fork. */
	struct cpu_itimer {
		uint64_t value, interval; /* ns; value 0: disarmed */
	} cpu_itimers[2];
	uint8_t cpu_itimers_due; /* atomic: a bit per timer expired, signalled on the way out */
	/* POSIX timers (proc/posix_timer.c): the list, next id and count are guarded by its
	 * ptimer_lock; not inherited by fork, deleted by exec and exit. */
	struct list_node ptimers;
	int ptimer_next_id;
	int ptimer_count;
	int ptimer_cpu_armed; /* atomic: armed CPU-time timers (the tick's fast check) */
	uint64_t cutime_ns, cstime_ns; /* reaped children's, added at reap */
	uint64_t start_ns;
};

extern struct spinlock process_tree_lock;
extern struct process *init_process;

/* The process of the calling thread (NULL for kernel threads). */
static inline struct process *process_current(void)
{
	return current_thread()->proc;
}

/* Pid table. alloc: a free id below sysctl_pid_max (recycled, never 0) or -EAGAIN when all
 * are in use or sysctl_threads_max are.
 * _locked functions need process_tree_lock. */
int pid_alloc_locked(void);
void pid_free_locked(int id);
int pid_last_allocated(void); /* the last id handed out (a snapshot; no lock needed) */
/* kernel.ns_last_pid (/proc/sys, CRIU's way to choose the next pid): the last id handed out;
 * a write sets it, and pid_set_next makes the next search start after it. */
extern int sysctl_ns_last_pid;
void pid_set_next(int next);
/* Ids in use: every user thread plus the zombies not yet reaped (Linux's nr_threads without
 * kernel threads). A snapshot. */
int pid_count(void);
void pid_set_thread_locked(int id, struct thread *t); /* NULL: the thread is gone */
void pid_set_process_locked(int id, struct process *p); /* NULL: reaped */
struct thread *thread_by_tid_locked(int tid);
struct process *process_by_pid_locked(int pid);

/* A new process (no threads yet) copying cred, limits, nice and name from `parent` (NULL for
 * init: root, default limits). NULL on ENOMEM. Not linked anywhere yet. */
struct process *process_alloc(const struct process *parent);
void process_free(struct process *p); /* unlinked, reaped, no threads left */
/* Call fn for every live (non-zombie) process, in pid order. Tree lock held; fn must not sleep
 * or take the tree lock. */
void process_for_each_locked(void (*fn)(struct process *p, void *ctx), void *ctx);
/* The same, zombies included (a process group lives until its last member is reaped). */
void process_for_each_with_zombies_locked(void (*fn)(struct process *p, void *ctx), void *ctx);
/* Processes and threads created by fork/clone since boot (Linux's total_forks). */
uint64_t process_fork_count(void);
/* Count of live (non-zombie) processes whose real uid is uid. */
int process_count_uid_locked(uint32_t uid);

/* RLIMIT_FSIZE for a regular file written or extended by the caller to reach `end` bytes from
 * `pos`: the bytes allowed (end - pos when within the limit, fewer when it crosses it), or
 * -EFBIG with SIGXFSZ sent to the caller when pos is already at or past the limit (Linux's
 * generic_write_check_limits / inode_newsize_ok). proc/limits.c. */
int64_t rlimit_fsize_allow(int64_t pos, int64_t end);

/* RLIMIT_CPU, from the timer tick (IRQs off, no locks): p's CPU time went from before_ns to
 * after_ns. True (and p->cpu_limit_due set) when it crossed a whole second at or past the soft
 * limit: the tick then asks for the return-to-user path, which calls rlimit_cpu_enforce. */
bool rlimit_cpu_tick(struct process *p, uint64_t before_ns, uint64_t after_ns);
/* On the way to user mode: SIGXCPU at and after each second past the soft limit, SIGKILL at
 * the hard one (Linux's check_process_timers). */
void rlimit_cpu_enforce(struct process *p);

/* ITIMER_VIRTUAL and ITIMER_PROF (proc/cpu_itimer.c). From the timer tick (IRQs off): a tick
 * of p's CPU time (user time when from_user) counts the timers down; true when one expired (the
 * tick then asks for the return-to-user path, which calls cpu_itimer_deliver to signal). */
bool cpu_itimer_tick(struct process *p, bool from_user);
void cpu_itimer_deliver(struct process *p);
/* which is ITIMER_VIRTUAL or ITIMER_PROF: the timer's remaining time and interval, and (set)
 * replace them (value 0 disarms). */
void cpu_itimer_get(struct process *p, int which, uint64_t *value, uint64_t *interval);
void cpu_itimer_set(struct process *p, int which, uint64_t value, uint64_t interval,
		    uint64_t *old_value, uint64_t *old_interval);

/* Capabilities (proc/caps.c). capable: the calling process has cap in its effective set (the
 * privilege check of "only root may"; kernel threads always). The cred_ functions change a
 * cred being updated under its process's lock: init's (every capability), after the user ids
 * changed from old_* (Linux's setuid rules), after setfsuid moved the fs uid from old_fsuid
 * (the file capabilities follow it), and at exec (saved and fs ids become the effective ones;
 * root's program gets every capability back, within the bounding set). cap_bset_prctl:
 * PR_CAPBSET_READ / PR_CAPBSET_DROP. */
bool capable(int cap);
void cred_caps_init_root(struct cred *c);
void cred_caps_setuid(struct cred *c, uint32_t old_uid, uint32_t old_euid, uint32_t old_suid);
void cred_caps_setfsuid(struct cred *c, uint32_t old_fsuid);
void cred_exec(struct cred *c);
long cap_bset_prctl(int option, uint64_t cap);

/* Linux's ptrace_may_access with the REALCREDS modes (pidfd_getfd, kcmp, process_vm_*): the
 * caller itself, or its real uid and gid are all of p's real, effective and saved ids and p is
 * dumpable (not set-id), or the caller has CAP_SYS_PTRACE. process_tree_lock held. */
bool ptrace_may_access_locked(struct process *p);

/* Is gid the calling process's file-system gid (its effective gid unless setfsgid changed it)
 * or one of its supplementary groups? (Kernel threads: only gid 0.) */
bool current_in_group(uint32_t gid);

/* Start process 1: a kernel thread that becomes init and execs the program the command line
 * names (`init=/path arg...` or `run="prog args"`, default /sbin/init). When it exits the
 * machine powers off with its exit status. */
void proc_start_init(const char *cmdline);

/* Exit of the calling thread; `group` ends every thread of the process (exit_group). The status
 * is the wait status word (W_EXITCODE). The last thread out makes the process a zombie. */
__noreturn void do_exit(int status_word, bool group);

/* Tell every thread of p but `except` (NULL: all) to exit: t->exit_pending, and any
 * interruptible or killable sleep it is in ends (execve's de_thread, exit_group). The threads
 * leave on their way back to user mode. process_tree_lock held. */
void process_zap_threads_locked(struct process *p, struct thread *except);
/* Begin p's group exit with status_word (the first one wins: a later kill does not change how
 * it ended) and zap its threads but `except`. process_tree_lock held. */
void process_group_exit_locked(struct process *p, int status_word, struct thread *except);

/* The hook the return-to-user path (syscall exit, interrupt exit) calls: a thread whose process
 * is going away (exit_group, exec from another thread) exits here instead of returning. */
void process_user_return_check(void);

/* Tell the parent that `child` changed state (became a zombie): wakes its wait4, and is where
 * SIGCHLD (child->exit_signal) will be sent once signals exist. process_tree_lock held. */
void process_notify_parent_locked(struct process *child);

/* vfork: the child released its parent's memory (exec or exit). process_tree_lock held. */
void process_vfork_release_locked(struct process *p);

/* clone(2) with its x86_64 argument order (fork and vfork are special cases). Returns the new
 * thread's tid in the caller. */
long do_clone(uint64_t flags, uint64_t newsp, uint64_t parent_tid, uint64_t child_tid,
	      uint64_t tls);

/* In-kernel execve (init): path and NULL-terminated argv/envp arrays in kernel memory; the new
 * user registers go to *frame (which need not be the thread's user frame). */
long kernel_execve(const char *path, const char *const *argv, const char *const *envp,
		   struct trap_frame *frame);

#endif
