/* System V shared memory's control side (shmctl(2)): IPC_RMID keeping an attached segment
 * until its last detach, IPC_SET, the *_INFO and *_STAT commands, SHM_LOCK, and the permission
 * errors of an unprivileged caller. */
#include "sysv.h"
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/mman.h>
#include <sys/shm.h>

#define SZ 8192

/* IPC_RMID of an attached segment: SHM_DEST, the key freed, the id alive until the detach. */
static void test_rmid_attached(void)
{
	key_t k = sysv_key();
	int id = shmget(k, SZ, IPC_CREAT | 0600);
	char *p = shmat(id, NULL, 0);
	EXPECT("rmid_attached", shmctl(id, IPC_RMID, NULL), 0);
	struct shmid_ds ds = st_of(id);
	test_result("dest_mode", (ds.shm_perm.mode & SHM_DEST) &&
		    ds.shm_perm.__key == IPC_PRIVATE && ds.shm_nattch == 1, "mode %o key %x nattch %lu", ds.shm_perm.mode,
		    ds.shm_perm.__key, (unsigned long)ds.shm_nattch);
	EXPECT("dest_key_free", sys_res(shmget(k, SZ, 0600)), -ENOENT);
	strcpy(p, "still");
	test_result("dest_usable", strcmp(p, "still") == 0, "%s", p);
	int id2 = shmget(k, SZ, IPC_CREAT | IPC_EXCL | 0600);
	test_result("dest_key_reuse", id2 >= 0 && id2 != id, "id2 %d", id2);
	shmctl(id2, IPC_RMID, NULL);
	EXPECT("dest_dt", shmdt(p), 0);
	EXPECT("dest_gone", sys_res(shmctl(id, IPC_STAT, &ds)), -EINVAL);
}

static void test_ctl(void)
{
	int id = shmget(IPC_PRIVATE, SZ, 0600);
	struct shmid_ds ds = st_of(id);
	ds.shm_perm.mode = 0644 | SHM_DEST;
	EXPECT("set", shmctl(id, IPC_SET, &ds), 0);
	EXPECT("set_mode", st_of(id).shm_perm.mode & 0777, 0644);
	EXPECT("set_no_dest", st_of(id).shm_perm.mode & SHM_DEST, 0);
	EXPECT("set_efault", sys_res(shmctl(id, IPC_SET, (void *)8)), -EFAULT);
	ds = st_of(id);
	ds.shm_perm.uid = (uid_t)-1;
	EXPECT("set_bad_uid", sys_res(shmctl(id, IPC_SET, &ds)), -EINVAL);
	EXPECT("stat_efault", sys_res(shmctl(id, IPC_STAT, (void *)8)), -EFAULT);
	struct shminfo info;
	int maxidx = shmctl(0, IPC_INFO, (void *)&info);
	test_result("ipc_info", maxidx >= id % 32768 && info.shmmin == 1 && info.shmmni > 0 &&
		    info.shmmax > SZ, "ret %d shmmni %lu", maxidx, info.shmmni);
	struct shm_info si;
	int maxidx2 = shmctl(0, SHM_INFO, (void *)&si);
	test_result("shm_info", maxidx2 == maxidx && si.used_ids >= 1 && si.shm_tot >= 2,
		    "ret %d used %d tot %lu", maxidx2, si.used_ids, si.shm_tot);
	EXPECT("shm_stat", shmctl(id % 32768, SHM_STAT, &ds), id);
	unsigned long v[7] = { 0 };
	char *p = shmat(id, NULL, 0);
	bool listed = sysv_proc_line("shm", id, v, 7);
	test_result("proc_sysvipc", listed && v[0] == 0 && (v[2] & 0777) == 0644 && v[3] == SZ &&
		    v[4] == (unsigned long)getpid() && v[6] == 1, "listed %d perms %lo size %lu "
		    "nattch %lu", listed, v[2], v[3], v[6]);
	shmdt(p);
	EXPECT("shm_stat_any", shmctl(id % 32768, SHM_STAT_ANY, &ds), id);
	EXPECT("lock", shmctl(id, SHM_LOCK, NULL), 0);
	EXPECT("locked_mode", st_of(id).shm_perm.mode & SHM_LOCKED, SHM_LOCKED);
	EXPECT("unlock", shmctl(id, SHM_UNLOCK, NULL), 0);
	EXPECT("unlocked_mode", st_of(id).shm_perm.mode & SHM_LOCKED, 0);
	shmctl(id, IPC_RMID, NULL);
}

