/* System V semaphores' sleeps (semop(2)): sleepers woken by a change, counted by
 * GETNCNT/GETZCNT, ended by IPC_RMID (EIDRM), a caught signal (EINTR even under SA_RESTART),
 * SIGKILL and semtimedop's timeout; SEM_UNDO applied at exit, clamped, cleared by SETVAL. */
#include "sysv_sem.h"
#include <sched.h>

/* A child that runs one semop and exits with its errno (0 on success). */
static pid_t child_op(int id, unsigned short n, short delta)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(sysv_errno(op(id, n, delta, 0)));
	return pid;
}

static void on_usr1(int sig)
{
	(void)sig;
}

static void test_sleep(void)
{
	int id = semget(IPC_PRIVATE, 2, 0600);
	pid_t pid = child_op(id, 0, -2);
	CHECK("ncnt", wait_count(id, 0, GETNCNT, 1));
	EXPECT("zcnt_none", semctl(id, 0, GETZCNT), 0);
	EXPECT("partial", op(id, 0, 1, 0), 0);
	EXPECT("still_asleep", semctl(id, 0, GETNCNT), 1);
	EXPECT("wake", op(id, 0, 1, 0), 0);
	EXPECT("woken", sysv_wait(pid), 0);
	EXPECT("taken", semctl(id, 0, GETVAL), 0);
	setval(id, 1, 1);
	pid = child_op(id, 1, 0);
	CHECK("zcnt", wait_count(id, 1, GETZCNT, 1));
	setval(id, 1, 0);
	EXPECT("zero_woken", sysv_wait(pid), 0);
	pid = child_op(id, 0, -1);
	wait_count(id, 0, GETNCNT, 1);
	EXPECT("rmid_wakes", semctl(id, 0, IPC_RMID), 0);
	EXPECT("eidrm", sysv_wait(pid), EIDRM);

	id = semget(IPC_PRIVATE, 1, 0600);
	pid = fork();
	if (pid == 0) {
		struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
		sigaction(SIGUSR1, &sa, NULL);
		_exit(sysv_errno(op(id, 0, -1, 0)));
	}
	wait_count(id, 0, GETNCNT, 1);
	kill(pid, SIGUSR1);
	EXPECT("eintr_sa_restart", sysv_wait(pid), EINTR);
	pid = child_op(id, 0, -1);
	wait_count(id, 0, GETNCNT, 1);
	kill(pid, SIGKILL);
	EXPECT("sigkill", sysv_wait(pid), -100 - SIGKILL);
	EXPECT("sigkill_gone", semctl(id, 0, GETNCNT), 0);
	struct sembuf b = { 0, -1, 0 };
	struct timespec ts = { 0, 100000000 };
	long t0 = sysv_now_ms();
	EXPECT("timedop", sys_res(semtimedop(id, &b, 1, &ts)), -EAGAIN);
	CHECK("timed_waited", sysv_now_ms() - t0 >= 90);
	ts.tv_nsec = 1000000000;
	EXPECT("timed_einval", sys_res(semtimedop(id, &b, 1, &ts)), -EINVAL);
	EXPECT("timed_efault", sys_res(semtimedop(id, &b, 1, (void *)8)), -EFAULT);
	semctl(id, 0, IPC_RMID);
}

static int sem_id_for_clone;

static int clone_child(void *arg)
{
	(void)arg;
	return op(sem_id_for_clone, 0, 1, SEM_UNDO) == 0 ? 0 : 1;
}

/* A child made with CLONE_SYSVSEM shares its parent's undo list: its adjustment is applied
 * when the parent exits, not when the child does. */
static void test_clone_sysvsem(void)
{
	int id = semget(IPC_PRIVATE, 1, 0600);
	sem_id_for_clone = id;
	pid_t mid = fork();
	if (mid == 0) {
		static char stack[65536];
		pid_t c = clone(clone_child, stack + sizeof(stack), CLONE_SYSVSEM | SIGCHLD, NULL);
		if (c < 0 || sysv_wait(c) != 0)
			_exit(90);
		_exit(semctl(id, 0, GETVAL));
	}
	EXPECT("sysvsem_shared", sysv_wait(mid), 1);
	EXPECT("sysvsem_applied_last", semctl(id, 0, GETVAL), 0);
	semctl(id, 0, IPC_RMID);
}

static void test_undo(void)
{
	int id = semget(IPC_PRIVATE, 1, 0600);
	setval(id, 0, 3);
	pid_t pid = fork();
	if (pid == 0) {
		op(id, 0, 2, SEM_UNDO);
		op(id, 0, -4, SEM_UNDO);
		_exit(semctl(id, 0, GETVAL));
	}
	EXPECT("undo_child", sysv_wait(pid), 1);
	EXPECT("undo_applied", semctl(id, 0, GETVAL), 3);
	int fds[2];
	if (pipe(fds))
		return;
	pid = fork();
	if (pid == 0) {
		char c;
		op(id, 0, 2, SEM_UNDO);
		close(fds[1]);
		(void)!read(fds[0], &c, 1);
		_exit(0);
	}
	close(fds[0]);
	wait_count(id, 0, GETVAL, 5);
	EXPECT("setval_clears", setval(id, 0, 1), 0);
	close(fds[1]);
	sysv_wait(pid);
	EXPECT("undo_cleared", semctl(id, 0, GETVAL), 1);
	pid = fork();
	if (pid == 0)
		_exit(op(id, 0, 1, SEM_UNDO) == 0 && op(id, 0, -2, 0) == 0 ? 0 : 1);
	EXPECT("undo_clamp_child", sysv_wait(pid), 0);
	EXPECT("undo_clamped", semctl(id, 0, GETVAL), 0);
	semctl(id, 0, IPC_RMID);
}

int main(void)
{
	test_begin("sysv_sem_wait");
	test_sleep();
	test_undo();
	test_clone_sysvsem();
	test_end();
}
