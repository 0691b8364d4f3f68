/* linux_init: PID 1 of the reference Linux's initramfs (bench/README.md). It mounts what zbench
 * needs (proc, devtmpfs on /dev, devpts on /dev/pts, tmpfs on /tmp), prints one marker line,
 * runs /bench/zbench with the arguments Linux passes to init (those after "--" on the kernel
 * command line, except the "initrd=..." that OVMF appends), prints its exit status, and powers
 * the machine off. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void say(const char *fmt, const char *a, long n)
{
	char line[256];
	int len = snprintf(line, sizeof(line), fmt, a, n);
	if (len > 0)
		(void)!write(1, line, len < (int)sizeof(line) ? len : (int)sizeof(line) - 1);
}

static void mount_fs(const char *src, const char *dir, const char *type)
{
	mkdir(dir, 0755);
	if (mount(src, dir, type, 0, NULL) != 0 && errno != EBUSY)
		say("init: mount %s failed: errno %ld\n", dir, errno);
}

int main(int argc, char **argv)
{
	/* The kernel opens /dev/console for us when the initramfs has the node; if it did not,
	 * take the console from devtmpfs. */
	mount_fs("devtmpfs", "/dev", "devtmpfs");
	if (fcntl(1, F_GETFD) < 0) {
		int fd = open("/dev/console", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0), dup2(fd, 1), dup2(fd, 2);
			if (fd > 2)
				close(fd);
		}
	}
	struct timespec bt;
	clock_gettime(CLOCK_BOOTTIME, &bt);
	/* The runner's "init's first line" marker; the kernel's clock reading since its start. */
	say("INIT: zbench linux init, %s%ld ms since kernel clock start\n", "",
	    (long)(bt.tv_sec * 1000 + bt.tv_nsec / 1000000));
	mount_fs("proc", "/proc", "proc");
	mount_fs("devpts", "/dev/pts", "devpts"); /* pty_roundtrip's pseudo-terminals */
	mount_fs("tmpfs", "/tmp", "tmpfs");

	char *args[64];
	int n = 0;
	args[n++] = "/bench/zbench";
	for (int i = 1; i < argc && n < 63; i++) {
		/* OVMF appends "initrd=initrd" to the command line of a -kernel boot: not ours */
		if (strncmp(argv[i], "initrd=", 7) != 0)
			args[n++] = argv[i];
	}
	args[n] = NULL;
	char *envp[] = { "PATH=/bench", NULL };

	long status = -1;
	pid_t pid = fork();
	if (pid == 0) {
		execve(args[0], args, envp);
		say("init: execve %s failed: errno %ld\n", args[0], errno);
		_exit(127);
	}
	if (pid > 0) {
		int st;
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
		status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	}
	say("INIT: zbench exited with status %s%ld\n", "", status);
	sync();
	reboot(RB_POWER_OFF);
	say("init: power off failed: errno %s%ld\n", "", errno);
	for (;;)
		pause();
}
