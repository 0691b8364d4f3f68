/* Regressions (two CI failures) in the blocking open of a FIFO, which counts its end and then
 * waits for a partner end:
 * - fifo_open_race: the reader opens first; a writer could open, write and close before the
 *   reader went to sleep; the reader looked at the open count only when going to sleep, missed
 *   it, and slept for ever.
 * - reader_misses_writer (the busybox suite's `cat fifo` hung): the writer sleeps in open first;
 *   the reader's open wakes it, and the writer, scheduled at once, writes and closes before the
 *   reader decides whether to wait; the reader then waited for a writer opening after it,
 *   though one had been open when it arrived. The writer is seen asleep in open through
 *   /proc/<pid>/syscall; the reader runs at a lower priority so that an interrupt in its open
 *   hands the CPU to the writer (the preemption the race needs comes in a few rounds only).
 * Many rounds of each, every open under an alarm, so that a lost wake-up fails instead of
 * hanging. */
#include "test.h"
#include "proc_wait.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define ROUNDS 200
#define PATH "/tmp/fifo_open_race"

static void on_alarm(int sig)
{
	(void)sig;
}

/* ROUNDS of: a child opens for writing and writes one byte; we open for reading (after the
 * child sleeps in its open when writer_first) and read it. */
static void rounds(const char *name, bool writer_first)
{
	int opened = 0, got_data = 0, writer_slept = 0;
	for (int i = 0; i < ROUNDS; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			setpriority(PRIO_PROCESS, 0, 0);
			int fd = open(PATH, O_WRONLY);
			_exit(fd >= 0 && write(fd, "x", 1) == 1 ? 0 : 1);
		}
		if (writer_first)
			writer_slept += proc_wait_in_syscall(pid, SYS_open, SYS_openat, 10);
		alarm(10);
		int fd = open(PATH, O_RDONLY);
		alarm(0);
		if (fd < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			break;
		}
		opened++;
		char c;
		if (read(fd, &c, 1) == 1 && c == 'x')
			got_data++;
		close(fd);
		waitpid(pid, NULL, 0);
	}
	char label[80];
	if (writer_first) {
		snprintf(label, sizeof(label), "%s/writer-asleep-in-open", name);
		test_result(label, writer_slept >= opened, "the writer slept in open first in %d of %d",
			    writer_slept, opened);
	}
	snprintf(label, sizeof(label), "%s/every-open-returns", name);
	test_result(label, opened == ROUNDS, "%d of %d opens returned", opened, ROUNDS);
	snprintf(label, sizeof(label), "%s/every-write-arrives", name);
	test_result(label, got_data == ROUNDS, "%d of %d", got_data, ROUNDS);
}

int main(void)
{
	test_begin("fifo_open_race");
	mkdir("/tmp", 01777);
	unlink(PATH);
	CHECK("mkfifo", mkfifo(PATH, 0600) == 0);
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART: open returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	rounds("reader_first", false);
	setpriority(PRIO_PROCESS, 0, 19);
	rounds("reader_misses_writer", true);
	unlink(PATH);
	test_end();
}
