/* Signals: handlers with SA_SIGINFO and the ucontext Linux lays out, faults as signals with
 * si_addr, SA_RESETHAND, SA_NODEFER, masks during handlers, sigaltstack surviving a stack
 * overflow, kill/raise/tgkill rules, SIGCHLD, wait4 statuses of children killed by signals,
 * stop/continue, EINTR and SA_RESTART, alarm and setitimer, sigsuspend, and hostile
 * rt_sigreturn frames that must leave the kernel alive. */
#define _GNU_SOURCE
#include "test.h"
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>

static volatile sig_atomic_t hits, depth, max_depth;
static volatile int got_sig, got_code, got_pid, got_status;
static volatile uintptr_t got_addr;
static volatile long got_trapno, got_rip_ok;
static sigjmp_buf jb;

static void set_handler(int sig, void (*fn)(int, siginfo_t *, void *), int flags, sigset_t *mask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	if (mask)
		sa.sa_mask = *mask;
	sigaction(sig, &sa, NULL);
}

static void set_default(int sig)
{
	signal(sig, SIG_DFL);
}

static void on_info(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	hits++;
	got_sig = sig;
	got_code = si->si_code;
	got_pid = si->si_pid;
	got_status = si->si_status;
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;
	got_sig = sig;
	got_code = si->si_code;
	got_addr = (uintptr_t)si->si_addr;
	got_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	got_rip_ok = uc->uc_mcontext.gregs[REG_RIP] != 0 && uc->uc_mcontext.fpregs != NULL;
	siglongjmp(jb, 1);
}

static void blocked_set(sigset_t *s)
{
	sigprocmask(SIG_BLOCK, NULL, s);
}

static volatile int mask_ok;
static void on_check_mask(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	sigset_t s;
	blocked_set(&s);
	mask_ok = sigismember(&s, sig) && sigismember(&s, SIGUSR2) && !sigismember(&s, SIGINT);
	hits++;
}

static void on_recurse(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	depth++;
	if (depth > max_depth)
		max_depth = depth;
	hits++;
	if (hits == 1)
		raise(sig);
	depth--;
}

static void test_basic(void)
{
	set_handler(SIGUSR1, on_info, 0, NULL);
	hits = 0;
	raise(SIGUSR1);
	CHECK("raise-siginfo", hits == 1 && got_sig == SIGUSR1 && got_code == SI_TKILL &&
				       got_pid == getpid());
	hits = 0;
	kill(getpid(), SIGUSR1);
	CHECK("kill-self-si-user", hits == 1 && got_code == SI_USER && got_pid == getpid());
	set_default(SIGUSR1);
}

static void test_faults(void)
{
	set_handler(SIGSEGV, on_fault, 0, NULL);
	got_sig = 0;
	if (!sigsetjmp(jb, 1))
		*(volatile int *)0x1008 = 1;
	CHECK("segv-si-addr", got_sig == SIGSEGV && got_addr == 0x1008 &&
				      got_code == SEGV_MAPERR && got_trapno == 14 && got_rip_ok);
	set_default(SIGSEGV);

	set_handler(SIGILL, on_fault, 0, NULL);
	got_sig = 0;
	volatile uintptr_t ud2_at = 0;
	if (!sigsetjmp(jb, 1)) {
		__asm__ volatile("lea 1f(%%rip), %0\n1: ud2" : "=r"(ud2_at));
	}
	CHECK("sigill-ud2", got_sig == SIGILL && got_code == ILL_ILLOPN && got_trapno == 6);
	set_default(SIGILL);

	set_handler(SIGFPE, on_fault, 0, NULL);
	got_sig = 0;
	if (!sigsetjmp(jb, 1)) {
		volatile int zero = 0, x = 7;
		x = x / zero;
	}
	CHECK("sigfpe-div0", got_sig == SIGFPE && got_code == FPE_INTDIV && got_trapno == 0);
	set_default(SIGFPE);
}

static void test_handler_flags(void)
{
	set_handler(SIGUSR1, on_info, SA_RESETHAND, NULL);
	hits = 0;
	raise(SIGUSR1);
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	CHECK("sa-resethand", hits == 1 && old.sa_handler == SIG_DFL);

	hits = depth = max_depth = 0;
	set_handler(SIGUSR1, on_recurse, SA_NODEFER, NULL);
	raise(SIGUSR1);
	CHECK("sa-nodefer-nests", hits == 2 && max_depth == 2);

	hits = depth = max_depth = 0;
	set_handler(SIGUSR1, on_recurse, 0, NULL);
	raise(SIGUSR1);
	CHECK("deferred-no-nesting", hits == 2 && max_depth == 1);

	sigset_t m;
	sigemptyset(&m);
	sigaddset(&m, SIGUSR2);
	set_handler(SIGUSR1, on_check_mask, 0, &m);
	mask_ok = 0;
	raise(SIGUSR1);
	sigset_t after;
	blocked_set(&after);
	CHECK("mask-during-handler", mask_ok && !sigismember(&after, SIGUSR1) &&
					     !sigismember(&after, SIGUSR2));
	set_default(SIGUSR1);
}

