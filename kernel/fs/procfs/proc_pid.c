/* procfs's per-process directories /proc/<pid>: lookup and listing, access rules, and the text
 * files stat, status, statm, comm, cmdline, environ and maps, formatted from a snapshot of the
 * process (or of one of its threads) taken under its locks. The same directory serves a thread
 * (task/<tid>, /proc/<tid>); task/ itself is in proc_task.c, the fd directory and the exe/cwd
 * links in proc_fd.c. */
#include <fs/procfs/proc_internal.h>
#include <fs/procfs/procfs.h>
#include <fs/fdtable.h>
#include <fs/fs_context.h>
#include <drivers/tty.h>
#include <proc/signal.h>
#include <proc/posix_timer.h>
#include <sched/thread.h>
#include <mm/vm.h>
#include <mm/vm_internal.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define USER_HZ_NS (1000000000ULL / USER_HZ)
#define PROC_PRIO_BASE 20 /* Linux's priority field of a normal task is 20 + nice */
#define CMDLINE_CHUNK 256
#define MAPS_NAME_COLUMN 73 /* Linux pads the fixed part of a maps line to this width */
#define KB(bytes) ((bytes) >> 10)

struct process *proc_find_locked(int pid, uint64_t start_ns)
{
	spin_assert_held(&process_tree_lock);
	struct process *p = process_by_pid_locked(pid);
	if (!p || p->pid != pid || (start_ns && p->start_ns != start_ns))
		return NULL;
	return p;
}

struct thread *proc_thread_locked(struct process *p, int tid, uint64_t tstart_ns)
{
	spin_assert_held(&process_tree_lock);
	struct thread *t = thread_by_tid_locked(tid);
	if (!t || t->proc != p || (tstart_ns && t->start_ns != tstart_ns))
		return NULL;
	return t;
}

struct process *proc_ctx_find_locked(const struct proc_file_ctx *c, struct thread **t)
{
	spin_assert_held(&process_tree_lock);
	struct process *p = proc_find_locked(c->pid, c->start_ns);
	*t = NULL;
	if (!p)
		return NULL;
	if (!c->tid) {
		*t = thread_by_tid_locked(p->pid);
		return p;
	}
	*t = proc_thread_locked(p, c->tid, c->tstart_ns);
	return *t ? p : NULL;
}

static struct cred cred_of(struct process *p)
{
	uint64_t f = spin_lock_irqsave(&p->lock);
	struct cred c = p->cred;
	spin_unlock_irqrestore(&p->lock, f);
	return c;
}

/* Linux's ptrace_may_access for /proc, simplified: root, or the caller's effective ids match
 * all of the target's real, effective and saved ids and the target is dumpable. */
bool proc_may_access_locked(struct process *p)
{
	spin_assert_held(&process_tree_lock);
	struct process *me = process_current();
	if (!me || me == p)
		return true;
	struct cred mc = cred_of(me), pc = cred_of(p);
	if (mc.euid == 0)
		return true;
	return pc.uid == mc.euid && pc.euid == mc.euid && pc.suid == mc.euid &&
	       pc.gid == mc.egid && pc.egid == mc.egid && pc.sgid == mc.egid &&
	       __atomic_load_n(&p->dumpable, __ATOMIC_RELAXED);
}

int proc_check_access(int pid, uint64_t start_ns)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_find_locked(pid, start_ns);
	int r = !p ? -ESRCH : proc_may_access_locked(p) ? 0 : -EACCES;
	spin_unlock_irqrestore(&process_tree_lock, f);
	return r;
}

/* ---- the snapshot -------------------------------------------------------------------------- */

struct proc_snap {
	int pid, tid, ppid, pgid, sid, nthreads, nice, cpu, exit_code, exit_signal, sig_queued;
	int tpgid; /* foreground group of the controlling terminal; -1 without one */
	uint32_t tty_nr; /* its device number; 0 without one */
	char name[PROC_NAME_MAX];
	char state; /* R S T Z */
	bool access; /* the caller may see private details (addresses) */
	struct cred cred;
	uint64_t utime_ns, stime_ns, cutime_ns, cstime_ns, start_ns;
	uint64_t sig_pnd, shd_pnd, sig_blk, sig_ign, sig_cgt;
	uint64_t rlim_sigpending, rlim_rss;
	uint32_t umask;
	int fd_size;
	struct mm *mm; /* referenced; NULL for a zombie */
};

