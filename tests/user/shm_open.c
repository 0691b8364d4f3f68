/* POSIX shared memory and named semaphores through musl (shm_overview(7), sem_overview(7)):
 * /dev/shm is a world-writable sticky tmpfs, shm_open'ed objects are files there shared by
 * MAP_SHARED mappings across fork, shm_unlink removes them, sem_open'ed semaphores work between
 * processes. */
#include "sysv.h"
#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#define TMPFS_MAGIC 0x01021994

static void test_dir(void)
{
	struct stat st;
	struct statfs sf;
	EXPECT("dev_shm", stat("/dev/shm", &st), 0);
	test_result("dev_shm_mode", S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777,
		    "mode %o", st.st_mode);
	test_result("dev_shm_tmpfs", statfs("/dev/shm", &sf) == 0 && sf.f_type == TMPFS_MAGIC,
		    "type %lx", (unsigned long)sf.f_type);
}

static void test_shm(void)
{
	char name[64], path[80];
	snprintf(name, sizeof(name), "/zero-shm-test-%d", getpid());
	snprintf(path, sizeof(path), "/dev/shm%s", name);
	int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
	CHECK("shm_open", fd >= 0);
	EXPECT("excl", sys_res(shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600)), -EEXIST);
	struct stat st;
	test_result("is_file", stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 0777) == 0600, "mode %o (%s)", st.st_mode, strerror(errno));
	EXPECT("truncate", ftruncate(fd, 4096), 0);
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK("mmap", p != MAP_FAILED);
	if (p == MAP_FAILED)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		int cfd = shm_open(name, O_RDWR, 0);
		char *q = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, cfd, 0);
		if (q == MAP_FAILED)
			_exit(1);
		strcpy(q, "from child");
		_exit(0);
	}
	EXPECT("child", sysv_wait(pid), 0);
	test_result("shared", strcmp(p, "from child") == 0, "%.16s", p);
	EXPECT("unlink", shm_unlink(name), 0);
	EXPECT("gone", sys_res(shm_open(name, O_RDWR, 0)), -ENOENT);
	EXPECT("unlink_again", sys_res(shm_unlink(name)), -ENOENT);
	test_result("mapping_survives", strcmp(p, "from child") == 0, "%.16s", p);
	munmap(p, 4096);
	close(fd);
}

static void test_sem(void)
{
	char name[64];
	snprintf(name, sizeof(name), "/zero-sem-test-%d", getpid());
	sem_t *s = sem_open(name, O_CREAT | O_EXCL, 0600, 0);
	CHECK("sem_open", s != SEM_FAILED);
	if (s == SEM_FAILED)
		return;
	pid_t pid = fork();
	if (pid == 0) {
		sem_t *c = sem_open(name, 0);
		_exit(c != SEM_FAILED && sem_post(c) == 0 && sem_post(c) == 0 ? 0 : 1);
	}
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 5;
	EXPECT("sem_timedwait", sem_timedwait(s, &ts), 0);
	EXPECT("sem_child", sysv_wait(pid), 0);
	int v = -1;
	test_result("sem_value", sem_getvalue(s, &v) == 0 && v == 1, "value %d", v);
	EXPECT("sem_trywait", sem_trywait(s), 0);
	EXPECT("sem_trywait_empty", sys_res(sem_trywait(s)), -EAGAIN);
	EXPECT("sem_unlink", sem_unlink(name), 0);
	EXPECT("sem_gone", sem_open(name, 0) == SEM_FAILED ? errno : 0, ENOENT);
	sem_close(s);
}

int main(void)
{
	test_begin("shm_open");
	test_dir();
	test_shm();
	test_sem();
	test_end();
}
