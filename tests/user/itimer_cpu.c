/* ITIMER_VIRTUAL and ITIMER_PROF (setitimer(2)): they count the process's CPU time (user time;
 * user and system time), not the time it sleeps; SIGVTALRM/SIGPROF when they expire, reloaded
 * from the interval; the old value returned; not inherited by fork. Waits are bounded by the
 * monotonic clock. Expectations are Linux's: runs on the host too. */
#include "test.h"
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#define MS 1000
#define WAIT_LIMIT_S 10

static volatile sig_atomic_t vtalrms, profs;

static void on_signal(int sig)
{
	if (sig == SIGVTALRM)
		vtalrms++;
	else
		profs++;
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Burn CPU in user mode until *count reaches want or the time limit passes. */
static bool spin_until(volatile sig_atomic_t *count, int want)
{
	double end = now_s() + WAIT_LIMIT_S;
	volatile unsigned long x = 0;
	while (*count < want && now_s() < end)
		for (int i = 0; i < 100000; i++)
			x += (unsigned long)i;
	return *count >= want;
}

static struct itimerval ms(long value_ms, long interval_ms)
{
	struct itimerval v = { { interval_ms / 1000, interval_ms % 1000 * MS },
			       { value_ms / 1000, value_ms % 1000 * MS } };
	return v;
}

static void test_virtual(void)
{
	struct itimerval v = ms(50, 0), old, cur;
	EXPECT("set-virtual", sys_res(setitimer(ITIMER_VIRTUAL, &v, NULL)), 0);
	getitimer(ITIMER_VIRTUAL, &cur);
	/* Linux rounds the value up to its tick (54 ms at HZ=250): within a few ms of it. */
	test_result("armed-value-read-back", cur.it_value.tv_sec == 0 &&
			    cur.it_value.tv_usec > 40 * MS && cur.it_value.tv_usec <= 60 * MS,
		    "%ld.%06ld", (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
	struct timespec nap = { 0, 200 * 1000000L };
	nanosleep(&nap, NULL);
	getitimer(ITIMER_VIRTUAL, &cur);
	test_result("sleep-does-not-count", cur.it_value.tv_usec > 30 * MS,
		    "left %ld us after a 200 ms sleep", (long)cur.it_value.tv_usec);
	test_result("sigvtalrm-on-expiry", spin_until(&vtalrms, 1), "no SIGVTALRM");
	getitimer(ITIMER_VIRTUAL, &cur);
	test_result("one-shot-disarmed", !cur.it_value.tv_sec && !cur.it_value.tv_usec,
		    "%ld us left", (long)cur.it_value.tv_usec);
	v = ms(20, 20);
	setitimer(ITIMER_VIRTUAL, &v, NULL);
	test_result("interval-reloads", spin_until(&vtalrms, 4), "%d signals", (int)vtalrms);
	v = ms(0, 0);
	EXPECT("disarm-returns-old", sys_res(setitimer(ITIMER_VIRTUAL, &v, &old)), 0);
	test_result("old-interval", old.it_interval.tv_usec == 20 * MS, "%ld",
		    (long)old.it_interval.tv_usec);
}

static void test_prof(void)
{
	struct itimerval v = ms(30, 0);
	EXPECT("set-prof", sys_res(setitimer(ITIMER_PROF, &v, NULL)), 0);
	test_result("sigprof-on-expiry", spin_until(&profs, 1), "no SIGPROF");
}

static int child_has_none(void)
{
	struct itimerval cur;
	getitimer(ITIMER_PROF, &cur);
	return cur.it_value.tv_sec || cur.it_value.tv_usec;
}

static void test_fork(void)
{
	struct itimerval v = ms(5000, 0);
	setitimer(ITIMER_PROF, &v, NULL);
	test_in_child("not-inherited-by-fork", child_has_none);
	v = ms(0, 0);
	setitimer(ITIMER_PROF, &v, NULL);
	struct itimerval bad = { { 0, 0 }, { 0, 1000000 } };
	EXPECT("bad-microseconds-einval", sys_res(setitimer(ITIMER_PROF, &bad, NULL)), -EINVAL);
	EXPECT("bad-which-einval", sys_res(setitimer(3, &v, NULL)), -EINVAL);
}

int main(void)
{
	test_begin("itimer_cpu");
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	sigaction(SIGVTALRM, &sa, NULL);
	sigaction(SIGPROF, &sa, NULL);
	test_virtual();
	test_prof();
	test_fork();
	test_end();
}