/* Thread states in Linux's letters: a group stop is T, a runnable thread R, otherwise it
 * sleeps (S; there is no uninterruptible "D" distinction yet). t is the thread shown: for a
 * process's own files its leader, as Linux shows; when the leader has exited (t NULL) the
 * threads' states are folded: R when any of them is runnable. */
static char state_locked(struct process *p, struct thread *t)
{
	spin_assert_held(&process_tree_lock);
	if (p->state == PROCESS_ZOMBIE)
		return 'Z';
	if (p->sighand && READ_ONCE(p->sighand->stopped))
		return 'T';
	if (t)
		return READ_ONCE(t->state) == THREAD_RUNNABLE ? 'R' : 'S';
	struct list_node *pos;
	list_for_each(pos, &p->threads) {
		struct thread *th = list_entry(pos, struct thread, proc_node);
		if (READ_ONCE(th->state) == THREAD_RUNNABLE)
			return 'R';
	}
	return 'S';
}

/* Handlers and pending signals (main: the thread whose blocked mask status shows). */
static void snap_signals_locked(struct process *p, struct thread *main, struct proc_snap *s)
{
	spin_assert_held(&process_tree_lock);
	struct signal_handlers *sh = p->sighand;
	if (!sh)
		return;
	uint64_t f = spin_lock_irqsave(&sh->lock);
	for (int sig = 1; sig <= _NSIG; sig++) {
		uint64_t h = sh->action[sig - 1].handler;
		if (h == SIG_IGN)
			s->sig_ign |= SIGSET_BIT(sig);
		else if (h != SIG_DFL)
			s->sig_cgt |= SIGSET_BIT(sig);
	}
	struct list_node *pos;
	list_for_each(pos, &sh->queue) {
		struct sigqueue *q = list_entry(pos, struct sigqueue, node);
		if (q->proc != p || !sig_valid(q->info.si_signo))
			continue;
		s->sig_queued++;
		if (!q->thread)
			s->shd_pnd |= SIGSET_BIT(q->info.si_signo);
		else if (q->thread == main)
			s->sig_pnd |= SIGSET_BIT(q->info.si_signo);
	}
	if (main)
		s->sig_blk = main->sig_blocked;
	spin_unlock_irqrestore(&sh->lock, f);
}

_Static_assert(PROC_NAME_MAX <= THREAD_NAME_MAX, "a thread's name fills comm");

/* The fields under p->lock: credentials, limits, nice, name (thread t's when not NULL), and a
 * reference to the mm. */
static void snap_own_locked(struct process *p, struct thread *t, struct proc_snap *s)
{
	spin_assert_held(&process_tree_lock);
	uint64_t f = spin_lock_irqsave(&p->lock);
	s->cred = p->cred;
	s->nice = p->nice;
	s->rlim_sigpending = p->rlimits[RLIMIT_SIGPENDING].rlim_cur;
	s->rlim_rss = p->rlimits[RLIMIT_RSS].rlim_cur;
	memcpy(s->name, t ? t->name : p->name, sizeof(s->name));
	s->name[PROC_NAME_MAX - 1] = 0;
	s->mm = p->mm;
	if (s->mm)
		mm_get(s->mm);
	spin_unlock_irqrestore(&p->lock, f);
}

/* Everything the per-process files show, for the process (and thread) c was opened for: 0 or
 * -ESRCH. proc_snap_put releases it. */
