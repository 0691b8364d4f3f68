/* Leases (fcntl F_SETLEASE / F_GETLEASE) and file owners (F_SETOWN, F_GETOWN, F_SETOWN_EX,
 * F_GETOWN_EX, F_SETSIG, F_GETSIG): argument errors, who may take which lease while which opens
 * exist, a conflicting open or truncate breaking the lease (the holder's signal, with si_fd and
 * POLL_MSG under F_SETSIG, plain SIGIO otherwise), O_NONBLOCK's EWOULDBLOCK, the opener woken
 * by the downgrade or release, EINTR of the opener, release at close, the LEASE lines of
 * /proc/locks, and O_ASYNC on a pipe signalling its owner. Linux's behaviour throughout (also
 * run on the host). */
#include "file_locks.h"
#include <poll.h>
#include <sys/ioctl.h>

#define SIG_WAIT_S 10

/* Wait for sig (blocked) for up to SIG_WAIT_S seconds: its siginfo, or si_signo 0. */
static siginfo_t take_signal(int sig)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	struct timespec ts = { SIG_WAIT_S, 0 };
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	if (sigtimedwait(&set, &si, &ts) != sig)
		si.si_signo = 0;
	return si;
}

static void block_signal(int sig)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_BLOCK, &set, NULL);
}

/* Child: an open (openat, so that /proc/<pid>/syscall names it) or a truncate of the file;
 * 0 on success, else errno. */
struct opener {
	int flags; /* -1: truncate(2) instead */
	bool catch_usr2; /* a SIGUSR2 handler without SA_RESTART */
};

