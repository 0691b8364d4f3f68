/* File locks between processes: two processes contending, F_SETLKW woken by the unlock,
 * EDEADLK between two processes, EINTR and SA_RESTART, SIGKILL of a waiter, release on any
 * close and at exit, no inheritance by fork, kept across exec, processes sharing a counter in
 * the file under each kind of lock, and OFD locks' ownership by the open file description and
 * their conflicts with POSIX locks. Linux's behaviour throughout. */
#include "file_locks.h"
#include <pthread.h>
#include <sched.h>

/* ---- two processes -------------------------------------------------------------------------- */

struct contend {
	int cmd;
	short type;
	int ready_fd; /* written once the child holds what it must before blocking, or -1 */
	int restart; /* -1: no handler; else SA_RESTART or 0 for SIGUSR1 */
	int note_fd; /* the handler writes a byte here (or -1) */
};

/* Child: (own open) try the lock on [0, 10); exit 0 on success, else errno. */
static int contend_child(void *arg)
{
	struct contend *c = arg;
	signal_note_fd = c->note_fd;
	if (c->restart >= 0)
		catch_signal(SIGUSR1, c->restart);
	int fd = lock_open(O_RDWR);
	if (c->ready_fd >= 0) { /* the deadlock case: hold [10, 11) first */
		if (lock_range(fd, F_SETLK, F_WRLCK, 10, 1))
			return 100;
		if (write(c->ready_fd, "x", 1) != 1)
			return 101;
	}
	int r = lock_range(fd, c->cmd, c->type, 0, 10);
	if (r == 0 && c->restart == SA_RESTART && !got_signal)
		return 102; /* the signal must have been handled, then the call restarted */
	return r == 0 ? 0 : errno;
}

static void test_contention(void)
{
	int fd = lock_open(O_RDWR);
	lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
	struct contend c = { F_SETLK, F_WRLCK, -1, -1, -1 };
	int st = run_child(contend_child, &c);
	test_result("setlk_conflict_eagain", st == EAGAIN || st == EACCES, "child got %d", st);
	c.type = F_RDLCK;
	st = run_child(contend_child, &c);
	test_result("setlk_read_vs_write_eagain", st == EAGAIN || st == EACCES, "child got %d", st);
	lock_range(fd, F_SETLK, F_RDLCK, 0, 10);
	VAL("read_vs_read_ok", run_child(contend_child, &c), 0);

	lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
	c = (struct contend){ F_SETLKW, F_WRLCK, -1, -1, -1 };
	pid_t pid = spawn(contend_child, &c);
	CHECK("setlkw_blocks", wait_asleep(pid, SYS_fcntl));
	lock_range(fd, F_SETLK, F_UNLCK, 0, 10);
	VAL("setlkw_woken_by_unlock", reap(pid), 0);

	lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
	c.restart = 0;
	pid = spawn(contend_child, &c);
	bool asleep = wait_asleep(pid, SYS_fcntl);
	kill(pid, SIGUSR1);
	test_result("setlkw_eintr", asleep && reap(pid) == EINTR, "asleep %d", asleep);

	int note[2];
	if (pipe(note))
		return;
	c.restart = SA_RESTART;
	c.note_fd = note[1];
	pid = spawn(contend_child, &c);
	asleep = wait_asleep(pid, SYS_fcntl);
	kill(pid, SIGUSR1);
	char x;
	/* The handler ran while the lock was still held; the restarted call sleeps again. */
	asleep = asleep && read(note[0], &x, 1) == 1 && wait_asleep(pid, SYS_fcntl);
	lock_range(fd, F_SETLK, F_UNLCK, 0, 10);
	test_result("setlkw_sa_restart", asleep && reap(pid) == 0, "asleep %d", asleep);
	close(note[0]);
	close(note[1]);
	c.note_fd = -1;

	lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
	c.restart = -1;
	pid = spawn(contend_child, &c);
	asleep = wait_asleep(pid, SYS_fcntl);
	kill(pid, SIGKILL);
	test_result("setlkw_sigkill", asleep && reap(pid) == 128 + SIGKILL, "asleep %d", asleep);
	close(fd);
}