static int proc_snap_get(const struct proc_file_ctx *c, struct proc_snap *s)
{
	struct fd_table *files = NULL;
	struct fs_context *fs = NULL;
	struct thread *main;
	*s = (struct proc_snap){ .pid = c->pid, .tid = c->tid ? c->tid : c->pid };
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_ctx_find_locked(c, &main);
	if (!p) {
		spin_unlock_irqrestore(&process_tree_lock, f);
		return -ESRCH;
	}
	struct thread *own = c->tid ? main : NULL; /* the thread whose name and state show */
	s->state = state_locked(p, main); /* the leader's, or the thread's in task/<tid> */
	if (!main && !list_empty(&p->threads))
		main = list_first(&p->threads, struct thread, proc_node);
	s->ppid = p->parent ? p->parent->pid : 0;
	s->pgid = p->pgid;
	s->sid = p->sid;
	s->tpgid = p->ctty ? p->ctty->pgrp : -1;
	s->tty_nr = p->ctty ? (uint32_t)p->ctty->dev : 0;
	s->nthreads = p->nthreads;
	s->exit_code = p->state == PROCESS_ZOMBIE ? p->exit_status : 0;
	s->exit_signal = p->exit_signal;
	s->cpu = main ? (int)main->cpu : 0;
	s->utime_ns = __atomic_load_n(&p->utime_ns, __ATOMIC_RELAXED);
	s->stime_ns = __atomic_load_n(&p->stime_ns, __ATOMIC_RELAXED);
	s->cutime_ns = p->cutime_ns;
	s->cstime_ns = p->cstime_ns;
	s->start_ns = own ? own->start_ns : p->start_ns;
	s->access = proc_may_access_locked(p);
	snap_signals_locked(p, main, s);
	snap_own_locked(p, own, s);
	proc_refs_locked(p, &files, &fs, NULL);
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (files) {
		s->fd_size = READ_ONCE(files->size);
		fdtable_put(files);
	}
	if (fs) {
		uint64_t g = spin_lock_irqsave(&fs->lock);
		s->umask = fs->umask;
		spin_unlock_irqrestore(&fs->lock, g);
		fs_context_put(fs);
	}
	return 0;
}

static void proc_snap_put(struct proc_snap *s)
{
	if (s->mm)
		mm_put(s->mm);
	s->mm = NULL;
}

/* ---- address-space figures ----------------------------------------------------------------- */

struct proc_vm {
	uint64_t size, rss_pages, data, stack, exe, locked; /* bytes except rss */
	uint64_t code_start, code_end, data_start, data_end;
	uint64_t brk_start, stack_top, arg_start, arg_end, env_start, env_end;
};

static void count_rss(uint64_t va, uint64_t pa, uint64_t size, uint64_t flags, void *ctx)
{
	(void)va;
	(void)flags;
	if (pa != vm_zero_page_pa) /* the shared zero page is nobody's resident memory */
		*(uint64_t *)ctx += size / PAGE_SIZE;
}

/* The image of the executable lies below the heap (exec puts the break above it); mmap areas
 * are far above and the stack is VM_GROWSDOWN. */
static bool vma_is_image(const struct mm *mm, const struct vma *v)
{
	return !(v->flags & VM_GROWSDOWN) && v->end <= mm->brk_start;
}

static void proc_vm_get(struct mm *mm, struct proc_vm *v)
{
	*v = (struct proc_vm){ 0 };
	if (!mm)
		return;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	struct list_node *pos;
	list_for_each(pos, &mm->vmas) {
		struct vma *a = list_entry(pos, struct vma, node);
		uint64_t len = a->end - a->start;
		v->size += len;
		if (a->flags & VM_GROWSDOWN) {
			v->stack += len;
		} else if (vma_is_image(mm, a) && (a->flags & VM_EXEC)) {
			v->exe += len;
			v->code_start = v->code_start ? v->code_start : a->start;
			v->code_end = a->end;
		} else if ((a->flags & VM_WRITE) && !(a->flags & VM_SHARED)) {
			v->data += len;
			if (vma_is_image(mm, a)) {
				v->data_start = v->data_start ? v->data_start : a->start;
				v->data_end = a->end;
			}
		}
	}
	pt_walk_leaves(mm->pml4_pa, USER_MIN_ADDR, USER_MAX_ADDR, count_rss, &v->rss_pages);
	v->locked = vm_locked_bytes_locked(mm);
	v->brk_start = mm->brk_start;
	v->stack_top = mm->stack_top;
	v->arg_start = mm->arg_start;
	v->arg_end = mm->arg_end;
	v->env_start = mm->env_start;
	v->env_end = mm->env_end;
	spin_unlock_irqrestore(&mm->lock, f);
}

