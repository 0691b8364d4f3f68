/* POSIX timers (timer_create(2), timer_settime(2), timer_getoverrun(2), timer_delete(2)), by
 * their system calls: the default sigevent, SIGEV_SIGNAL's siginfo (SI_TIMER, si_timerid,
 * si_value), SIGEV_NONE, SIGEV_THREAD_ID, TIMER_ABSTIME, intervals and overruns, the CPU-time
 * clocks, ignored signals, fork and exec, and the errors. */
#define _GNU_SOURCE
#include "test.h"
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#define MS 1000000L

static long t_create(int clock, struct sigevent *ev, int *id)
{
	return sys_res(syscall(SYS_timer_create, clock, ev, id));
}

static long t_set(int id, int flags, long value_ns, long interval_ns, struct itimerspec *old)
{
	struct itimerspec its = { { interval_ns / 1000000000L, interval_ns % 1000000000L },
				  { value_ns / 1000000000L, value_ns % 1000000000L } };
	return sys_res(syscall(SYS_timer_settime, id, flags, &its, old));
}

static long t_get(int id, struct itimerspec *cur)
{
	return sys_res(syscall(SYS_timer_gettime, id, cur));
}

static long t_del(int id)
{
	return sys_res(syscall(SYS_timer_delete, id));
}

static long ns_of(const struct timespec *ts)
{
	return ts->tv_sec * 1000000000L + ts->tv_nsec;
}

static long now_ns(int clock)
{
	struct timespec ts;
	clock_gettime(clock, &ts);
	return ns_of(&ts);
}

/* Wait up to ms for sig (blocked by the caller); its siginfo in *si. */
static bool wait_sig(int sig, int ms, siginfo_t *si)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	struct timespec ts = { ms / 1000, (ms % 1000) * MS };
	return sigtimedwait(&set, si, &ts) == sig;
}

static void block(int sig)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

static struct sigevent sev(int notify, int sig, long value)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = notify;
	ev.sigev_signo = sig;
	ev.sigev_value.sival_ptr = (void *)value;
	return ev;
}

static void test_default(void)
{
	int id = -1;
	siginfo_t si;
	EXPECT("create_default", t_create(CLOCK_MONOTONIC, NULL, &id), 0);
	EXPECT("settime_rel", t_set(id, 0, 20 * MS, 0, NULL), 0);
	bool got = wait_sig(SIGALRM, 2000, &si);
	CHECK("default_sigalrm", got);
	CHECK("default_siginfo", got && si.si_code == SI_TIMER && si.si_timerid == id &&
					 si.si_value.sival_int == id && si.si_overrun == 0);
	struct itimerspec cur;
	CHECK("expired_one_shot_disarmed",
	      t_get(id, &cur) == 0 && ns_of(&cur.it_value) == 0 && ns_of(&cur.it_interval) == 0);
	EXPECT("delete", t_del(id), 0);
	EXPECT("delete_again", t_del(id), -EINVAL);
	EXPECT("gettime_deleted", t_get(id, &cur), -EINVAL);
}

static void test_signal(void)
{
	int id = -1;
	siginfo_t si;
	struct sigevent ev = sev(SIGEV_SIGNAL, SIGUSR1, 0x1234567890L);
	EXPECT("create_sigusr1", t_create(CLOCK_REALTIME, &ev, &id), 0);
	struct itimerspec old, cur;
	EXPECT("settime_10s", t_set(id, 0, 10000 * MS, 3000 * MS, NULL), 0);
	CHECK("gettime_armed", t_get(id, &cur) == 0 && ns_of(&cur.it_value) > 9000 * MS &&
				       ns_of(&cur.it_value) <= 10000 * MS &&
				       ns_of(&cur.it_interval) == 3000 * MS);
	EXPECT("settime_again", t_set(id, 0, 10 * MS, 0, &old), 0);
	CHECK("old_value", ns_of(&old.it_value) > 9000 * MS && ns_of(&old.it_interval) == 3000 * MS);
	bool got = wait_sig(SIGUSR1, 2000, &si);
	CHECK("sigusr1_siginfo", got && si.si_code == SI_TIMER && si.si_timerid == id &&
					 si.si_value.sival_ptr == (void *)0x1234567890L);
	EXPECT("settime_disarm", t_set(id, 0, 5000 * MS, 0, NULL), 0);
	EXPECT("settime_zero", t_set(id, 0, 0, 1000 * MS, &old), 0);
	CHECK("disarmed", t_get(id, &cur) == 0 && ns_of(&cur.it_value) == 0 &&
				  ns_of(&cur.it_interval) == 0 && ns_of(&old.it_value) > 4000 * MS);
	t_del(id);
}