static int opener_child(void *arg)
{
	struct opener *o = arg;
	if (o->catch_usr2)
		catch_signal(SIGUSR2, 0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	long r = o->flags < 0 ? syscall(SYS_truncate, lock_path, 0)
			      : syscall(SYS_openat, AT_FDCWD, lock_path, o->flags);
	return r < 0 ? errno : 0;
}

static void test_errors(void)
{
	int fd = lock_open(O_RDONLY);
	ERR("bad_arg_einval", fcntl(fd, F_SETLEASE, 5), EINVAL);
	ERR("unlck_without_lease_eagain", fcntl(fd, F_SETLEASE, F_UNLCK), EAGAIN);
	VAL("getlease_none", fcntl(fd, F_GETLEASE), F_UNLCK);
	int p[2];
	if (pipe(p) == 0) {
		ERR("pipe_einval", fcntl(p[0], F_SETLEASE, F_RDLCK), EINVAL);
		close(p[0]);
		close(p[1]);
	}
	int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	ERR("dir_einval", fcntl(dir, F_SETLEASE, F_RDLCK), EINVAL);
	close(dir);
	close(fd);
}

static int non_owner_child(void *arg)
{
	(void)arg;
	if (setresuid(65534, 65534, 65534))
		return 100;
	int fd = open(lock_path, O_RDONLY);
	if (fd < 0)
		return 101;
	return fcntl(fd, F_SETLEASE, F_RDLCK) ? errno : 0;
}

static void test_taking(void)
{
	int r = lock_open(O_RDONLY);
	VAL("rdlck_lease", fcntl(r, F_SETLEASE, F_RDLCK), 0);
	VAL("getlease_rdlck", fcntl(r, F_GETLEASE), F_RDLCK);
	int r2 = lock_open(O_RDONLY); /* a read open does not break a read lease */
	VAL("second_rdlck_lease", fcntl(r2, F_SETLEASE, F_RDLCK), 0);
	ERR("wrlck_beside_other_lease_eagain", fcntl(r, F_SETLEASE, F_WRLCK), EAGAIN);
	VAL("unlck", fcntl(r, F_SETLEASE, F_UNLCK), 0);
	VAL("getlease_after_unlck", fcntl(r, F_GETLEASE), F_UNLCK);
	close(r2);
	close(r);

	int w = lock_open(O_WRONLY), rd = lock_open(O_RDONLY);
	ERR("rdlck_with_writer_eagain", fcntl(rd, F_SETLEASE, F_RDLCK), EAGAIN);
	ERR("wrlck_with_other_open_eagain", fcntl(w, F_SETLEASE, F_WRLCK), EAGAIN);
	close(rd);
	VAL("wrlck_sole_open", fcntl(w, F_SETLEASE, F_WRLCK), 0);
	VAL("getlease_wrlck", fcntl(w, F_GETLEASE), F_WRLCK);
	/* A read lease needs no writer, the holder included. */
	ERR("downgrade_while_writer_eagain", fcntl(w, F_SETLEASE, F_RDLCK), EAGAIN);
	close(w);
	rd = lock_open(O_RDONLY);
	VAL("wrlck_through_rdonly", fcntl(rd, F_SETLEASE, F_WRLCK), 0);
	VAL("downgrade", fcntl(rd, F_SETLEASE, F_RDLCK), 0);
	VAL("getlease_downgraded", fcntl(rd, F_GETLEASE), F_RDLCK);
	close(rd);
	chmod(lock_path, 0644);
	VAL("non_owner_eacces", run_child(non_owner_child, NULL), EACCES);
}

/* The holder's view of a break: the signal, then F_GETLEASE's target. */
static void expect_break(const char *name, int sig, int fd, int target)
{
	siginfo_t si = take_signal(sig);
	bool detail = sig == SIGIO ? si.si_code == SI_KERNEL
				   : si.si_code == POLL_MSG && si.si_fd == fd;
	int t = fcntl(fd, F_GETLEASE);
	test_result(name, si.si_signo == sig && detail && t == target,
		    "signal %d code %d fd %d; getlease %d (want %d)", si.si_signo, si.si_code,
		    si.si_fd, t, target);
}

static void test_breaking(void)
{
	block_signal(SIGUSR1);
	block_signal(SIGIO);
	int fd = lock_open(O_RDONLY);
	fcntl(fd, F_SETSIG, SIGUSR1);
	VAL("wrlck_for_break", fcntl(fd, F_SETLEASE, F_WRLCK), 0);
	struct opener o = { O_RDONLY | O_NONBLOCK, false };
	VAL("nonblock_open_ewouldblock", run_child(opener_child, &o), EWOULDBLOCK);
	expect_break("break_signal_setsig", SIGUSR1, fd, F_RDLCK);

	o.flags = O_RDONLY;
	pid_t pid = spawn(opener_child, &o);
	CHECK("read_open_waits", wait_asleep(pid, SYS_openat));
	VAL("holder_downgrades", fcntl(fd, F_SETLEASE, F_RDLCK), 0);
	VAL("opener_woken_by_downgrade", reap(pid), 0);
	VAL("read_lease_kept", fcntl(fd, F_GETLEASE), F_RDLCK);

	fcntl(fd, F_SETSIG, 0);
	o.flags = O_WRONLY;
	pid = spawn(opener_child, &o);
	expect_break("break_signal_sigio", SIGIO, fd, F_UNLCK);
	CHECK("write_open_waits", wait_asleep(pid, SYS_openat));
	char id[64], want[160];
	lock_file_id(id, sizeof(id));
	snprintf(want, sizeof(want), "LEASE  BREAKING  UNLCK %d %s 0 EOF", (int)getpid(), id);
	test_result("proc_locks_breaking", proc_locks_has(want), "no line \"%s\"", want);
	VAL("holder_releases", fcntl(fd, F_SETLEASE, F_UNLCK), 0);
	VAL("opener_woken_by_release", reap(pid), 0);
	VAL("rdlck_for_truncate", fcntl(fd, F_SETLEASE, F_RDLCK), 0);
	snprintf(want, sizeof(want), "LEASE  ACTIVE    READ %d %s 0 EOF", (int)getpid(), id);
	test_result("proc_locks_active", proc_locks_has(want), "no line \"%s\"", want);
	o.flags = -1;
	pid = spawn(opener_child, &o);
	expect_break("truncate_breaks", SIGIO, fd, F_UNLCK);
	CHECK("truncate_waits", wait_asleep(pid, SYS_truncate));
	fcntl(fd, F_SETLEASE, F_UNLCK);
	VAL("truncate_done", reap(pid), 0);

	fcntl(fd, F_SETLEASE, F_RDLCK);
	o = (struct opener){ O_WRONLY, true };
	pid = spawn(opener_child, &o);
	bool asleep = wait_asleep(pid, SYS_openat);
	kill(pid, SIGUSR2);
	test_result("opener_eintr", asleep && reap(pid) == EINTR, "asleep %d", asleep);
	take_signal(SIGIO);
	close(fd); /* the last close ends the lease: a write open goes through */
	o = (struct opener){ O_WRONLY | O_NONBLOCK, false };
	VAL("close_ends_lease", run_child(opener_child, &o), 0);
}

static void test_owner(void)
{
	int fd = lock_open(O_RDWR);
	struct f_owner_ex ex;
	VAL("getown_none", fcntl(fd, F_GETOWN), 0);
	VAL("setown_pid", fcntl(fd, F_SETOWN, getpid()), 0);
	VAL("getown_pid", fcntl(fd, F_GETOWN), getpid());
	CHECK("getown_ex_pid", fcntl(fd, F_GETOWN_EX, &ex) == 0 && ex.type == F_OWNER_PID &&
				       ex.pid == getpid());
	VAL("setown_pgrp", fcntl(fd, F_SETOWN, -getpgrp()), 0);
	VAL("getown_pgrp", fcntl(fd, F_GETOWN), -getpgrp());
	ex = (struct f_owner_ex){ F_OWNER_TID, (pid_t)syscall(SYS_gettid) };
	VAL("setown_ex_tid", fcntl(fd, F_SETOWN_EX, &ex), 0);
	CHECK("getown_ex_tid", fcntl(fd, F_GETOWN_EX, &ex) == 0 && ex.type == F_OWNER_TID &&
				       ex.pid == (pid_t)syscall(SYS_gettid));
	ex.type = 7;
	ERR("setown_ex_bad_type", fcntl(fd, F_SETOWN_EX, &ex), EINVAL);
	ex = (struct f_owner_ex){ F_OWNER_PID, 32767 };
	ERR("setown_ex_no_such_pid", fcntl(fd, F_SETOWN_EX, &ex), ESRCH);
	ERR("setown_ex_efault", fcntl(fd, F_SETOWN_EX, (void *)1), EFAULT);
	ERR("setsig_bad", fcntl(fd, F_SETSIG, 65), EINVAL);
	VAL("setsig", fcntl(fd, F_SETSIG, SIGUSR1), 0);
	VAL("getsig", fcntl(fd, F_GETSIG), SIGUSR1);
	close(fd);
}

/* Signal-driven I/O on a pipe: O_ASYNC on the read end, its owner told when data comes. */
static void test_async_pipe(void)
{
	int p[2];
	if (pipe(p))
		return;
	block_signal(SIGIO);
	block_signal(SIGUSR1);
	fcntl(p[0], F_SETOWN, getpid());
	VAL("setfl_o_async", fcntl(p[0], F_SETFL, O_ASYNC), 0);
	CHECK("getfl_o_async", fcntl(p[0], F_GETFL) & O_ASYNC);
	(void)!write(p[1], "a", 1);
	siginfo_t si = take_signal(SIGIO);
	test_result("pipe_sigio", si.si_signo == SIGIO && si.si_code == SI_KERNEL,
		    "signal %d code %d", si.si_signo, si.si_code);
	fcntl(p[0], F_SETSIG, SIGUSR1);
	(void)!write(p[1], "b", 1);
	si = take_signal(SIGUSR1);
	test_result("pipe_setsig_poll_in", si.si_signo == SIGUSR1 && si.si_code == POLL_IN &&
						   si.si_fd == p[0] &&
						   si.si_band == (POLLIN | POLLRDNORM),
		    "signal %d code %d fd %d band %ld", si.si_signo, si.si_code, si.si_fd,
		    (long)si.si_band);
	fcntl(p[0], F_SETFL, 0);
	(void)!write(p[1], "c", 1);
	sigset_t pend;
	sigpending(&pend);
	CHECK("no_signal_without_o_async", !sigismember(&pend, SIGUSR1));
	int on = 1;
	VAL("fioasync_on", ioctl(p[0], FIOASYNC, &on), 0);
	CHECK("fioasync_sets_o_async", fcntl(p[0], F_GETFL) & O_ASYNC);
	(void)!write(p[1], "d", 1);
	CHECK("fioasync_signal", take_signal(SIGUSR1).si_signo == SIGUSR1);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	test_begin("file_locks_lease");
	lock_file_init("file_locks_lease");
	close(lock_open(O_RDWR));
	test_errors();
	test_taking();
	test_breaking();
	test_owner();
	test_async_pipe();
	unlink(lock_path);
	test_end();
}