/* ---- stat, statm, status, comm ------------------------------------------------------------- */

static uint64_t ns_to_ticks(uint64_t ns)
{
	return ns / USER_HZ_NS;
}

/* All 52 fields of proc(5)'s /proc/<pid>/stat, in order. Fields Zero-OS does not track (page
 * fault counts, wchan, swap, real-time policy, guest time) are 0 as on an idle Linux task;
 * addresses are 0 for a caller without access, as Linux hides them. */
static int fmt_stat(struct proc_text *t, const struct proc_snap *sp, const struct proc_vm *vp)
{
	struct proc_snap s = *sp;
	struct proc_vm v = *vp;
	if (!s.access)
		v = (struct proc_vm){ .size = v.size, .rss_pages = v.rss_pages };
	proc_printf(t, "%d (%s) %c %d %d %d %u %d %u ", s.tid, s.name, s.state, s.ppid, s.pgid,
		    s.sid, s.tty_nr, s.tpgid, 0u /* flags */);
	proc_printf(t, "%lu %lu %lu %lu %lu %lu %ld %ld %ld %ld %d %d %lu ",
		    0ul, 0ul, 0ul, 0ul /* faults */, ns_to_ticks(s.utime_ns),
		    ns_to_ticks(s.stime_ns), (long)ns_to_ticks(s.cutime_ns),
		    (long)ns_to_ticks(s.cstime_ns), (long)(PROC_PRIO_BASE + s.nice), (long)s.nice,
		    s.nthreads, 0 /* itrealvalue */, ns_to_ticks(s.start_ns));
	proc_printf(t, "%lu %lu %lu %lu %lu %lu %lu %lu ", v.size, v.rss_pages, s.rlim_rss,
		    v.code_start, v.code_end, s.access ? v.stack_top : 0, 0ul /* kstkesp */,
		    0ul /* kstkeip */);
	/* signal, blocked, sigignore, sigcatch: Linux prints the first word as decimal. */
	proc_printf(t, "%lu %lu %lu %lu 0 0 0 %d %d 0 0 0 0 0 ", s.shd_pnd | s.sig_pnd, s.sig_blk,
		    s.sig_ign, s.sig_cgt, s.exit_signal, s.cpu);
	proc_printf(t, "%lu %lu %lu %lu %lu %lu %lu %d\n", v.data_start, v.data_end, v.brk_start,
		    v.arg_start, v.arg_end, v.env_start, v.env_end, s.access ? s.exit_code : 0);
	return 0;
}

/* statm: size resident shared text lib data dt, in pages. */
static int fmt_statm(struct proc_text *t, const struct proc_snap *s, const struct proc_vm *v)
{
	(void)s;
	proc_printf(t, "%lu %lu 0 %lu 0 %lu 0\n", v->size / PAGE_SIZE, v->rss_pages,
		    v->exe / PAGE_SIZE, (v->data + v->stack) / PAGE_SIZE);
	return 0;
}

static const char *state_name(char state)
{
	switch (state) {
	case 'R':
		return "R (running)";
	case 'T':
		return "T (stopped)";
	case 'Z':
		return "Z (zombie)";
	default:
		return "S (sleeping)";
	}
}

static void status_memory(struct proc_text *t, const struct proc_vm *v)
{
	proc_printf(t, "VmPeak:\t%8lu kB\nVmSize:\t%8lu kB\nVmLck:\t%8lu kB\nVmPin:\t%8lu kB\n",
		    KB(v->size), KB(v->size), KB(v->locked), 0ul);
	proc_printf(t, "VmHWM:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\nRssFile:\t%8lu kB\n",
		    KB(v->rss_pages * PAGE_SIZE), KB(v->rss_pages * PAGE_SIZE),
		    KB(v->rss_pages * PAGE_SIZE), 0ul);
	proc_printf(t, "RssShmem:\t%8lu kB\nVmData:\t%8lu kB\nVmStk:\t%8lu kB\nVmExe:\t%8lu kB\n",
		    0ul, KB(v->data), KB(v->stack), KB(v->exe));
	proc_printf(t, "VmLib:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\n", 0ul, 0ul, 0ul);
}