static void test_abstime(void)
{
	int id = -1;
	siginfo_t si;
	struct sigevent ev = sev(SIGEV_SIGNAL, SIGUSR1, 0);
	t_create(CLOCK_MONOTONIC, &ev, &id);
	long start = now_ns(CLOCK_MONOTONIC);
	EXPECT("settime_abs", t_set(id, TIMER_ABSTIME, start + 30 * MS, 0, NULL), 0);
	bool got = wait_sig(SIGUSR1, 2000, &si);
	CHECK("abs_fires_on_time", got && now_ns(CLOCK_MONOTONIC) >= start + 30 * MS);
	EXPECT("settime_abs_past", t_set(id, TIMER_ABSTIME, 1, 0, NULL), 0);
	CHECK("abs_past_fires", wait_sig(SIGUSR1, 2000, &si));
	t_del(id);
	t_create(CLOCK_REALTIME, &ev, &id);
	start = now_ns(CLOCK_REALTIME);
	EXPECT("settime_abs_realtime", t_set(id, TIMER_ABSTIME, start + 20 * MS, 0, NULL), 0);
	CHECK("abs_realtime_fires", wait_sig(SIGUSR1, 2000, &si) &&
					    now_ns(CLOCK_REALTIME) >= start + 20 * MS);
	t_del(id);
}

static void test_none(void)
{
	int id = -1;
	struct sigevent ev = sev(SIGEV_NONE, 0, 0);
	struct itimerspec cur;
	EXPECT("create_none", t_create(CLOCK_MONOTONIC, &ev, &id), 0);
	t_set(id, 0, 5 * MS, 0, NULL);
	usleep(20000);
	CHECK("none_one_shot_expired",
	      t_get(id, &cur) == 0 && ns_of(&cur.it_value) == 0 && ns_of(&cur.it_interval) == 0);
	t_set(id, 0, 5 * MS, 10 * MS, NULL);
	usleep(30000);
	CHECK("none_periodic_goes_on", t_get(id, &cur) == 0 && ns_of(&cur.it_value) > 0 &&
					       ns_of(&cur.it_value) <= 10 * MS &&
					       ns_of(&cur.it_interval) == 10 * MS);
	EXPECT("none_overrun", sys_res(syscall(SYS_timer_getoverrun, id)), 0);
	t_del(id);
}

/* A 1 ms timer whose signal stays blocked 60 ms: one signal, the rest overruns. */
static void test_overrun(void)
{
	int id = -1;
	siginfo_t si;
	struct sigevent ev = sev(SIGEV_SIGNAL, SIGRTMIN, 0);
	t_create(CLOCK_MONOTONIC, &ev, &id);
	t_set(id, 0, 1 * MS, 1 * MS, NULL);
	usleep(60000);
	bool got = wait_sig(SIGRTMIN, 1000, &si);
	long orun = sys_res(syscall(SYS_timer_getoverrun, id));
	CHECK("overrun_counted", got && si.si_overrun >= 30 && si.si_overrun <= 200);
	CHECK("getoverrun_matches", got && orun == si.si_overrun);
	struct itimerspec cur;
	CHECK("periodic_armed", t_get(id, &cur) == 0 && ns_of(&cur.it_value) > 0 &&
					ns_of(&cur.it_value) <= 1 * MS);
	t_del(id);
	struct timespec zero = { 0, 0 };
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	CHECK("deleted_timer_signal_gone", sigtimedwait(&set, &si, &zero) < 0 && errno == EAGAIN);
}

static volatile sig_atomic_t cpu_fired;

static void on_usr2(int sig)
{
	(void)sig;
	cpu_fired = 1;
}

static void test_cpu_clock(const char *name, int clock)
{
	int id = -1;
	struct sigevent ev = sev(SIGEV_SIGNAL, SIGUSR2, 0);
	cpu_fired = 0;
	signal(SIGUSR2, on_usr2);
	long start = now_ns(clock);
	bool ok = t_create(clock, &ev, &id) == 0 && t_set(id, 0, 30 * MS, 0, NULL) == 0;
	long wall = now_ns(CLOCK_MONOTONIC);
	while (ok && !cpu_fired && now_ns(CLOCK_MONOTONIC) - wall < 3000 * MS)
		;
	test_result(name, ok && cpu_fired && now_ns(clock) - start >= 30 * MS,
		    "ok %d fired %d after %ld ns of CPU", ok, cpu_fired, now_ns(clock) - start);
	t_del(id);
	signal(SIGUSR2, SIG_DFL);
}