static void test_masks(void)
{
	set_handler(SIGUSR2, on_info, 0, NULL);
	sigset_t s, old, pend;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, &old);
	hits = 0;
	raise(SIGUSR2);
	sigpending(&pend);
	bool held = hits == 0 && sigismember(&pend, SIGUSR2);
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK("blocked-then-delivered", held && hits == 1);

	sigfillset(&s);
	sigprocmask(SIG_SETMASK, &s, &old);
	sigset_t now;
	blocked_set(&now);
	sigprocmask(SIG_SETMASK, &old, NULL);
	CHECK("kill-stop-unblockable", !sigismember(&now, SIGKILL) && !sigismember(&now, SIGSTOP) &&
					       sigismember(&now, SIGTERM));

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	errno = 0;
	CHECK("sigkill-not-catchable", sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("sigstop-not-ignorable", sigaction(SIGSTOP, &sa, NULL) == -1 && errno == EINVAL);
	uint64_t raw = 0;
	errno = 0;
	CHECK("sigsetsize-must-be-8",
	      syscall(SYS_rt_sigprocmask, SIG_BLOCK, &raw, NULL, 4) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("sigprocmask-bad-how",
	      syscall(SYS_rt_sigprocmask, 7, &raw, NULL, 8) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("sigaction-efault",
	      syscall(SYS_rt_sigaction, SIGUSR1, (void *)0xffffffff80000000UL, NULL, 8) == -1 &&
		      errno == EFAULT);
	set_default(SIGUSR2);
}

static void test_kill_rules(void)
{
	errno = 0;
	CHECK("kill-sig0-exists", kill(getpid(), 0) == 0);
	errno = 0;
	CHECK("kill-esrch", kill(30000, 0) == -1 && errno == ESRCH);
	errno = 0;
	CHECK("kill-einval", kill(getpid(), 65) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("tgkill-wrong-tgid", syscall(SYS_tgkill, getpid() + 1, gettid(), 0) == -1 &&
					   errno == ESRCH);
	errno = 0;
	CHECK("tgkill-einval", syscall(SYS_tgkill, -1, gettid(), 0) == -1 && errno == EINVAL);
	CHECK("tgkill-self-sig0", syscall(SYS_tgkill, getpid(), gettid(), 0) == 0);
}

/* Child: an alternate stack, then unbounded recursion; the SIGSEGV handler runs there. */
static char *alt_base;
static void on_overflow(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	char here;
	_exit((&here > alt_base && &here < alt_base + SIGSTKSZ) ? 42 : 43);
}

/* Opaque to the compiler's infinite-recursion check: the point is to overflow the stack. */
static volatile int keep_going = 1;

static int recurse(int n)
{
	volatile char pad[512];
	pad[0] = (char)n;
	if (!keep_going)
		return pad[0];
	return recurse(n + 1) + pad[0];
}

static void test_altstack(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		alt_base = malloc(SIGSTKSZ);
		stack_t ss = { .ss_sp = alt_base, .ss_size = SIGSTKSZ, .ss_flags = 0 };
		if (sigaltstack(&ss, NULL))
			_exit(1);
		set_handler(SIGSEGV, on_overflow, SA_ONSTACK, NULL);
		recurse(0);
		_exit(2);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	CHECK("altstack-survives-overflow", WIFEXITED(st) && WEXITSTATUS(st) == 42);

	stack_t ss = { .ss_sp = malloc(SIGSTKSZ), .ss_size = 100, .ss_flags = 0 }, old;
	errno = 0;
	CHECK("altstack-too-small", sigaltstack(&ss, NULL) == -1 && errno == ENOMEM);
	ss.ss_flags = 99;
	ss.ss_size = SIGSTKSZ;
	errno = 0;
	CHECK("altstack-bad-flags", sigaltstack(&ss, NULL) == -1 && errno == EINVAL);
	ss.ss_flags = SS_DISABLE;
	CHECK("altstack-disable", sigaltstack(&ss, NULL) == 0 && sigaltstack(NULL, &old) == 0 &&
					  (old.ss_flags & SS_DISABLE));
}

static void test_children(void)
{
	set_handler(SIGCHLD, on_info, 0, NULL);
	hits = 0;
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	int st;
	while (!hits)
		usleep(1000);
	CHECK("sigchld-on-exit", got_sig == SIGCHLD && got_pid == pid && got_code == CLD_EXITED &&
					 got_status == 7);
	waitpid(pid, &st, 0);
	set_default(SIGCHLD);

	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	kill(pid, SIGKILL);
	CHECK("wait-killed-by-sigkill", waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
						WTERMSIG(st) == SIGKILL);

	pid = fork();
	if (pid == 0) {
		*(volatile int *)0 = 1;
		_exit(0);
	}
	CHECK("wait-killed-by-sigsegv", waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
						WTERMSIG(st) == SIGSEGV);

	pid = fork();
	if (pid == 0) { /* a blocked fault signal cannot be held off: it kills */
		sigset_t s;
		sigemptyset(&s);
		sigaddset(&s, SIGSEGV);
		sigprocmask(SIG_BLOCK, &s, NULL);
		*(volatile int *)0 = 1;
		_exit(0);
	}
	CHECK("blocked-fault-kills", waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
					     WTERMSIG(st) == SIGSEGV);

	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	kill(pid, SIGSTOP);
	bool stopped = waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) &&
		       WSTOPSIG(st) == SIGSTOP;
	kill(pid, SIGCONT);
	bool cont = waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st);
	kill(pid, SIGTERM);
	bool term = waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM;
	CHECK("stop-continue-term", stopped && cont && term);

	signal(SIGCHLD, SIG_IGN);
	pid = fork();
	if (pid == 0)
		_exit(3);
	errno = 0;
	int r = waitpid(pid, &st, 0);
	CHECK("sigchld-ign-autoreaps", r == -1 && errno == ECHILD);
	set_default(SIGCHLD);
}

static void on_alarm(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)si, (void)uc;
	hits++;
}