static void test_deadlock(void)
{
	int fd = lock_open(O_RDWR), p[2];
	if (pipe(p))
		return;
	lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
	struct contend c = { F_SETLKW, F_WRLCK, p[1], -1, -1 };
	pid_t pid = spawn(contend_child, &c);
	char x;
	bool ready = read(p[0], &x, 1) == 1 && wait_asleep(pid, SYS_fcntl);
	CHECK("deadlock_child_blocked", ready);
	ERR("edeadlk", lock_range(fd, F_SETLKW, F_WRLCK, 10, 1), EDEADLK);
	ERR2("no_deadlock_nonblocking", lock_range(fd, F_SETLK, F_WRLCK, 10, 1), EAGAIN, EACCES);
	lock_range(fd, F_SETLK, F_UNLCK, 0, 10);
	VAL("deadlock_child_gets_lock", reap(pid), 0);
	close(p[0]);
	close(p[1]);
	close(fd);
}

/* A thread blocks in F_SETLKW while its sibling closes the descriptor: once the lock comes,
 * the call undoes it and fails with EBADF (Linux's close/fcntl race rule). */
struct race {
	int fd;
	volatile int tid;
	volatile int result;
};

static void *race_thread(void *arg)
{
	struct race *r = arg;
	r->tid = (int)syscall(SYS_gettid);
	r->result = lock_range(r->fd, F_SETLKW, F_WRLCK, 0, 10) ? errno : 0;
	return NULL;
}

static bool thread_asleep(int tid, long nr)
{
	char path[64], buf[512];
	for (int i = 0; i < ASLEEP_TRIES; i++) {
		snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
		bool in = read_small(path, buf, sizeof(buf)) && strtol(buf, NULL, 10) == nr;
		snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
		const char *p = in && read_small(path, buf, sizeof(buf)) ? strrchr(buf, ')') : NULL;
		if (p && p[1] == ' ' && p[2] == 'S')
			return true;
		usleep(1000);
	}
	return false;
}

static int race_child(void *arg)
{
	int go = *(int *)arg; /* the parent unlocks when this pipe gets a byte */
	struct race r = { .fd = lock_open(O_RDWR) };
	pthread_t th;
	if (pthread_create(&th, NULL, race_thread, &r))
		return 100;
	while (!r.tid)
		sched_yield();
	if (!thread_asleep(r.tid, SYS_fcntl))
		return 101;
	close(r.fd);
	if (write(go, "x", 1) != 1)
		return 102;
	pthread_join(th, NULL);
	if (r.result != EBADF)
		return 103;
	struct flock fl;
	if (!probe(F_GETLK, F_WRLCK, 0, 0, &fl) || fl.l_type != F_UNLCK)
		return 104; /* the lock the thread got must be gone */
	return 0;
}

static void test_close_race(void)
{
	int fd = lock_open(O_RDWR), p[2];
	if (pipe(p))
		return;
	lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
	pid_t pid = spawn(race_child, &p[1]);
	close(p[1]); /* a child that fails early gives EOF, not a hang */
	char x;
	bool told = read(p[0], &x, 1) == 1;
	lock_range(fd, F_SETLK, F_UNLCK, 0, 10);
	int st = reap(pid);
	test_result("setlkw_close_race_ebadf", told && st == 0, "child %d", st);
	close(p[0]);
	close(fd);
}

/* ---- ownership: close, fork, exit, exec ----------------------------------------------------- */

static int fork_child(void *arg)
{
	int fd = *(int *)arg;
	struct flock fl = flock_of(F_WRLCK, 0, 10);
	if (fcntl(fd, F_GETLK, &fl) || fl.l_type != F_WRLCK || fl.l_pid != getppid())
		return 1; /* the parent's lock is not the child's */
	if (lock_range(fd, F_SETLK, F_WRLCK, 0, 10) == 0)
		return 2;
	close(fd); /* not the owner: the parent keeps its lock */
	return 0;
}