/* Linux's layout (fs/proc/array.c), without the fields Zero-OS has no notion of (namespaces
 * beyond the pid values, NUMA, seccomp, speculation controls). */
static int fmt_status(struct proc_text *t, const struct proc_snap *sp, const struct proc_vm *v)
{
	const struct proc_snap s = *sp;
	proc_printf(t, "Name:\t%s\nUmask:\t%04o\nState:\t%s\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n",
		    s.name, s.umask, state_name(s.state), s.pid, s.tid);
	proc_printf(t, "PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\n",
		    s.ppid, s.cred.uid, s.cred.euid, s.cred.suid, s.cred.fsuid, s.cred.gid,
		    s.cred.egid, s.cred.sgid, s.cred.fsgid);
	proc_printf(t, "FDSize:\t%d\nGroups:\t\nNStgid:\t%d\nNSpid:\t%d\nNSpgid:\t%d\nNSsid:\t%d\n",
		    s.fd_size, s.pid, s.tid, s.pgid, s.sid);
	if (s.mm)
		status_memory(t, v);
	proc_printf(t, "CoreDumping:\t0\nThreads:\t%d\nSigQ:\t%d/%lu\n", s.nthreads, s.sig_queued,
		    s.rlim_sigpending);
	proc_printf(t, "SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\n",
		    s.sig_pnd, s.shd_pnd, s.sig_blk, s.sig_ign);
	proc_printf(t, "SigCgt:\t%016lx\nCapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\n",
		    s.sig_cgt, s.cred.cap_inheritable, s.cred.cap_permitted, s.cred.cap_effective);
	proc_printf(t, "CapBnd:\t%016lx\nCapAmb:\t%016lx\nNoNewPrivs:\t0\nSeccomp:\t0\n",
		    s.cred.cap_bset, 0ul);
	return 0;
}

static int fmt_comm(struct proc_text *t, const struct proc_snap *s, const struct proc_vm *v)
{
	(void)v;
	proc_printf(t, "%s\n", s->name);
	return 0;
}

/* ---- cmdline, environ ---------------------------------------------------------------------- */

/* Copy [start, end) of the process's memory into t (nothing for a zombie or an unset range). */
static int copy_user_range(struct proc_text *t, struct mm *mm, uint64_t at, uint64_t end)
{
	char chunk[CMDLINE_CHUNK];
	while (mm && at < end && !t->err) {
		uint64_t n = end - at < sizeof(chunk) ? end - at : sizeof(chunk);
		int r = vm_read(mm, at, chunk, n);
		if (r)
			return r == -EFAULT ? 0 : r; /* unmapped since: show what was there */
		proc_write(t, chunk, n);
		at += n;
	}
	return 0;
}

static int fmt_cmdline(struct proc_text *t, const struct proc_snap *s, const struct proc_vm *v)
{
	return copy_user_range(t, s->mm, v->arg_start, v->arg_end);
}

static int fmt_environ(struct proc_text *t, const struct proc_snap *s, const struct proc_vm *v)
{
	return copy_user_range(t, s->mm, v->env_start, v->env_end);
}

/* The show of every file formatted from a snapshot: the entry's fmt does the formatting. */
static int show_snapped(struct proc_text *t, const struct proc_file_ctx *c)
{
	struct proc_snap s;
	struct proc_vm v;
	int r = proc_snap_get(c, &s);
	if (r)
		return r;
	proc_vm_get(s.mm, &v);
	r = c->ent->fmt(t, &s, &v);
	proc_snap_put(&s);
	return r;
}

/* ---- maps ---------------------------------------------------------------------------------- */

struct maps_names {
	const char *exe; /* the executable's path, or NULL */
	uint64_t exe_ino, exe_dev;
};