static int nobody_ops(long id)
{
	struct shmid_ds ds;
	if (shmat((int)id, NULL, SHM_RDONLY) != (void *)-1 || errno != EACCES)
		return 1;
	if (shmctl((int)id, IPC_STAT, &ds) == 0 || errno != EACCES)
		return 2;
	if (shmctl((int)id, IPC_RMID, NULL) == 0 || errno != EPERM)
		return 3;
	if (shmctl((int)id, IPC_SET, &ds) == 0 || errno != EPERM)
		return 4;
	if (shmctl((int)id % 32768, SHM_STAT, &ds) == 0 || errno != EACCES)
		return 5;
	if (shmctl((int)id % 32768, SHM_STAT_ANY, &ds) != (int)id)
		return 6;
	if (shmctl((int)id, SHM_LOCK, NULL) == 0 || errno != EPERM)
		return 7;
	return 0;
}

static int nobody_get(long key)
{
	return sysv_errno(shmget((key_t)key, SZ, 0400));
}

static void test_perm(void)
{
	key_t k = sysv_key();
	int id = shmget(k, SZ, IPC_CREAT | 0600);
	EXPECT("nobody_get", sysv_as_nobody(nobody_get, k), EACCES);
	EXPECT("nobody_ops", sysv_as_nobody(nobody_ops, id), 0);
	shmctl(id, IPC_RMID, NULL);
}

/* The first numbers of a /proc/sys file, or -1s. */
static int sysctl_longs(const char *path, long *v, int n)
{
	FILE *f = fopen(path, "r");
	int got = 0;
	for (int i = 0; i < n; i++)
		v[i] = -1;
	while (f && got < n && fscanf(f, "%ld", &v[got]) == 1)
		got++;
	if (f)
		fclose(f);
	return got;
}

/* The limits in /proc/sys are the ones the *_INFO commands report. */
static void test_sysctl(void)
{
	struct shminfo si;
	struct seminfo sem;
	struct msginfo mi;
	long v[4];
	shmctl(0, IPC_INFO, (void *)&si);
	semctl(0, 0, IPC_INFO, &sem);
	msgctl(0, IPC_INFO, (void *)&mi);
	sysctl_longs("/proc/sys/kernel/shmmni", v, 1);
	EXPECT("sysctl_shmmni", v[0], (long)si.shmmni);
	sysctl_longs("/proc/sys/kernel/shmmax", v, 1);
	test_result("sysctl_shmmax", (unsigned long)v[0] == si.shmmax, "%ld", v[0]);
	int n = sysctl_longs("/proc/sys/kernel/sem", v, 4);
	test_result("sysctl_sem", n == 4 && v[0] == sem.semmsl && v[1] == sem.semmns &&
		    v[2] == sem.semopm && v[3] == sem.semmni, "%ld %ld %ld %ld", v[0], v[1], v[2],
		    v[3]);
	sysctl_longs("/proc/sys/kernel/msgmax", v, 1);
	EXPECT("sysctl_msgmax", v[0], mi.msgmax);
	sysctl_longs("/proc/sys/kernel/msgmnb", v, 1);
	EXPECT("sysctl_msgmnb", v[0], mi.msgmnb);
	sysctl_longs("/proc/sys/kernel/msgmni", v, 1);
	EXPECT("sysctl_msgmni", v[0], mi.msgmni);
	CHECK("sysctl_mq_msg_max", sysctl_longs("/proc/sys/fs/mqueue/msg_max", v, 1) == 1 &&
				     v[0] > 0);
}

int main(void)
{
	test_begin("sysv_shm_ctl");
	test_rmid_attached();
	test_ctl();
	test_perm();
	test_sysctl();
	test_end();
}