static int hold_and_exit(void *arg)
{
	(void)arg;
	return lock_range(lock_open(O_RDWR), F_SETLK, F_WRLCK, 0, 0) ? 1 : 0;
}

static void test_ownership(void)
{
	pid_t me = getpid();
	int fd = lock_open(O_RDWR), fd2 = lock_open(O_RDONLY);
	lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
	close(fd2);
	SEES("close_other_fd_releases", F_GETLK, F_WRLCK, 0, 0, F_UNLCK, 0, 0, 0);
	lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
	int dupfd = dup(fd);
	close(dupfd);
	SEES("close_dup_releases", F_GETLK, F_WRLCK, 0, 0, F_UNLCK, 0, 0, 0);
	lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
	VAL("fork_not_inherited", run_child(fork_child, &fd), 0);
	SEES("child_close_keeps_parent_lock", F_GETLK, F_WRLCK, 0, 0, F_WRLCK, 0, 10, me);
	close(fd);
	VAL("exit_child_locked", run_child(hold_and_exit, NULL), 0);
	fd = lock_open(O_RDWR);
	VAL("exit_releases", lock_range(fd, F_SETLK, F_WRLCK, 0, 0), 0);
	close(fd);
}

/* Exec'd with "hold <fd> <pipe write> <pipe read>": the lock set before exec must still be
 * there; say so, then wait for the parent to close its end. */
static int exec_holder(char **argv)
{
	int wfd = atoi(argv[3]), rfd = atoi(argv[4]);
	char x = 'x';
	if (write(wfd, &x, 1) != 1)
		return 1;
	close(wfd);
	while (read(rfd, &x, 1) > 0)
		;
	return 0;
}

static void test_exec_keeps(const char *self)
{
	int fd = lock_open(O_RDWR), up[2], down[2];
	if (pipe(up) || pipe(down))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		lock_range(fd, F_SETLK, F_WRLCK, 0, 10);
		char a[3][16];
		snprintf(a[0], 16, "%d", fd);
		snprintf(a[1], 16, "%d", up[1]);
		snprintf(a[2], 16, "%d", down[0]);
		execl(self, self, "hold", a[0], a[1], a[2], (char *)NULL);
		_exit(127);
	}
	close(up[1]);
	close(down[0]);
	char x;
	CHECK("exec_child_ready", read(up[0], &x, 1) == 1);
	SEES("exec_keeps_lock", F_GETLK, F_WRLCK, 0, 0, F_WRLCK, 0, 10, pid);
	close(down[1]);
	VAL("exec_child_exit", reap(pid), 0);
	close(up[0]);
	close(fd);
}

/* ---- many processes keeping a counter in the file ------------------------------------------ */

#define COUNTERS 4
#define COUNTER_ROUNDS 50

/* Child: add 1 to the counter at offset 0 COUNTER_ROUNDS times, under F_SETLKW (lock_cmd) or
 * flock (lock_cmd 0). */
static int counter_child(void *arg)
{
	int cmd = *(int *)arg;
	int fd = lock_open(O_RDWR);
	for (int i = 0; i < COUNTER_ROUNDS; i++) {
		if (cmd ? lock_range(fd, cmd, F_WRLCK, 0, 0) : flock(fd, LOCK_EX))
			return 1;
		int v = 0;
		if (pread(fd, &v, sizeof(v), 0) < 0)
			return 2;
		v++;
		if (pwrite(fd, &v, sizeof(v), 0) != sizeof(v))
			return 3;
		if (cmd ? lock_range(fd, F_SETLK, F_UNLCK, 0, 0) : flock(fd, LOCK_UN))
			return 4;
	}
	return 0;
}