static void maps_line(struct proc_text *t, const struct mm *mm, const struct vma *a,
		      const struct maps_names *n)
{
	bool image = n->exe && vma_is_image(mm, a);
	size_t before = t->len;
	uint64_t dev = image ? n->exe_dev : 0, ino = image ? n->exe_ino : 0;
	if (a->file) { /* a mapped file: its device, inode and offset (not yet its name) */
		dev = a->file->inode->sb->dev;
		ino = a->file->inode->ino;
	}
	proc_printf(t, "%08lx-%08lx %c%c%c%c %08lx %02x:%02x %lu ", a->start, a->end,
		    a->flags & VM_READ ? 'r' : '-', a->flags & VM_WRITE ? 'w' : '-',
		    a->flags & VM_EXEC ? 'x' : '-', a->flags & VM_SHARED ? 's' : 'p',
		    a->file ? a->pgoff * PAGE_SIZE : 0ul, MAJOR(dev), MINOR(dev), ino);
	const char *name = image ? n->exe : NULL;
	if (a->flags & VM_GROWSDOWN)
		name = "[stack]";
	else if (!image && a->start < mm->brk && a->end > mm->brk_start)
		name = "[heap]";
	if (!name) {
		proc_write(t, "\n", 1);
		return;
	}
	for (size_t col = t->len - before; col < MAPS_NAME_COLUMN && !t->err; col++)
		proc_write(t, " ", 1);
	proc_printf(t, "%s\n", name);
}

/* The executable's path as the caller sees it, into buf (PATH_MAX): NULL when there is none. */
static const char *exe_name(const struct proc_file_ctx *c, char *buf, struct maps_names *n)
{
	struct path exe;
	if (proc_exe_path(c->pid, c->start_ns, &exe))
		return NULL;
	struct path root;
	current_root(&root);
	long len = path_to_string(&exe, &root, buf, PATH_MAX);
	n->exe_ino = exe.dentry->inode ? exe.dentry->inode->ino : 0;
	n->exe_dev = exe.dentry->sb->dev;
	path_put(&root);
	path_put(&exe);
	return len < 0 ? NULL : buf;
}

static int show_maps(struct proc_text *t, const struct proc_file_ctx *c)
{
	struct proc_snap s;
	int r = proc_snap_get(c, &s);
	if (r)
		return r;
	char *buf = kmalloc(PATH_MAX);
	struct maps_names n = { 0 };
	if (!buf) {
		r = -ENOMEM;
		goto out_put;
	}
	n.exe = exe_name(c, buf, &n);
	if (s.mm) {
		/* Formatting under mm->lock is allowed: proc_text grows with kmalloc, which comes
		 * after mm->lock in the lock order, and nothing here sleeps. */
		uint64_t f = spin_lock_irqsave(&s.mm->lock);
		struct list_node *pos;
		list_for_each(pos, &s.mm->vmas)
			maps_line(t, s.mm, list_entry(pos, struct vma, node), &n);
		spin_unlock_irqrestore(&s.mm->lock, f);
	}
	kfree(buf);
out_put:
	proc_snap_put(&s);
	return r;
}

#define TIMERS_TEXT_MAX (4 * PAGE_SIZE) /* /proc/<pid>/timers: ~60 bytes per timer */

/* The process's POSIX timers (proc/posix_timer.c formats them). */
static int show_timers(struct proc_text *t, const struct proc_file_ctx *c)
{
	char *buf = kmalloc(TIMERS_TEXT_MAX);
	if (!buf)
		return -ENOMEM;
	long n = -ESRCH;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_find_locked(c->pid, c->start_ns);
	if (p)
		n = posix_timers_show_locked(p, buf, TIMERS_TEXT_MAX);
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (n > 0)
		proc_write(t, buf, (size_t)n);
	kfree(buf);
	return n < 0 ? (int)n : 0;
}

/* ---- the directories ----------------------------------------------------------------------- */

