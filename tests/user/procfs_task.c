/* procfs: /proc/<pid>/task/ and the per-thread files of a 3-thread process, as Linux has them:
 * the listing, each thread's stat, status, comm and syscall (a thread blocked in read() of a
 * pipe shows syscall 0 and state S), /proc/<tid> of a thread that is not the leader (resolved,
 * not listed), and a thread that exits: its entries go, and its open files read ESRCH.
 * Runs on the host's Linux too (USER_LINUX_TEST_NAMES): its expectations are Linux's. */
#define _GNU_SOURCE
#include "test.h"
#include "proc_wait.h"
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define TEXT_MAX 4096
#define WAIT_S 10
#define NTHREADS 3

/* A thread that names itself, says its tid, and blocks reading its pipe until told to end. */
struct sleeper {
	const char *name;
	int pipe[2];
	pid_t tid; /* written by the thread before it blocks */
	pthread_t handle;
};

static struct sleeper reader = { .name = "task-reader" }, leaver = { .name = "task-leaver" };
static char text[TEXT_MAX];

static void *sleeper_main(void *arg)
{
	struct sleeper *s = arg;
	char c;
	prctl(PR_SET_NAME, s->name);
	__atomic_store_n(&s->tid, (pid_t)syscall(SYS_gettid), __ATOMIC_RELEASE);
	while (read(s->pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/* Start s; true once it sleeps in read() (its task/<tid>/syscall shows 0). */
static bool sleeper_start(struct sleeper *s)
{
	if (pipe(s->pipe) || pthread_create(&s->handle, NULL, sleeper_main, s))
		return false;
	time_t end = time(NULL) + WAIT_S;
	while (!__atomic_load_n(&s->tid, __ATOMIC_ACQUIRE) ||
	       proc_thread_syscall_of(getpid(), s->tid) != SYS_read) {
		if (time(NULL) > end)
			return false;
		sched_yield();
	}
	return true;
}

static void sleeper_end(struct sleeper *s)
{
	if (write(s->pipe[1], "x", 1) == 1)
		pthread_join(s->handle, NULL);
}

/* The file's text (one read: these are small), NUL-terminated in text: its length or -errno. */
static long read_text(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	long n = read(fd, text, sizeof(text) - 1);
	long r = n < 0 ? -errno : n;
	close(fd);
	text[n > 0 ? n : 0] = 0;
	return r;
}

/* The same for /proc/self/task/<tid>/<file>. */
static long read_task(pid_t tid, const char *file)
{
	char path[96];
	snprintf(path, sizeof(path), "/proc/self/task/%d/%s", (int)tid, file);
	return read_text(path);
}

/* Does directory dir list name (as a directory)? */
static bool lists(const char *dir, pid_t id)
{
	char name[16];
	snprintf(name, sizeof(name), "%d", (int)id);
	bool found = false;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strcmp(e->d_name, name) && e->d_type == DT_DIR)
			found = true;
	if (d)
		closedir(d);
	return found;
}

/* How many thread directories task/ lists (the dots aside). */
static int task_count(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;
	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return d ? n : -1;
}

static void test_listing(void)
{
	pid_t me = getpid();
	int n = task_count();
	test_result("task_lists_3", n == NTHREADS, "%d entries", n);
	CHECK("task_lists_tids", lists("/proc/self/task", me) &&
					 lists("/proc/self/task", reader.tid) &&
					 lists("/proc/self/task", leaver.tid));
	struct stat st;
	CHECK("task_dir_mode", stat("/proc/self/task", &st) == 0 && S_ISDIR(st.st_mode) &&
				       (st.st_mode & 0777) == 0555);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d", (int)getppid());
	errno = 0;
	CHECK("task_other_tid_enoent", stat(path, &st) < 0 && errno == ENOENT);
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)reader.tid);
	CHECK("task_syscall_0400", stat(path, &st) == 0 && (st.st_mode & 0777) == 0400);
}

/* stat of thread tid: its id, name and state come first. */
static bool stat_head(pid_t tid, const char *name, char state, char *got, size_t n)
{
	int id = 0;
	char comm[32] = "", st = 0;
	if (read_task(tid, "stat") > 0)
		sscanf(text, "%d (%31[^)]) %c", &id, comm, &st);
	snprintf(got, n, "%d (%s) %c", id, comm, st);
	return id == tid && !strcmp(comm, name) && st == state;
}

