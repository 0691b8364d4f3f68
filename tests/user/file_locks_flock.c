/* flock(2): argument errors, shared and exclusive locks owned by the open file description
 * (dup and fork share it, a second open does not), LOCK_NB's EWOULDBLOCK, conversions (not
 * atomic: a failed upgrade has dropped the old lock, as on Linux), release at the last close,
 * independence from POSIX locks, blocking waits woken by the unlock, EINTR, SIGKILL of a waiter,
 * and the FLOCK lines of /proc/locks. Linux's behaviour throughout (also run on the host). */
#include "file_locks.h"

static void test_errors(void)
{
	int fd = lock_open(O_RDWR);
	ERR("bad_fd_ebadf", flock(-1, LOCK_SH), EBADF);
	ERR("closed_fd_ebadf", flock(999, LOCK_SH), EBADF);
	ERR("zero_op_einval", flock(fd, 0), EINVAL);
	ERR("sh_and_ex_einval", flock(fd, LOCK_SH | LOCK_EX), EINVAL);
	ERR("nb_alone_einval", flock(fd, LOCK_NB), EINVAL);
	int opath = open(lock_path, O_PATH);
	ERR("opath_ebadf", flock(opath, LOCK_SH), EBADF);
	close(opath);
	VAL("unlock_unlocked_ok", flock(fd, LOCK_UN), 0);
	int rd = lock_open(O_RDONLY);
	VAL("ex_on_rdonly_ok", flock(rd, LOCK_EX | LOCK_NB), 0);
	close(rd);
	close(fd);
}

static void test_same_process(void)
{
	int a = lock_open(O_RDWR), b = lock_open(O_RDWR);
	VAL("sh_a", flock(a, LOCK_SH), 0);
	VAL("sh_b_shares", flock(b, LOCK_SH | LOCK_NB), 0);
	ERR("upgrade_conflict_ewouldblock", flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	/* Linux drops a's shared lock before it finds the conflict: b may now upgrade. */
	VAL("failed_upgrade_dropped_old", flock(b, LOCK_EX | LOCK_NB), 0);
	ERR("ex_blocks_sh", flock(a, LOCK_SH | LOCK_NB), EWOULDBLOCK);
	int d = dup(b);
	VAL("dup_same_owner", flock(d, LOCK_EX | LOCK_NB), 0);
	VAL("downgrade", flock(d, LOCK_SH), 0);
	VAL("sh_after_downgrade", flock(a, LOCK_SH | LOCK_NB), 0);
	VAL("unlock_a", flock(a, LOCK_UN), 0);
	close(d);
	ERR("close_dup_keeps", flock(a, LOCK_EX | LOCK_NB), EWOULDBLOCK);
	close(b);
	VAL("last_close_releases", flock(a, LOCK_EX | LOCK_NB), 0);
	int p = lock_open(O_RDWR);
	VAL("flock_ignores_posix", lock_range(p, F_SETLK, F_WRLCK, 0, 0), 0);
	close(p);
	close(a);
}

struct waiter {
	int op;
	int restart; /* -1: no SIGUSR1 handler */
};

/* Child: flock on its own open; 0 on success, else errno. */
static int flock_child(void *arg)
{
	struct waiter *w = arg;
	if (w->restart >= 0)
		catch_signal(SIGUSR1, w->restart);
	int fd = lock_open(O_RDWR);
	return flock(fd, w->op) ? errno : 0;
}

static int unlock_inherited(void *arg)
{
	return flock(*(int *)arg, LOCK_UN) ? errno : 0;
}

static void test_processes(void)
{
	int fd = lock_open(O_RDWR);
	flock(fd, LOCK_EX);
	struct waiter w = { LOCK_SH | LOCK_NB, -1 };
	VAL("other_process_ewouldblock", run_child(flock_child, &w), EWOULDBLOCK);
	w.op = LOCK_EX;
	pid_t pid = spawn(flock_child, &w);
	CHECK("ex_blocks", wait_asleep(pid, SYS_flock));
	flock(fd, LOCK_UN);
	VAL("woken_by_unlock", reap(pid), 0);

	flock(fd, LOCK_EX);
	w.restart = 0;
	pid = spawn(flock_child, &w);
	bool asleep = wait_asleep(pid, SYS_flock);
	kill(pid, SIGUSR1);
	test_result("eintr", asleep && reap(pid) == EINTR, "asleep %d", asleep);
	w.restart = -1;
	pid = spawn(flock_child, &w);
	asleep = wait_asleep(pid, SYS_flock);
	kill(pid, SIGKILL);
	test_result("sigkill_waiter", asleep && reap(pid) == 128 + SIGKILL, "asleep %d", asleep);
	w.op = LOCK_SH | LOCK_NB;
	VAL("still_held_after_kill", run_child(flock_child, &w), EWOULDBLOCK);
	VAL("fork_shares_description", run_child(unlock_inherited, &fd), 0);
	VAL("child_unlocked_parents", run_child(flock_child, &w), 0);

	char id[64], want[160];
	lock_file_id(id, sizeof(id));
	flock(fd, LOCK_EX);
	snprintf(want, sizeof(want), "FLOCK  ADVISORY  WRITE %d %s 0 EOF", (int)getpid(), id);
	test_result("proc_locks_flock", proc_locks_has(want), "no line \"%s\"", want);
	close(fd);
	CHECK("proc_locks_flock_gone", !proc_locks_has(want));
}

int main(void)
{
	test_begin("file_locks_flock");
	lock_file_init("file_locks_flock");
	test_errors();
	test_same_process();
	test_processes();
	unlink(lock_path);
	test_end();
}
