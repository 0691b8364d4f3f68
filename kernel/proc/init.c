/* Process 1: a kernel thread that becomes the first user process and execs the init program.
 * The command line picks it: `init="/path arg..."` runs that program as process 1; otherwise
 * /sbin/init runs, with the words of `run="prog arg..."` as its arguments (our init runs that
 * program and powers off with its status). */
#include <proc/process.h>
#include <proc/process_files.h>
#include <proc/signal.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <arch/x86_64/syscall.h>
#include <arch/x86_64/trap.h>
#include <core/printk.h>
#include <core/panic.h>
#include <lib/cmdline.h>
#include <lib/string.h>

#define INIT_DEFAULT "/sbin/init"
#define INIT_CMD_MAX 512
#define INIT_ARGS_MAX 32

/* Written once by proc_start_init before the thread starts. */
static char init_words[INIT_CMD_MAX];
static const char *init_argv[INIT_ARGS_MAX + 1];
static const char *const init_envp[] = { "HOME=/", "TERM=linux",
					 "PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL };

/* Split s in place on spaces into init_argv starting at index n; returns the new count. */
static int split_words(char *s, int n)
{
	while (*s && n < INIT_ARGS_MAX) {
		while (*s == ' ')
			*s++ = 0;
		if (!*s)
			break;
		init_argv[n++] = s;
		while (*s && *s != ' ')
			s++;
	}
	return n;
}

static void parse_cmdline(const char *cmdline)
{
	size_t half = sizeof(init_words) / 2;
	int n = 0;
	if (cmdline_get(cmdline, "init", init_words, half) > 0) {
		n = split_words(init_words, 0);
	} else {
		init_argv[n++] = INIT_DEFAULT;
		if (cmdline_get(cmdline, "run", init_words + half, half) > 0)
			n = split_words(init_words + half, n);
	}
	init_argv[n] = NULL;
}

/* Make the calling kernel thread process 1. */
static struct process *become_init(void)
{
	struct thread *t = current_thread();
	struct process *p = process_alloc(NULL);
	if (!p || thread_make_user() < 0 || !(p->sighand = sighand_alloc()))
		panic("init: out of memory");
	signal_thread_init(t, NULL, 0);
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	int pid = pid_alloc_locked();
	ASSERT(pid == INIT_PID);
	p->pid = t->tid = pid;
	t->start_ns = p->start_ns;
	pid_set_process_locked(pid, p);
	pid_set_thread_locked(pid, t);
	list_init(&t->proc_node);
	list_add_tail(&p->threads, &t->proc_node);
	p->nthreads = 1;
	t->proc = p;
	init_process = p;
	spin_unlock_irqrestore(&process_tree_lock, f);
	return p;
}

static void init_thread(void *unused)
{
	(void)unused;
	struct process *p = become_init();
	if (process_files_init(p) < 0)
		panic("init: out of memory");
	struct trap_frame regs = { 0 };
	long r = kernel_execve(init_argv[0], init_argv, init_envp, &regs);
	if (r < 0) {
		/* Bad input (a missing or hostile init) is not a kernel bug: say so and idle. */
		pr_err("init: cannot run %s (error %ld): no user space; the system stays idle\n",
		       init_argv[0], -r);
		for (;;) /* the boot flow's own thread: nothing is ever to wake it */
			sched_sleep_until(UINT64_MAX, SLEEP_UNINTERRUPTIBLE);
	}
	enter_user_mode_regs(&regs);
}

void proc_start_init(const char *cmdline)
{
	parse_cmdline(cmdline);
	pr_info("init: starting %s\n", init_argv[0]);
	struct thread *t = thread_create_kernel("init", init_thread, NULL);
	if (!t)
		panic("cannot start the init thread");
	sched_add_thread(t);
}