/* Linux's order starts with task/, which a thread's own directory (task/<tid>) lacks. */
static const struct proc_entry pid_entries[] = {
	{ .name = "task", .mode = S_IFDIR | 0555, .iops = &proc_task_dir_iops,
	  .fops = &proc_task_dir_fops },
	{ .name = "cmdline", .mode = S_IFREG | 0444, .show = show_snapped, .fmt = fmt_cmdline },
	{ .name = "comm", .mode = S_IFREG | 0444, .show = show_snapped, .fmt = fmt_comm },
	{ .name = "cwd", .mode = S_IFLNK | 0777, .iops = &proc_link_iops, .link = PROC_LINK_CWD },
	{ .name = "environ", .mode = S_IFREG | 0400, .show = show_snapped, .fmt = fmt_environ,
	  .owner_only = true },
	{ .name = "exe", .mode = S_IFLNK | 0777, .iops = &proc_link_iops, .link = PROC_LINK_EXE },
	{ .name = "fd", .mode = S_IFDIR | 0500, .iops = &proc_fd_dir_iops,
	  .fops = &proc_fd_dir_fops },
	{ .name = "fdinfo", .mode = S_IFDIR | 0500, .iops = &proc_fdinfo_dir_iops,
	  .fops = &proc_fdinfo_dir_fops },
	{ .name = "maps", .mode = S_IFREG | 0444, .show = show_maps, .owner_only = true },
	{ .name = "mountinfo", .mode = S_IFREG | 0444, .show = proc_show_mountinfo },
	{ .name = "mounts", .mode = S_IFREG | 0444, .show = proc_show_mounts },
	{ .name = "pagemap", .mode = S_IFREG | 0400, .fops = &proc_pagemap_fops,
	  .owner_only = true },
	{ .name = "stat", .mode = S_IFREG | 0444, .show = show_snapped, .fmt = fmt_stat },
	{ .name = "statm", .mode = S_IFREG | 0444, .show = show_snapped, .fmt = fmt_statm },
	{ .name = "status", .mode = S_IFREG | 0444, .show = show_snapped, .fmt = fmt_status },
	{ .name = "syscall", .mode = S_IFREG | 0400, .show = proc_show_syscall,
	  .owner_only = true, .live = true },
	{ .name = "timers", .mode = S_IFREG | 0444, .show = show_timers, .live = true },
};

/* The entries of a directory: those of a process, or of a thread (all but task/). */
static const struct proc_entry *dir_entries(const struct proc_inode *pi, size_t *n)
{
	bool thread = pi->ent == &proc_tid_dir_entry;
	*n = ARRAY_SIZE(pid_entries) - thread;
	return pid_entries + thread;
}

/* A directory's inode number; its entries follow it (+ 1 + index). /proc/<pid>, /proc/<tid>
 * and task/<tid> each have their own. */
static uint64_t dir_ino(const struct proc_inode *pi)
{
	if (pi->ent == &proc_tid_dir_entry)
		return proc_ino_pid(pi->tid, PROC_INO_TASK_FLAG);
	return proc_ino_pid(pi->tid ? pi->tid : pi->pid, 0);
}

/* The owner of a directory of process pid (and thread tid unless 0): its effective ids; of the
 * files in it, root when it is not dumpable (Linux's task_dump_owner). 0 or -ENOENT (gone). */
static int proc_owner(int pid, int tid, bool files, uint32_t *uid, uint32_t *gid)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_find_locked(pid, 0);
	if (p && tid && !proc_thread_locked(p, tid, 0))
		p = NULL;
	if (p) {
		struct cred c = cred_of(p);
		bool root = files && !__atomic_load_n(&p->dumpable, __ATOMIC_RELAXED);
		*uid = root ? 0 : c.euid;
		*gid = root ? 0 : c.egid;
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	return p ? 0 : -ENOENT;
}

int proc_pid_inode(struct super_block *sb, const struct proc_entry *ent, int pid, int tid,
		   uint64_t ino, struct inode **out)
{
	uint32_t uid, gid;
	bool dir = ent == &proc_pid_dir_entry || ent == &proc_tid_dir_entry;
	int r = proc_owner(pid, tid, !dir, &uid, &gid);
	if (r)
		return r;
	*out = proc_inode_new(sb, ent, pid, -1, ino, uid, gid);
	if (!*out)
		return -ENOMEM;
	proc_i(*out)->tid = tid;
	return 0;
}