static void test_stat(void)
{
	char got[64], self_comm[32] = "";
	pid_t me = getpid();
	read_text("/proc/self/comm");
	sscanf(text, "%31s", self_comm);
	test_result("stat_reader", stat_head(reader.tid, reader.name, 'S', got, sizeof(got)),
		    "got \"%s\"", got);
	test_result("stat_main", stat_head(me, self_comm, 'R', got, sizeof(got)), "got \"%s\"",
		    got);
	/* Field 20, num_threads, is the process's: the 18th after the name. */
	long threads = 0;
	char *after = read_task(reader.tid, "stat") > 0 ? strrchr(text, ')') : NULL;
	if (after)
		sscanf(after + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d "
				  "%*d %*d %ld", &threads);
	test_result("stat_num_threads", threads == NTHREADS, "%ld", threads);
}

static void test_status_comm(void)
{
	char want[96];
	read_task(reader.tid, "comm");
	test_result("comm_thread", !strcmp(text, "task-reader\n"), "got \"%s\"", text);
	read_task(reader.tid, "status");
	snprintf(want, sizeof(want), "Tgid:\t%d\n", (int)getpid());
	bool tgid = strstr(text, want);
	snprintf(want, sizeof(want), "\nPid:\t%d\n", (int)reader.tid);
	bool pid = strstr(text, want);
	CHECK("status_thread", !strncmp(text, "Name:\ttask-reader\n", 18) && tgid && pid &&
				       strstr(text, "State:\tS (sleeping)\n"));
	read_text("/proc/self/comm");
	CHECK("comm_process_unchanged", strcmp(text, "task-reader\n") != 0);
}

/* The reader sleeps in read(its pipe, buf, 1); the main thread reads its own as read(). */
static void test_syscall(void)
{
	long n = read_task(reader.tid, "syscall");
	char want[32];
	snprintf(want, sizeof(want), "0 0x%x ", reader.pipe[0]);
	bool args = n > 0 && !strncmp(text, want, strlen(want)) && strstr(text, " 0x1 ");
	test_result("syscall_reader_read", args, "got \"%s\"", text);
	n = read_task(getpid(), "syscall");
	test_result("syscall_main_self", n > 0 && text[0] == '0' && text[1] == ' ', "got \"%s\"",
		    text);
}

/* /proc/<tid> of a thread that is not the leader: its files are the thread's, and readdir of
 * /proc does not show it. */
static void test_tid_in_root(void)
{
	char path[64], want[32];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)reader.tid);
	long n = read_text(path);
	snprintf(want, sizeof(want), "\nPid:\t%d\n", (int)reader.tid);
	test_result("root_tid_resolves", n > 0 && strstr(text, want), "%s: %ld", path, n);
	CHECK("root_tid_hidden", !lists("/proc", reader.tid) && lists("/proc", getpid()));
	snprintf(path, sizeof(path), "/proc/%d/task", (int)reader.tid);
	CHECK("root_tid_task", lists(path, leaver.tid));
}

/* The leaver exits: its directory leaves the listing, a lookup is ENOENT, and a file opened
 * before reads ESRCH once read again from the start. */
static void test_exit(void)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)leaver.tid);
	int fd = open(path, O_RDONLY);
	char c;
	bool read_before = fd >= 0 && read(fd, &c, 1) == 1;
	sleeper_end(&leaver);
	/* The join returns when the thread clears its tid, a little before it is gone. */
	time_t end = time(NULL) + WAIT_S;
	while (lists("/proc/self/task", leaver.tid) && time(NULL) <= end)
		sched_yield();
	CHECK("exited_not_listed", !lists("/proc/self/task", leaver.tid) &&
					   task_count() == NTHREADS - 1);
	errno = 0;
	CHECK("exited_lookup_enoent", open(path, O_RDONLY) < 0 && errno == ENOENT);
	errno = 0;
	bool esrch = lseek(fd, 0, SEEK_SET) == 0 && read(fd, &c, 1) < 0 && errno == ESRCH;
	test_result("exited_open_file_esrch", read_before && esrch, "errno %d", errno);
	close(fd);
}

int main(void)
{
	test_begin("procfs_task");
	if (!sleeper_start(&reader) || !sleeper_start(&leaver)) {
		test_result("threads_asleep", false, "no thread asleep in read (errno %d)", errno);
		test_end();
	}
	test_listing();
	test_stat();
	test_status_comm();
	test_syscall();
	test_tid_in_root();
	test_exit();
	sleeper_end(&reader);
	test_end();
}
