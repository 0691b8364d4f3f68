/* POSIX record locks and open file description locks within one process (fcntl F_SETLK,
 * F_GETLK, F_OFD_*): argument errors, ranges (whence, negative lengths, to EOF) split and
 * merged by unlock, upgrade and downgrade, as another process sees them through F_GETLK, and
 * /proc/locks. file_locks_procs.c has the waits and ownership across processes. Linux's
 * behaviour throughout (also run on the host). */
#include "file_locks.h"

/* ---- argument checks ------------------------------------------------------------------------ */

static void test_errors(void)
{
	int fd = lock_open(O_RDWR), rd = lock_open(O_RDONLY), wr = lock_open(O_WRONLY);
	struct flock fl = flock_of(7, 0, 1);
	ERR("bad_type_einval", fcntl(fd, F_SETLK, &fl), EINVAL);
	fl = flock_of(F_RDLCK, 0, 1);
	fl.l_whence = 9;
	ERR("bad_whence_einval", fcntl(fd, F_SETLK, &fl), EINVAL);
	ERR("negative_start_einval", lock_range(fd, F_SETLK, F_WRLCK, -1, 1), EINVAL);
	ERR("negative_len_before_0_einval", lock_range(fd, F_SETLK, F_WRLCK, 2, -3), EINVAL);
	ERR("start_overflow_eoverflow", lock_range(fd, F_SETLK, F_WRLCK, INT64_MAX, 2), EOVERFLOW);
	ERR("rdlck_on_wronly_ebadf", lock_range(wr, F_SETLK, F_RDLCK, 0, 1), EBADF);
	ERR("wrlck_on_rdonly_ebadf", lock_range(rd, F_SETLKW, F_WRLCK, 0, 1), EBADF);
	VAL("unlck_on_rdonly_ok", lock_range(rd, F_SETLK, F_UNLCK, 0, 1), 0);
	ERR("getlk_unlck_einval", lock_range(fd, F_GETLK, F_UNLCK, 0, 1), EINVAL);
	ERR("bad_fd_ebadf", lock_range(-1, F_SETLK, F_WRLCK, 0, 1), EBADF);
	ERR("closed_fd_ebadf", lock_range(999, F_GETLK, F_WRLCK, 0, 1), EBADF);
	ERR("bad_pointer_efault", fcntl(fd, F_SETLK, (void *)1), EFAULT);
	fl = flock_of(F_WRLCK, 0, 1);
	fl.l_pid = 1;
	ERR("ofd_pid_not_zero_einval", fcntl(fd, F_OFD_SETLK, &fl), EINVAL);
	int opath = open(lock_path, O_PATH);
	ERR("opath_ebadf", lock_range(opath, F_GETLK, F_WRLCK, 0, 1), EBADF);
	close(opath);
	close(fd);
	close(rd);
	close(wr);
}

/* ---- ranges --------------------------------------------------------------------------------- */

