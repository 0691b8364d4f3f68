/* System V shared memory (shmget(2), shmop(2)): creation and its size and key rules, attach
 * and detach with their address flags, attach counts across fork, exec and exit
 * (sysv_shm_ctl.c has shmctl's commands). */
#include "sysv.h"
#include <sys/mman.h>
#include <sys/shm.h>

#define SZ 8192

static void test_get(void)
{
	EXPECT("size_zero", sys_res(shmget(IPC_PRIVATE, 0, 0600)), -EINVAL);
	key_t k = sysv_key();
	EXPECT("no_key", sys_res(shmget(k, SZ, 0600)), -ENOENT);
	int id = shmget(k, SZ, IPC_CREAT | IPC_EXCL | 0640);
	CHECK("create", id >= 0);
	EXPECT("excl", sys_res(shmget(k, SZ, IPC_CREAT | IPC_EXCL | 0600)), -EEXIST);
	EXPECT("same_key", shmget(k, SZ / 2, 0), id);
	EXPECT("creat_existing", shmget(k, 0, IPC_CREAT | 0600), id);
	EXPECT("too_big", sys_res(shmget(k, SZ * 2, 0)), -EINVAL);
	struct shmid_ds ds = st_of(id);
	test_result("stat", ds.shm_segsz == SZ && ds.shm_perm.__key == k &&
		    (ds.shm_perm.mode & 0777) == 0640 && ds.shm_cpid == getpid() &&
		    ds.shm_nattch == 0 && ds.shm_perm.uid == geteuid() &&
		    ds.shm_perm.cuid == geteuid() && ds.shm_ctime > 0 && ds.shm_atime == 0,
		    "segsz %zu mode %o cpid %d nattch %lu", ds.shm_segsz, ds.shm_perm.mode,
		    ds.shm_cpid, (unsigned long)ds.shm_nattch);
	EXPECT("rmid", shmctl(id, IPC_RMID, NULL), 0);
	EXPECT("stale_id", sys_res(shmctl(id, IPC_STAT, &ds)), -EINVAL);
	EXPECT("key_freed", sys_res(shmget(k, SZ, 0600)), -ENOENT);
	EXPECT("bad_cmd", sys_res(shmctl(0, 999, &ds)), -EINVAL);
	EXPECT("neg_id", sys_res(shmctl(-1, IPC_STAT, &ds)), -EINVAL);
}

static void test_attach(void)
{
	int id = shmget(IPC_PRIVATE, SZ, 0600);
	char *p = shmat(id, NULL, 0);
	CHECK("attach", p != (void *)-1);
	if (p == (void *)-1)
		return;
	test_result("zeroed", p[0] == 0 && p[SZ - 1] == 0, "%d %d", p[0], p[SZ - 1]);
	strcpy(p, "hello");
	char *q = shmat(id, NULL, SHM_RDONLY);
	test_result("second_view", q != (void *)-1 && q != p && strcmp(q, "hello") == 0,
		    "q %p", (void *)q);
	struct shmid_ds ds = st_of(id);
	test_result("nattch_2", ds.shm_nattch == 2 && ds.shm_lpid == getpid() && ds.shm_atime > 0,
		    "nattch %lu lpid %d", (unsigned long)ds.shm_nattch, ds.shm_lpid);
	pid_t pid = fork();
	if (pid == 0) {
		*(volatile char *)q = 'x'; /* read-only: SIGSEGV */
		_exit(0);
	}
	EXPECT("rdonly_segv", sysv_wait(pid), -100 - SIGSEGV);
	EXPECT("dt_second", shmdt(q), 0);
	EXPECT("dt_again", sys_res(shmdt(q)), -EINVAL);
	EXPECT("dt_unaligned", sys_res(shmdt(p + 1)), -EINVAL);
	EXPECT("nattch_1", (long)st_of(id).shm_nattch, 1);
	char *fixed = mmap(NULL, SZ, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	EXPECT("unaligned_at", sys_res((long)shmat(id, fixed + 5, 0)), -EINVAL);
	EXPECT("remap_null", sys_res((long)shmat(id, NULL, SHM_REMAP)), -EINVAL);
	munmap(fixed, SZ);
	char *r = shmat(id, fixed + 5, SHM_RND);
	test_result("rnd", r == fixed && strcmp(r, "hello") == 0, "got %p want %p (%s)",
		    (void *)r, (void *)fixed, strerror(errno));
	EXPECT("overlap", sys_res((long)shmat(id, fixed, 0)), -EINVAL);
	EXPECT("remap", (long)shmat(id, fixed, SHM_REMAP), (long)fixed);
	EXPECT("nattch_remap", (long)st_of(id).shm_nattch, 2);
	EXPECT("munmap_detaches", munmap(fixed, SZ), 0);
	EXPECT("nattch_munmap", (long)st_of(id).shm_nattch, 1);
	EXPECT("dt_first", shmdt(p), 0);
	EXPECT("nattch_0", (long)st_of(id).shm_nattch, 0);
	EXPECT("bad_id_at", sys_res((long)shmat(id + 1, NULL, 0)), -EINVAL);
	shmctl(id, IPC_RMID, NULL);
}

/* Attachments are inherited by fork and dropped at exit and exec. */
static void test_fork_exec(const char *self)
{
	int id = shmget(IPC_PRIVATE, SZ, 0600), fds[2];
	char *p = shmat(id, NULL, 0);
	if (p == (void *)-1 || pipe(fds))
		return;
	pid_t pid = fork();
	if (pid == 0) {
		strcpy(p, "child");
		char c;
		close(fds[1]);
		(void)!read(fds[0], &c, 1);
		execl(self, self, "exec-hold", (char *)NULL);
		_exit(9);
	}
	close(fds[0]);
	long deadline = sysv_now_ms() + 5000;
	while (strcmp(p, "child") != 0 && sysv_now_ms() < deadline)
		sched_yield();
	test_result("fork_shared", strcmp(p, "child") == 0, "%.8s", p);
	EXPECT("fork_nattch", (long)st_of(id).shm_nattch, 2);
	(void)!write(fds[1], "x", 1);
	close(fds[1]);
	EXPECT("exec_child", sysv_wait(pid), 7);
	EXPECT("exec_exit_nattch", (long)st_of(id).shm_nattch, 1);
	pid = fork();
	if (pid == 0) {
		int s = shmat(id, NULL, 0) == (void *)-1;
		_exit(s);
	}
	EXPECT("attached_child", sysv_wait(pid), 0);
	struct shmid_ds ds = st_of(id);
	test_result("exit_detaches", ds.shm_nattch == 1 && ds.shm_lpid == pid && ds.shm_dtime > 0,
		    "nattch %lu lpid %d", (unsigned long)ds.shm_nattch, ds.shm_lpid);
	shmdt(p);
	shmctl(id, IPC_RMID, NULL);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "exec-hold") == 0)
		return 7;
	test_begin("sysv_shm");
	test_get();
	test_attach();
	test_fork_exec(argv[0][0] == '/' ? argv[0] : "/proc/self/exe");
	test_end();
}