int proc_pid_dir_inode(struct super_block *sb, int id, struct inode **out)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_find_locked(id, 0);
	struct thread *t = p ? NULL : thread_by_tid_locked(id);
	int pid = p ? id : t && t->proc ? t->proc->pid : 0;
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (!pid)
		return -ENOENT;
	return proc_pid_inode(sb, &proc_pid_dir_entry, pid, p ? 0 : id, proc_ino_pid(id, 0), out);
}

static int pid_dir_lookup(struct inode *dir, struct dentry *d)
{
	const struct proc_inode *pi = proc_i(dir);
	size_t n;
	const struct proc_entry *tab = dir_entries(pi, &n);
	const struct proc_entry *e = proc_entry_find(tab, n, d->name, d->name_len);
	if (!e)
		return 0;
	struct inode *inode;
	uint64_t ino = dir_ino(pi) + 1 + (uint64_t)(e - tab);
	int r = proc_pid_inode(dir->sb, e, pi->pid, pi->tid, ino, &inode);
	if (r)
		return r == -ENOENT ? 0 : r; /* gone: the name stays negative */
	d_instantiate(d, inode);
	return 0;
}

static uint64_t pid_ino_of(const struct dir_context *ctx, size_t i, void *arg)
{
	(void)ctx;
	return *(const uint64_t *)arg + 1 + i;
}

static int pid_dir_iterate(struct file *f, struct dir_context *ctx)
{
	const struct proc_inode *pi = proc_i(f->inode);
	uint32_t uid, gid;
	if (proc_owner(pi->pid, pi->tid, false, &uid, &gid))
		return -ENOENT;
	size_t n;
	const struct proc_entry *tab = dir_entries(pi, &n);
	uint64_t ino = dir_ino(pi);
	bool thread = pi->ent == &proc_tid_dir_entry;
	uint64_t parent = thread ? proc_ino_pid(pi->pid, 1) /* task/ */ : PROC_ROOT_INO;
	proc_emit_table(ctx, ino, parent, tab, n, pid_ino_of, &ino);
	return 0;
}

const struct inode_ops proc_pid_dir_iops = {
	.lookup = pid_dir_lookup,
};

/* An open /proc/<pid> directory pins the process it was opened for (pid and start time), as
 * its other files do: pidfd_send_signal through it must not reach a later holder of the pid. */
static int pid_dir_open(struct inode *inode, struct file *f)
{
	const struct proc_inode *pi = proc_i(inode);
	uint64_t *start = kmalloc(sizeof(*start));
	if (!start)
		return -ENOMEM;
	uint64_t fl = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_find_locked(pi->pid, 0);
	*start = p ? p->start_ns : 0;
	spin_unlock_irqrestore(&process_tree_lock, fl);
	if (!p) {
		kfree(start);
		return -ENOENT;
	}
	f->priv = start;
	return 0;
}

static void pid_dir_release(struct file *f)
{
	kfree(f->priv);
}

const struct file_ops proc_pid_dir_fops = {
	.open = pid_dir_open,
	.iterate = pid_dir_iterate,
	.release = pid_dir_release,
};

int procfs_pid_dir(const struct file *f, uint64_t *start_ns)
{
	if (f->ops != &proc_pid_dir_fops || proc_i(f->inode)->ent != &proc_pid_dir_entry ||
	    !f->priv)
		return -EBADF;
	*start_ns = *(const uint64_t *)f->priv;
	return proc_i(f->inode)->pid;
}

const struct proc_entry proc_pid_dir_entry = {
	.name = "<pid>",
	.mode = S_IFDIR | 0555,
	.iops = &proc_pid_dir_iops,
	.fops = &proc_pid_dir_fops,
};

const struct proc_entry proc_tid_dir_entry = {
	.name = "<tid>",
	.mode = S_IFDIR | 0555,
	.iops = &proc_pid_dir_iops,
	.fops = &proc_pid_dir_fops,
};