static void test_ranges(void)
{
	pid_t me = getpid();
	int fd = lock_open(O_RDWR);
	VAL("setlk_wrlck", lock_range(fd, F_SETLK, F_WRLCK, 10, 10), 0);
	SEES("getlk_sees_conflict", F_GETLK, F_RDLCK, 0, 100, F_WRLCK, 10, 10, me);
	SEES("getlk_free_range", F_GETLK, F_WRLCK, 20, 5, F_UNLCK, 0, 0, 0);
	struct flock fl = flock_of(F_WRLCK, 0, 0);
	CHECK("own_lock_no_conflict", fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type == F_UNLCK);

	VAL("unlock_middle", lock_range(fd, F_SETLK, F_UNLCK, 14, 2), 0);
	SEES("split_first_part", F_GETLK, F_WRLCK, 0, 0, F_WRLCK, 10, 4, me);
	SEES("split_hole_free", F_GETLK, F_WRLCK, 14, 2, F_UNLCK, 0, 0, 0);
	SEES("split_second_part", F_GETLK, F_WRLCK, 15, 0, F_WRLCK, 16, 4, me);

	VAL("relock_hole_merges", lock_range(fd, F_SETLK, F_WRLCK, 14, 2), 0);
	SEES("merged_whole", F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 10, 10, me);
	VAL("adjacent_merges", lock_range(fd, F_SETLK, F_WRLCK, 20, 5), 0);
	SEES("merged_adjacent", F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 10, 15, me);

	VAL("downgrade_middle", lock_range(fd, F_SETLK, F_RDLCK, 12, 3), 0);
	SEES("downgrade_allows_readers", F_GETLK, F_RDLCK, 12, 3, F_UNLCK, 0, 0, 0);
	SEES("downgrade_left_part", F_GETLK, F_WRLCK, 0, 0, F_WRLCK, 10, 2, me);
	SEES("downgrade_read_part", F_GETLK, F_WRLCK, 12, 1, F_RDLCK, 12, 3, me);
	VAL("upgrade_back", lock_range(fd, F_SETLK, F_WRLCK, 12, 3), 0);
	SEES("upgrade_merges", F_GETLK, F_RDLCK, 0, 0, F_WRLCK, 10, 15, me);
	VAL("unlock_all", lock_range(fd, F_SETLK, F_UNLCK, 0, 0), 0);
	SEES("unlocked", F_GETLK, F_WRLCK, 0, 0, F_UNLCK, 0, 0, 0);

	VAL("negative_len", lock_range(fd, F_SETLK, F_WRLCK, 10, -5), 0);
	SEES("negative_len_range", F_GETLK, F_WRLCK, 0, 0, F_WRLCK, 5, 5, me);
	lock_range(fd, F_SETLK, F_UNLCK, 0, 0);
	lseek(fd, 50, SEEK_SET);
	fl = flock_of(F_WRLCK, 5, 5);
	fl.l_whence = SEEK_CUR;
	VAL("seek_cur", fcntl(fd, F_SETLK, &fl), 0);
	SEES("seek_cur_range", F_GETLK, F_WRLCK, 0, 0, F_WRLCK, 55, 5, me);
	lock_range(fd, F_SETLK, F_UNLCK, 0, 0);
	ftruncate(fd, 200);
	fl = flock_of(F_RDLCK, -10, 0);
	fl.l_whence = SEEK_END;
	VAL("seek_end", fcntl(fd, F_SETLK, &fl), 0);
	SEES("seek_end_to_eof", F_GETLK, F_WRLCK, 0, 0, F_RDLCK, 190, 0, me);
	close(fd);
	SEES("close_releases", F_GETLK, F_WRLCK, 0, 0, F_UNLCK, 0, 0, 0);
}

/* ---- /proc/locks ---------------------------------------------------------------------------- */

static void test_proc_locks(void)
{
	char id[64], want[160];
	lock_file_id(id, sizeof(id));
	int a = lock_open(O_RDWR), b = lock_open(O_RDWR);
	lock_range(a, F_SETLK, F_WRLCK, 5, 10);
	lock_range(b, F_OFD_SETLK, F_RDLCK, 50, 3);
	lock_range(a, F_SETLK, F_RDLCK, 100, 0);
	snprintf(want, sizeof(want), "POSIX  ADVISORY  WRITE %d %s 5 14", (int)getpid(), id);
	test_result("proc_locks_posix", proc_locks_has(want), "no line \"%s\"", want);
	snprintf(want, sizeof(want), "OFDLCK ADVISORY  READ -1 %s 50 52", id);
	test_result("proc_locks_ofd", proc_locks_has(want), "no line \"%s\"", want);
	snprintf(want, sizeof(want), "POSIX  ADVISORY  READ %d %s 100 EOF", (int)getpid(), id);
	test_result("proc_locks_eof", proc_locks_has(want), "no line \"%s\"", want);
	close(a);
	close(b);
	CHECK("proc_locks_gone", !proc_locks_has(want));
}

int main(void)
{
	test_begin("file_locks");
	lock_file_init("file_locks");
	test_errors();
	test_ranges();
	test_proc_locks();
	unlink(lock_path);
	test_end();
}