static void arm_ms(long ms, long interval_ms)
{
	struct itimerval it = { { interval_ms / 1000, (interval_ms % 1000) * 1000 },
				{ ms / 1000, (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static volatile int restart_budget;
static void on_alarm_restart(int sig, siginfo_t *si, void *uc)
{
	(void)si, (void)uc;
	hits++;
	if (--restart_budget == 0) /* from now on the next alarm interrupts read for good */
		set_handler(sig, on_alarm, 0, NULL);
}

static void test_eintr_restart(void)
{
	set_handler(SIGALRM, on_alarm, 0, NULL);
	hits = 0;
	arm_ms(50, 0);
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	errno = 0;
	int r = nanosleep(&req, &rem);
	CHECK("nanosleep-eintr", r == -1 && errno == EINTR && hits == 1 && rem.tv_sec >= 3);

	hits = 0;
	restart_budget = 3;
	set_handler(SIGALRM, on_alarm_restart, SA_RESTART, NULL);
	arm_ms(30, 30);
	char c;
	errno = 0;
	r = (int)read(0, &c, 1);
	arm_ms(0, 0);
	CHECK("sa-restart-read", r == -1 && errno == EINTR && hits >= 4);

	set_handler(SIGALRM, on_alarm, 0, NULL);
	hits = 0;
	unsigned prev = alarm(1);
	errno = 0;
	r = pause();
	CHECK("alarm-pause", prev == 0 && r == -1 && errno == EINTR && hits == 1);
	alarm(5);
	CHECK("alarm-reports-left", alarm(0) == 5);

	struct itimerval it = { { 0, 0 }, { 2, 0 } }, old;
	setitimer(ITIMER_REAL, &it, NULL);
	getitimer(ITIMER_REAL, &old);
	arm_ms(0, 0);
	CHECK("getitimer", old.it_value.tv_sec == 1 || (old.it_value.tv_sec == 2 &&
							   old.it_value.tv_usec == 0));
	errno = 0;
	it.it_value.tv_usec = 1000000;
	CHECK("setitimer-einval", setitimer(ITIMER_REAL, &it, NULL) == -1 && errno == EINVAL);
	set_default(SIGALRM);
}

static void test_sigsuspend(void)
{
	set_handler(SIGUSR1, on_info, 0, NULL);
	sigset_t block, old, empty;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	hits = 0;
	pid_t pid = fork();
	if (pid == 0) {
		usleep(20000);
		kill(getppid(), SIGUSR1);
		_exit(0);
	}
	sigemptyset(&empty);
	errno = 0;
	int r = sigsuspend(&empty);
	sigset_t now;
	blocked_set(&now);
	CHECK("sigsuspend", r == -1 && errno == EINTR && hits == 1 && sigismember(&now, SIGUSR1));
	sigprocmask(SIG_SETMASK, &old, NULL);
	waitpid(pid, NULL, 0);
	set_default(SIGUSR1);
}

/* Hostile rt_sigreturn frames: garbage flags and selectors are sanitized; a bad FPU image or
 * no frame at all ends in SIGSEGV; the kernel survives all of it. */
static void on_corrupt_flags(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	ucontext_t *uc = ucv;
	/* IOPL 3, NT, VM, VIF, VIP, ID and every reserved bit; not TF, DF or AC, which user mode
	 * may legitimately set (and which would trap or upset the C library, as on Linux). */
	uc->uc_mcontext.gregs[REG_EFL] = (greg_t)~0x40500ULL;
	uc->uc_mcontext.gregs[REG_CSGSFS] = 0x0008; /* the kernel's code segment */
}

/* The same flags, with rcx = rip and r11 = rflags as a SYSRET return would want them: neither
 * sigreturn's own sanitising nor the exit path's RFLAGS mask may let them through. The
 * interrupted point is raise()'s system call, after which rcx and r11 hold nothing anyway. */
static void on_corrupt_flags_sysret(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	ucontext_t *uc = ucv;
	uc->uc_mcontext.gregs[REG_EFL] = (greg_t)~0x50500ULL; /* RF too: SYSRET refuses it */
	uc->uc_mcontext.gregs[REG_R11] = uc->uc_mcontext.gregs[REG_EFL];
	uc->uc_mcontext.gregs[REG_RCX] = uc->uc_mcontext.gregs[REG_RIP];
}

static void on_corrupt_fpu(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	ucontext_t *uc = ucv;
	uc->uc_mcontext.fpregs->mxcsr = 0xffffffff; /* reserved bits: #GP if loaded */
}

static void on_corrupt_rip(int sig, siginfo_t *si, void *ucv)
{
	(void)sig, (void)si;
	ucontext_t *uc = ucv;
	uc->uc_mcontext.gregs[REG_RIP] = 0x8000000000000000UL; /* non-canonical */
}

static int child_status(void (*body)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		body();
		_exit(0);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	return st;
}

/* Exits 0 when the flags and code segment the handler forged did not reach user mode. */
static void flags_after(void (*handler)(int, siginfo_t *, void *))
{
	set_handler(SIGUSR1, handler, 0, NULL);
	raise(SIGUSR1);
	uint64_t fl;
	uint16_t cs;
	__asm__ volatile("pushfq; popq %0; mov %%cs, %1" : "=r"(fl), "=r"(cs));
	bool sane = (fl & 0x200) && !(fl & 0x3000) && !(fl & 0x4000) && !(fl & 0x20000) &&
		    (cs & 3) == 3;
	_exit(sane ? 0 : 10);
}

static void body_flags(void)
{
	flags_after(on_corrupt_flags);
}

static void body_flags_sysret(void)
{
	flags_after(on_corrupt_flags_sysret);
}

static void body_fpu(void)
{
	set_handler(SIGUSR1, on_corrupt_fpu, 0, NULL);
	raise(SIGUSR1);
	_exit(11); /* not reached: the bad image must be refused */
}

static void body_rip(void)
{
	set_handler(SIGUSR1, on_corrupt_rip, 0, NULL);
	raise(SIGUSR1);
	_exit(12);
}

static void body_no_frame(void)
{
	/* rt_sigreturn with rsp pointing at nothing mapped. */
	__asm__ volatile("mov $0x1000, %%rsp\n mov %0, %%eax\n syscall" ::"i"(SYS_rt_sigreturn)
			 : "memory");
	_exit(13);
}

static void body_kernel_frame(void)
{
	__asm__ volatile("mov $0xffffffff80001000, %%rsp\n mov %0, %%eax\n syscall"
			 ::"i"(SYS_rt_sigreturn) : "memory");
	_exit(14);
}

static void test_hostile_sigreturn(void)
{
	int st = child_status(body_flags);
	test_result("sigreturn-garbage-flags-cs", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "status %#x", st);
	st = child_status(body_flags_sysret);
	test_result("sigreturn-garbage-flags-sysret", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "status %#x", st);
	st = child_status(body_fpu);
	CHECK("sigreturn-bad-mxcsr-segv", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	st = child_status(body_rip);
	CHECK("sigreturn-noncanonical-rip", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	st = child_status(body_no_frame);
	CHECK("sigreturn-no-frame-segv", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
	st = child_status(body_kernel_frame);
	CHECK("sigreturn-kernel-frame-segv", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
}

int main(void)
{
	test_begin("signals");
	test_basic();
	test_faults();
	test_handler_flags();
	test_masks();
	test_kill_rules();
	test_altstack();
	test_children();
	test_eintr_restart();
	test_sigsuspend();
	test_hostile_sigreturn();
	CHECK("kernel-alive", getpid() > 0);
	test_end();
}