static void counter_run(const char *name, int cmd)
{
	int fd = lock_open(O_RDWR | O_TRUNC);
	pid_t pids[COUNTERS];
	for (int i = 0; i < COUNTERS; i++)
		pids[i] = spawn(counter_child, &cmd);
	int bad = 0, v = -1;
	for (int i = 0; i < COUNTERS; i++)
		bad += reap(pids[i]) != 0;
	(void)!pread(fd, &v, sizeof(v), 0);
	test_result(name, !bad && v == COUNTERS * COUNTER_ROUNDS, "%d children failed, counter %d",
		    bad, v);
	close(fd);
}

static void test_counter(void)
{
	counter_run("counter_setlkw", F_SETLKW);
	counter_run("counter_ofd_setlkw", F_OFD_SETLKW);
	counter_run("counter_flock", 0);
}

/* ---- OFD locks ------------------------------------------------------------------------------ */

static int ofd_fork_child(void *arg)
{
	int fd = *(int *)arg; /* the parent's description: the same owner */
	if (lock_range(fd, F_OFD_SETLK, F_WRLCK, 0, 5))
		return 1;
	return lock_range(fd, F_OFD_SETLK, F_UNLCK, 0, 5) ? 2 : 0;
}

static void test_ofd(void)
{
	pid_t me = getpid();
	int a = lock_open(O_RDWR), b = lock_open(O_RDWR);
	VAL("ofd_setlk", lock_range(a, F_OFD_SETLK, F_WRLCK, 0, 10), 0);
	ERR2("ofd_same_process_conflict", lock_range(b, F_OFD_SETLK, F_WRLCK, 5, 1), EAGAIN,
	     EACCES);
	struct flock fl = flock_of(F_RDLCK, 0, 0);
	CHECK("ofd_getlk_pid_minus_1", fcntl(b, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_WRLCK &&
					       fl.l_pid == -1 && fl.l_len == 10);
	ERR2("posix_vs_ofd_conflict", lock_range(b, F_SETLK, F_RDLCK, 0, 1), EAGAIN, EACCES);
	fl = flock_of(F_RDLCK, 0, 0);
	CHECK("posix_getlk_sees_ofd", fcntl(b, F_GETLK, &fl) == 0 && fl.l_pid == -1);
	int d = dup(a);
	VAL("ofd_dup_same_owner", lock_range(d, F_OFD_SETLK, F_WRLCK, 0, 20), 0);
	SEES("ofd_dup_extended", F_OFD_GETLK, F_RDLCK, 0, 0, F_WRLCK, 0, 20, -1);
	VAL("ofd_fork_shares_owner", run_child(ofd_fork_child, &a), 0);
	close(b);
	SEES("ofd_close_other_description_keeps", F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 5, 15, -1);
	close(d);
	close(a);
	SEES("ofd_last_close_releases", F_OFD_GETLK, F_WRLCK, 0, 0, F_UNLCK, 0, 0, 0);

	a = lock_open(O_RDWR);
	b = lock_open(O_RDWR);
	lock_range(a, F_SETLK, F_WRLCK, 0, 1);
	ERR2("ofd_vs_posix_conflict", lock_range(b, F_OFD_SETLK, F_RDLCK, 0, 1), EAGAIN, EACCES);
	fl = flock_of(F_RDLCK, 0, 0);
	CHECK("ofd_getlk_sees_posix_pid", fcntl(b, F_OFD_GETLK, &fl) == 0 && fl.l_pid == me);
	close(a);
	close(b);
}

int main(int argc, char **argv)
{
	if (argc == 5 && !strcmp(argv[1], "hold"))
		return exec_holder(argv);
	test_begin("file_locks_procs");
	lock_file_init("file_locks_procs");
	test_contention();
	test_deadlock();
	test_close_race();
	test_ownership();
	test_exec_keeps(argv[0]);
	test_counter();
	test_ofd();
	unlink(lock_path);
	test_end();
}