static int target_tid;
static siginfo_t thread_si;
static bool thread_got;

static void *sig_thread(void *arg)
{
	(void)arg;
	__atomic_store_n(&target_tid, gettid(), __ATOMIC_RELEASE);
	thread_got = wait_sig(SIGUSR1, 2000, &thread_si);
	return NULL;
}

static void test_thread_id(void)
{
	pthread_t th;
	pthread_create(&th, NULL, sig_thread, NULL);
	while (!__atomic_load_n(&target_tid, __ATOMIC_ACQUIRE))
		sched_yield();
	int id = -1;
	struct sigevent ev = sev(SIGEV_THREAD_ID, SIGUSR1, 7);
	ev.sigev_notify_thread_id = target_tid;
	EXPECT("create_thread_id", t_create(CLOCK_MONOTONIC, &ev, &id), 0);
	t_set(id, 0, 10 * MS, 0, NULL);
	pthread_join(th, NULL);
	CHECK("thread_id_signal", thread_got && thread_si.si_code == SI_TIMER &&
					  thread_si.si_timerid == id &&
					  thread_si.si_value.sival_int == 7);
	t_del(id);
	ev.sigev_notify_thread_id = getppid();
	EXPECT("thread_id_other_process", t_create(CLOCK_MONOTONIC, &ev, &id), -EINVAL);
}

/* A periodic timer whose signal is ignored keeps going; a handler installed later gets it. */
static void test_ignored(void)
{
	int id = -1;
	siginfo_t si;
	struct sigevent ev = sev(SIGEV_SIGNAL, SIGUSR2, 0);
	signal(SIGUSR2, SIG_IGN);
	t_create(CLOCK_MONOTONIC, &ev, &id);
	t_set(id, 0, 1 * MS, 1 * MS, NULL);
	usleep(20000);
	signal(SIGUSR2, on_usr2); /* still blocked: sigtimedwait takes it */
	CHECK("ignored_then_caught", wait_sig(SIGUSR2, 2000, &si) && si.si_timerid == id);
	/* A pending timer signal dropped by SIG_IGN: the timer still goes on. */
	usleep(5000);
	signal(SIGUSR2, SIG_IGN);
	signal(SIGUSR2, on_usr2);
	CHECK("flushed_goes_on", wait_sig(SIGUSR2, 2000, &si) && si.si_timerid == id);
	t_del(id);
	signal(SIGUSR2, SIG_DFL);
}

static void test_errors(void)
{
	int id = -1;
	struct sigevent ev = sev(SIGEV_SIGNAL, SIGUSR1, 0);
	EXPECT("bad_clock", t_create(-1, &ev, &id), -EINVAL);
	EXPECT("bad_clock_big", t_create(64, &ev, &id), -EINVAL);
	EXPECT("clock_raw_no_timers", t_create(CLOCK_MONOTONIC_RAW, &ev, &id), -EOPNOTSUPP);
	EXPECT("bad_sigevent_ptr", t_create(CLOCK_REALTIME, UNMAPPED_PTR, &id), -EFAULT);
	EXPECT("bad_id_ptr", t_create(CLOCK_REALTIME, &ev, UNMAPPED_PTR), -EFAULT);
	struct sigevent bad = sev(99, SIGUSR1, 0);
	EXPECT("bad_notify", t_create(CLOCK_REALTIME, &bad, &id), -EINVAL);
	bad = sev(SIGEV_SIGNAL, 0, 0);
	EXPECT("bad_signo_0", t_create(CLOCK_REALTIME, &bad, &id), -EINVAL);
	bad = sev(SIGEV_SIGNAL, 65, 0);
	EXPECT("bad_signo_65", t_create(CLOCK_REALTIME, &bad, &id), -EINVAL);
	EXPECT("create", t_create(CLOCK_REALTIME, &ev, &id), 0);
	EXPECT("settime_null", sys_res(syscall(SYS_timer_settime, id, 0, NULL, NULL)), -EINVAL);
	EXPECT("settime_bad_ptr", sys_res(syscall(SYS_timer_settime, id, 0, UNMAPPED_PTR, NULL)),
	       -EFAULT);
	struct itimerspec its = { { 0, 0 }, { 1, -1 } };
	EXPECT("settime_neg_nsec", sys_res(syscall(SYS_timer_settime, id, 0, &its, NULL)), -EINVAL);
	its.it_value.tv_nsec = 1000000000L;
	EXPECT("settime_big_nsec", sys_res(syscall(SYS_timer_settime, id, 0, &its, NULL)), -EINVAL);
	its = (struct itimerspec){ { 0, 1000000000L }, { 1, 0 } };
	EXPECT("settime_bad_interval", sys_res(syscall(SYS_timer_settime, id, 0, &its, NULL)),
	       -EINVAL);
	EXPECT("settime_bad_id", t_set(id + 1000, 0, MS, 0, NULL), -EINVAL);
	EXPECT("settime_bad_old", sys_res(syscall(SYS_timer_settime, id, 0,
						  &(struct itimerspec){ { 0, 0 }, { 0, 0 } },
						  UNMAPPED_PTR)),
	       -EFAULT);
	EXPECT("gettime_bad_ptr", sys_res(syscall(SYS_timer_gettime, id, UNMAPPED_PTR)), -EFAULT);
	EXPECT("gettime_bad_id", t_get(-1, NULL), -EINVAL);
	EXPECT("getoverrun_bad_id", sys_res(syscall(SYS_timer_getoverrun, -5)), -EINVAL);
	EXPECT("getoverrun_fresh", sys_res(syscall(SYS_timer_getoverrun, id)), 0);
	EXPECT("delete_bad_id", t_del(id + 1000), -EINVAL);
	t_del(id);
}

