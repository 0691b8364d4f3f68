/* System V semaphores (semget(2), semop(2), semctl(2)): creation rules, values and their
 * ranges, atomic all-or-nothing arrays, IPC_NOWAIT, the stat and info commands, an
 * unprivileged caller's errors (sysv_sem_wait.c has the sleeps and SEM_UNDO). */
#include "sysv_sem.h"

static void test_get(void)
{
	EXPECT("nsems_neg", sys_res(semget(IPC_PRIVATE, -1, 0600)), -EINVAL);
	EXPECT("nsems_zero", sys_res(semget(IPC_PRIVATE, 0, 0600)), -EINVAL);
	EXPECT("nsems_big", sys_res(semget(IPC_PRIVATE, 32001, 0600)), -EINVAL);
	key_t k = sysv_key();
	EXPECT("no_key", sys_res(semget(k, 1, 0600)), -ENOENT);
	int id = semget(k, 3, IPC_CREAT | IPC_EXCL | 0600);
	CHECK("create", id >= 0);
	EXPECT("excl", sys_res(semget(k, 3, IPC_CREAT | IPC_EXCL | 0600)), -EEXIST);
	EXPECT("fewer", semget(k, 2, 0), id);
	EXPECT("zero_existing", semget(k, 0, 0), id);
	EXPECT("more", sys_res(semget(k, 4, 0)), -EINVAL);
	struct semid_ds ds;
	EXPECT("stat", semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds }), 0);
	test_result("stat_fields", ds.sem_nsems == 3 && (ds.sem_perm.mode & 0777) == 0600 &&
		    ds.sem_otime == 0 && ds.sem_ctime > 0 && ds.sem_perm.__key == k,
		    "nsems %lu mode %o", (unsigned long)ds.sem_nsems, ds.sem_perm.mode);
	EXPECT("rmid", semctl(id, 0, IPC_RMID), 0);
	EXPECT("stale", sys_res(semctl(id, 0, GETVAL)), -EINVAL);
}

static void test_values(void)
{
	int id = semget(IPC_PRIVATE, 2, 0600);
	EXPECT("initial", semctl(id, 1, GETVAL), 0);
	EXPECT("setval", setval(id, 1, 5), 0);
	EXPECT("getval", semctl(id, 1, GETVAL), 5);
	EXPECT("getpid_setval", semctl(id, 1, GETPID), getpid());
	EXPECT("setval_range", sys_res(setval(id, 0, 32768)), -ERANGE);
	EXPECT("setval_neg", sys_res(setval(id, 0, -1)), -ERANGE);
	EXPECT("semnum_range", sys_res(semctl(id, 2, GETVAL)), -EINVAL);
	unsigned short all[2] = { 7, 32767 }, got[2] = { 0, 0 };
	EXPECT("setall", semctl(id, 0, SETALL, (union semun){ .array = all }), 0);
	EXPECT("getall", semctl(id, 0, GETALL, (union semun){ .array = got }), 0);
	test_result("getall_vals", got[0] == 7 && got[1] == 32767, "%u %u", got[0], got[1]);
	all[0] = 32768;
	EXPECT("setall_range", sys_res(semctl(id, 0, SETALL, (union semun){ .array = all })),
	       -ERANGE);
	EXPECT("getall_efault", sys_res(semctl(id, 0, GETALL, (union semun){ .array = (void *)8 })),
	       -EFAULT);
	EXPECT("op_range", sys_res(op(id, 1, 1, 0)), -ERANGE);
	EXPECT("nsops_zero", sys_res(semop(id, NULL, 0)), -EINVAL);
	struct sembuf many[501];
	memset(many, 0, sizeof(many));
	EXPECT("e2big", sys_res(semop(id, many, 501)), -E2BIG);
	EXPECT("efbig", sys_res(op(id, 2, 1, 0)), -EFBIG);
	EXPECT("nowait", sys_res(op(id, 0, -8, IPC_NOWAIT)), -EAGAIN);
	struct sembuf two[2] = { { 0, -1, 0 }, { 1, -32767, 0 } };
	struct sembuf three[2] = { { 0, -1, 0 }, { 1, -1, IPC_NOWAIT } };
	EXPECT("pair", semop(id, two, 2), 0);
	EXPECT("pair_vals", semctl(id, 0, GETVAL) * 100000 + semctl(id, 1, GETVAL), 600000);
	EXPECT("atomic_nowait", sys_res(semop(id, three, 2)), -EAGAIN);
	EXPECT("atomic_unchanged", semctl(id, 0, GETVAL), 6);
	EXPECT("getpid_op", semctl(id, 0, GETPID), getpid());
	EXPECT("zero_nowait", sys_res(op(id, 0, 0, IPC_NOWAIT)), -EAGAIN);
	EXPECT("zero_ok", op(id, 1, 0, 0), 0);
	semctl(id, 0, IPC_RMID);
}

static void test_info(void)
{
	int id = semget(IPC_PRIVATE, 2, 0640);
	struct seminfo si;
	int max = semctl(0, 0, IPC_INFO, (union semun){ .info = &si });
	test_result("ipc_info", max >= id % 32768 && si.semmsl == 32000 && si.semopm == 500 &&
		    si.semvmx == 32767, "max %d semmsl %d semopm %d", max, si.semmsl, si.semopm);
	int max2 = semctl(0, 0, SEM_INFO, (union semun){ .info = &si });
	test_result("sem_info", max2 == max && si.semusz >= 1 && si.semaem >= 2,
		    "max %d semusz %d semaem %d", max2, si.semusz, si.semaem);
	struct semid_ds ds;
	EXPECT("sem_stat", semctl(id % 32768, 0, SEM_STAT, (union semun){ .buf = &ds }), id);
	unsigned long v[4] = { 0 };
	bool listed = sysv_proc_line("sem", id, v, 4);
	test_result("proc_sysvipc", listed && (v[2] & 0777) == 0640 && v[3] == 2,
		    "listed %d perms %lo nsems %lu", listed, v[2], v[3]);
	ds.sem_perm.mode = 0600;
	EXPECT("set", semctl(id, 0, IPC_SET, (union semun){ .buf = &ds }), 0);
	semctl(id, 0, IPC_STAT, (union semun){ .buf = &ds });
	EXPECT("set_mode", ds.sem_perm.mode & 0777, 0600);
	semctl(id, 0, IPC_RMID);
}

static int nobody_ops(long id)
{
	struct semid_ds ds;
	if (op((int)id, 0, 1, 0) == 0 || errno != EACCES)
		return 1;
	if (semctl((int)id, 0, GETVAL) >= 0 || errno != EACCES)
		return 2;
	if (setval((int)id, 0, 1) == 0 || errno != EACCES)
		return 3;
	if (semctl((int)id, 0, IPC_RMID) == 0 || errno != EPERM)
		return 4;
	if (semctl((int)id, 0, IPC_STAT, (union semun){ .buf = &ds }) == 0 || errno != EACCES)
		return 5;
	if (semctl((int)id % 32768, 0, SEM_STAT_ANY, (union semun){ .buf = &ds }) != (int)id)
		return 6;
	return 0;
}

int main(void)
{
	test_begin("sysv_sem");
	test_get();
	test_values();
	test_info();
	int id = semget(IPC_PRIVATE, 1, 0600);
	EXPECT("nobody", sysv_as_nobody(nobody_ops, id), 0);
	semctl(id, 0, IPC_RMID);
	test_end();
}
