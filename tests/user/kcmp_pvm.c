/* kcmp(2) (the same object, and a consistent order between different ones) and
 * process_vm_readv(2) / process_vm_writev(2) (another process's memory, its protections, the
 * ptrace access rule), with their errors. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define KCMP_FILE 0
#define KCMP_VM 1
#define KCMP_FILES 2
#define KCMP_FS 3
#define KCMP_SIGHAND 4
#define KCMP_SYSVSEM 6
#define NOBODY 65534

static long kcmp(int a, int b, int type, long i1, long i2)
{
	return sys_res(syscall(SYS_kcmp, a, b, type, i1, i2));
}

static char data[32] = "parent data";
static int ctl[2], back[2];

/* A child that changed its copy of data and waits for a byte before checking it and exiting. */
static pid_t child(void)
{
	if (pipe(ctl) || pipe(back))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		strcpy(data, "child data");
		(void)!write(back[1], "r", 1);
		char c;
		(void)!read(ctl[0], &c, 1);
		_exit(strcmp(data, "written!") ? 1 : 0);
	}
	char c;
	(void)!read(back[0], &c, 1);
	return pid;
}

static int child_done(pid_t pid)
{
	int st = -1;
	(void)!write(ctl[1], "g", 1);
	waitpid(pid, &st, 0);
	close(ctl[0]), close(ctl[1]), close(back[0]), close(back[1]);
	return st;
}

static void *idle(void *arg)
{
	__atomic_store_n((int *)arg, gettid(), __ATOMIC_RELEASE);
	pause();
	return NULL;
}

static void test_kcmp(void)
{
	int me = getpid();
	CHECK("self_same", kcmp(me, me, KCMP_VM, 0, 0) == 0 && kcmp(me, me, KCMP_FILES, 0, 0) == 0 &&
				   kcmp(me, me, KCMP_FS, 0, 0) == 0 &&
				   kcmp(me, me, KCMP_SIGHAND, 0, 0) == 0 &&
				   kcmp(me, me, KCMP_SYSVSEM, 0, 0) == 0);
	int fd = open("/", O_RDONLY), fd2 = dup(fd), other = open("/", O_RDONLY);
	EXPECT("file_dup_same", kcmp(me, me, KCMP_FILE, fd, fd2), 0);
	long o1 = kcmp(me, me, KCMP_FILE, fd, other), o2 = kcmp(me, me, KCMP_FILE, other, fd);
	CHECK("file_order", (o1 == 1 && o2 == 2) || (o1 == 2 && o2 == 1));
	EXPECT("file_bad_fd", kcmp(me, me, KCMP_FILE, fd, 9999), -EBADF);
	pid_t pid = child();
	EXPECT("fork_shares_file", kcmp(me, pid, KCMP_FILE, fd, fd), 0);
	long v1 = kcmp(me, pid, KCMP_VM, 0, 0), v2 = kcmp(pid, me, KCMP_VM, 0, 0);
	CHECK("fork_vm_differs", (v1 == 1 && v2 == 2) || (v1 == 2 && v2 == 1));
	CHECK("fork_files_differ", kcmp(me, pid, KCMP_FILES, 0, 0) > 0);
	strcpy(data, "written!");
	struct iovec l = { data, 9 }, r = { data, 9 };
	syscall(SYS_process_vm_writev, pid, &l, 1, &r, 1, 0); /* let it exit with 0 */
	strcpy(data, "parent data");
	child_done(pid);
	int tid = 0;
	pthread_t th;
	pthread_create(&th, NULL, idle, &tid);
	while (!__atomic_load_n(&tid, __ATOMIC_ACQUIRE))
		sched_yield();
	EXPECT("thread_names_process", kcmp(me, tid, KCMP_VM, 0, 0), 0);
	int ep = epoll_create1(0), p[2];
	struct epoll_event ev = { .events = EPOLLIN };
	if (pipe(p) == 0 && epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev) == 0) {
		struct { uint32_t efd, tfd, toff; } slot = { (uint32_t)ep, (uint32_t)p[0], 0 };
		int pdup = dup(p[0]);
		EXPECT("epoll_tfd_same", kcmp(me, me, 7, pdup, (long)&slot), 0);
		slot.toff = 1;
		EXPECT("epoll_tfd_none", kcmp(me, me, 7, pdup, (long)&slot), -ENOENT);
		close(pdup), close(p[0]), close(p[1]);
	}
	close(ep);
	EXPECT("bad_type", kcmp(me, me, 8, 0, 0), -EINVAL);
	EXPECT("negative_type", kcmp(me, me, -1, 0, 0), -EINVAL);
	EXPECT("no_such_pid", kcmp(me, 0x7ffffff0, KCMP_VM, 0, 0), -ESRCH);
	close(fd), close(fd2), close(other);
}

static void test_pvm(void)
{
	pid_t pid = child();
	char got[32] = "";
	struct iovec l = { got, sizeof(got) }, r = { data, sizeof(data) };
	CHECK("readv", syscall(SYS_process_vm_readv, pid, &l, 1, &r, 1, 0) == (long)sizeof(got) &&
			       !strcmp(got, "child data"));
	char a[4], b[8];
	struct iovec l2[2] = { { a, 4 }, { b, 6 } };
	CHECK("readv_scatter", syscall(SYS_process_vm_readv, pid, l2, 2, &r, 1, 0) == 10 &&
				       !memcmp(a, "chil", 4) && !memcmp(b, "d data", 6));
	EXPECT("zero_len", sys_res(syscall(SYS_process_vm_readv, pid, &(struct iovec){ got, 0 }, 1,
					    &r, 1, 0)), 0);
	EXPECT("bad_flags", sys_res(syscall(SYS_process_vm_readv, pid, &l, 1, &r, 1, 1)), -EINVAL);
	EXPECT("too_many", sys_res(syscall(SYS_process_vm_readv, pid, &l, 1025, &r, 1, 0)), -EINVAL);
	struct iovec bad = { (void *)0x1000, 8 };
	EXPECT("remote_unmapped", sys_res(syscall(SYS_process_vm_readv, pid, &l, 1, &bad, 1, 0)),
	       -EFAULT);
	struct iovec text = { (void *)&test_pvm, 8 };
	EXPECT("remote_read_only", sys_res(syscall(SYS_process_vm_writev, pid, &l, 1, &text, 1, 0)),
	       -EFAULT);
	EXPECT("no_such_pid", sys_res(syscall(SYS_process_vm_readv, 0x7ffffff0, &l, 1, &r, 1, 0)),
	       -ESRCH);
	strcpy(got, "written!");
	struct iovec w = { got, 9 };
	CHECK("writev", syscall(SYS_process_vm_writev, pid, &w, 1, &r, 1, 0) == 9);
	int st = child_done(pid);
	CHECK("writev_seen", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* As an unprivileged user: neither kcmp nor the memory of root's process. */
static int as_nobody(void)
{
	int parent = getppid();
	if (setuid(NOBODY))
		return 1;
	char buf[8];
	struct iovec l = { buf, 8 }, r = { data, 8 };
	int bad = 0;
	bad |= (kcmp(getpid(), parent, KCMP_VM, 0, 0) != -EPERM) << 1;
	bad |= (sys_res(syscall(SYS_process_vm_readv, parent, &l, 1, &r, 1, 0)) != -EPERM) << 2;
	return bad;
}

int main(void)
{
	test_begin("kcmp_pvm");
	test_kcmp();
	test_pvm();
	test_in_child("nobody_eperm", as_nobody);
	test_end();
}