static volatile int thread_notified;

static void notified(union sigval v)
{
	thread_notified = v.sival_int;
}

/* musl's SIGEV_THREAD: a helper thread woken by a SIGEV_THREAD_ID signal runs the function. */
static void test_libc_sigev_thread(void)
{
	struct sigevent ev;
	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = notified;
	ev.sigev_value.sival_int = 42;
	timer_t t;
	struct itimerspec its = { { 0, 0 }, { 0, 10 * MS } };
	bool ok = timer_create(CLOCK_MONOTONIC, &ev, &t) == 0 && timer_settime(t, 0, &its, NULL) == 0;
	long start = now_ns(CLOCK_MONOTONIC);
	while (ok && !thread_notified && now_ns(CLOCK_MONOTONIC) - start < 3000 * MS)
		usleep(1000);
	test_result("libc_sigev_thread", ok && thread_notified == 42, "ok %d notified %d", ok,
		    thread_notified);
	if (ok)
		timer_delete(t);
}

/* /proc/self/timers: Linux's lines per timer. */
static void test_proc_timers(void)
{
	int id = -1;
	struct sigevent ev = sev(SIGEV_NONE, 0, 0);
	t_create(CLOCK_MONOTONIC, &ev, &id);
	char text[1024], want[128];
	test_read_text("/proc/self/timers", text, sizeof(text));
	snprintf(want, sizeof(want), "ID: %d\nsignal: 0/0000000000000000\nnotify: none/pid.%d\n"
		 "ClockID: 1\n", id, getpid());
	test_result("proc_timers", strstr(text, want) != NULL, "got \"%s\"", text);
	t_del(id);
}

/* Timers are not inherited by fork and are deleted by exec. */
static void test_fork_exec(const char *self)
{
	int id = -1;
	struct sigevent ev = sev(SIGEV_NONE, 0, 0);
	t_create(CLOCK_MONOTONIC, &ev, &id);
	t_set(id, 0, 10000 * MS, 0, NULL);
	pid_t pid = fork();
	if (pid == 0) {
		struct itimerspec cur;
		_exit(t_get(id, &cur) == -EINVAL ? 0 : 1);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	CHECK("fork_not_inherited", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	pid = fork();
	if (pid == 0) {
		char arg[16];
		snprintf(arg, sizeof(arg), "%d", id);
		execl(self, self, "exec-check", arg, (char *)NULL);
		_exit(2);
	}
	waitpid(pid, &st, 0);
	CHECK("exec_deletes", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	t_del(id);
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "exec-check")) {
		struct itimerspec cur;
		return t_get(atoi(argv[2]), &cur) == -EINVAL ? 0 : 1;
	}
	test_begin("posix_timer");
	block(SIGALRM);
	block(SIGUSR1);
	block(SIGRTMIN);
	test_default();
	test_signal();
	test_abstime();
	test_none();
	test_overrun();
	test_cpu_clock("cpu_process_clock", CLOCK_PROCESS_CPUTIME_ID);
	test_cpu_clock("cpu_thread_clock", CLOCK_THREAD_CPUTIME_ID);
	block(SIGUSR2);
	test_ignored();
	test_thread_id();
	test_errors();
	test_libc_sigev_thread();
	test_proc_timers();
	test_fork_exec(argv[0]);
	test_end();
}
