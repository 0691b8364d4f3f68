/* Descriptor rights and capability mode (include/uapi/zero/cap.h): every file operation
 * checks its right, rights only shrink and survive dup/fork, a passed capability reaches only
 * its receiver, capability mode blocks the global name spaces and kill of others while held
 * descriptors keep working, and endpoint calls refuse hostile arguments. Zero-OS only. */
#include "cap_test.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define DENIED(call) ((call) == -1 && errno == ENOTCAPABLE)

static void test_file_rights(void)
{
	int fd = open("/tmp/cap_rights.txt", O_RDWR | O_CREAT | O_TRUNC, 0600);
	uint64_t r = 0;
	CHECK("all_rights_by_default", zero_cap_rights(fd, &r) == 0 && r == ZERO_CAP_ALL);
	write(fd, "abcdef", 6);
	char b[8];
	struct iovec iov = { b, 2 };
	int ro = dup(fd);
	CHECK("limit", zero_cap_limit(ro, ZERO_CAP_READ | ZERO_CAP_STAT) == 0);
	CHECK("limit_per_descriptor", zero_cap_rights(fd, &r) == 0 && r == ZERO_CAP_ALL);
	CHECK("read_allowed", pread(fd, b, 2, 0) == 2 && read(ro, b, 1) == 0);
	CHECK("write_denied", DENIED(write(ro, "x", 1)));
	CHECK("writev_denied", DENIED(writev(ro, &iov, 1)));
	CHECK("pwrite_denied", DENIED(pwrite(ro, "x", 1, 0)));
	CHECK("lseek_denied", DENIED(lseek(ro, 0, SEEK_SET)));
	CHECK("pread_needs_seek", DENIED(pread(ro, b, 1, 0)));
	struct stat st;
	CHECK("fstat_allowed", fstat(ro, &st) == 0 && st.st_size == 6);
	CHECK("dup_denied", DENIED(dup(ro)) && DENIED(dup2(ro, 50)) &&
				    DENIED(fcntl(ro, F_DUPFD, 0)));
	void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK("mmap_allowed", m != MAP_FAILED && ((char *)m)[1] == 'b' && munmap(m, 4096) == 0);
	CHECK("mmap_denied", mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, ro, 0) == MAP_FAILED &&
				     errno == ENOTCAPABLE);
	int wo = dup(fd);
	zero_cap_limit(wo, ZERO_CAP_WRITE | ZERO_CAP_DUPLICATE);
	CHECK("read_denied", DENIED(read(wo, b, 1)));
	CHECK("readv_denied", DENIED(readv(wo, &iov, 1)));
	CHECK("fstat_denied", DENIED(fstat(wo, &st)));
	CHECK("write_allowed", write(wo, "g", 1) == 1);
	CHECK("raise_refused", zero_cap_limit(wo, ZERO_CAP_WRITE | ZERO_CAP_READ) == -1 &&
				       errno == EPERM);
	CHECK("unknown_right", zero_cap_limit(wo, 1ULL << 63) == -1 && errno == EINVAL);
	int wo2 = dup(wo);
	CHECK("dup_keeps_rights", zero_cap_rights(wo2, &r) == 0 &&
					  r == (ZERO_CAP_WRITE | ZERO_CAP_DUPLICATE));
	CHECK("dup2_keeps_rights", dup2(wo, 60) == 60 && zero_cap_rights(60, &r) == 0 &&
					   r == (ZERO_CAP_WRITE | ZERO_CAP_DUPLICATE));
	pid_t pid = fork();
	if (pid == 0)
		_exit(DENIED(read(wo, b, 1)) && write(wo, "h", 1) == 1 ? 0 : 1);
	int status;
	waitpid(pid, &status, 0);
	CHECK("fork_keeps_rights", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* A new descriptor on the same open file has all rights again. */
	close(60);
	CHECK("reopen_all_rights", zero_cap_rights(fd, &r) == 0 && r == ZERO_CAP_ALL);
	CHECK("rights_closed_fd", zero_cap_rights(99, &r) == -1 && errno == EBADF);
	CHECK("limit_closed_fd", zero_cap_limit(99, 0) == -1 && errno == EBADF);
	CHECK("rights_efault", zero_cap_rights(fd, (uint64_t *)UNMAPPED_PTR) == -1 &&
				       errno == EFAULT);
	int d = open("/tmp", O_RDONLY | O_DIRECTORY);
	zero_cap_limit(d, ZERO_CAP_STAT);
	char dents[256];
	CHECK("getdents_denied", DENIED(syscall(SYS_getdents64, d, dents, sizeof(dents))));
	close(d);
	close(ro);
	close(wo);
	close(wo2);
	close(fd);
}

static void test_endpoint_rights(void)
{
	int ep[2];
	zero_endpoint_create(4, 16, 0, ep);
	uint64_t r;
	zero_cap_rights(ep[0], &r);
	CHECK("recv_end_rights", r == (ZERO_CAP_RECV | ZERO_CAP_GRANT | ZERO_CAP_DUPLICATE |
				       ZERO_CAP_STAT));
	int s2 = dup(ep[1]);
	zero_cap_limit(s2, ZERO_CAP_CALL);
	CHECK("send_right_needed", DENIED(send_str(s2, "x", 0, -1)));
	int r2 = dup(ep[0]);
	zero_cap_limit(r2, ZERO_CAP_STAT);
	char b[8];
	struct zero_msg m = msg(b, sizeof(b));
	CHECK("recv_right_needed", DENIED(zero_recv(r2, &m, 0, -1)));
	int s3 = dup(ep[1]);
	zero_cap_limit(s3, ZERO_CAP_SEND);
	struct zero_msg rep = msg(b, sizeof(b));
	CHECK("call_right_needed", DENIED(zero_call(s3, &m, &rep, -1)));
	CHECK("send_without_call_ok", send_str(s3, "ok", 0, -1) == 0);
	close(s2);
	close(r2);
	close(s3);
	close(ep[0]);
	close(ep[1]);
}

/* A capability passed to one process is not reachable by another. */
static void test_third_party(void)
{
	int ep[2], p[2];
	zero_endpoint_create(4, 16, 0, ep);
	int sync[2];
	pipe(sync);
	pid_t third = fork();
	if (third == 0) { /* exists before the pass; waits until it happened */
		char c;
		read(sync[0], &c, 1);
		_exit(fcntl(c, F_GETFD) == -1 && errno == EBADF ? 0 : 1);
	}
	pid_t recv = fork();
	if (recv == 0) {
		char b[8];
		struct zero_msg m = msg(b, sizeof(b));
		if (zero_recv(ep[0], &m, 0, -1) != 1 || m.ncaps != 1)
			_exit(1);
		char fdc = (char)m.caps[0];
		write(sync[1], &fdc, 1); /* tell the third process the number */
		_exit(write(m.caps[0], "r", 1) == 1 ? 0 : 2);
	}
	close(ep[0]);
	pipe(p);
	int fdnum = 40;
	dup2(p[1], fdnum);
	close(p[1]);
	struct zero_msg m = msg("", 0);
	m.caps[0] = fdnum;
	m.ncaps = 1;
	zero_send(ep[1], &m, 0, -1);
	close(fdnum); /* only the receiver has it now */
	int s1, s2;
	waitpid(recv, &s1, 0);
	waitpid(third, &s2, 0);
	CHECK("receiver_uses_cap", WIFEXITED(s1) && WEXITSTATUS(s1) == 0);
	CHECK("third_party_cannot", WIFEXITED(s2) && WEXITSTATUS(s2) == 0);
	close(p[0]);
	close(ep[1]);
	close(sync[0]);
	close(sync[1]);
}

static void test_capmode(void)
{
	mkdir("/tmp/capbox", 0700);
	int f = open("/tmp/capbox/file", O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(f, "held", 4);
	close(f);
	symlink("/etc", "/tmp/capbox/abs");
	int dir = open("/tmp/capbox", O_RDONLY | O_DIRECTORY);
	int held = open("/tmp/capbox/file", O_RDONLY);
	int ep[2];
	zero_endpoint_create(4, 16, 0, ep);
	CHECK("getmode_off", zero_cap_getmode() == 0);
	pid_t outside = fork();
	if (outside == 0) {
		pause();
		_exit(0);
	}
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		if (zero_cap_enter() != 0 || zero_cap_getmode() != 1)
			bad |= 1;
		if (!(open("/tmp/capbox/file", O_RDONLY) == -1 && errno == ECAPMODE))
			bad |= 2;
		if (!(open("file", O_RDONLY) == -1 && errno == ECAPMODE))
			bad |= 4;
		int in = openat(dir, "file", O_RDONLY);
		char b[8];
		if (in < 0 || read(in, b, 4) != 4)
			bad |= 8;
		if (!(openat(dir, "../capbox/file", O_RDONLY) == -1 && errno == ECAPMODE))
			bad |= 16;
		if (!(openat(dir, "abs", O_RDONLY) == -1 && errno == ECAPMODE))
			bad |= 32;
		if (!(kill(outside, SIGTERM) == -1 && errno == ECAPMODE))
			bad |= 64;
		if (kill(getpid(), 0) != 0)
			bad |= 128;
		if (pread(held, b, 4, 0) != 4 || send_str(ep[1], "in", 0, -1) != 0)
			bad |= 256;
		pid_t kid = fork(); /* inherited */
		if (kid == 0)
			_exit(zero_cap_getmode() == 1 && open("/", O_RDONLY) == -1 ? 0 : 1);
		int st;
		waitpid(kid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			bad |= 512;
		_exit(bad ? 100 + (bad & 0x3f) + ((bad >> 6) ? 50 : 0) : 0);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK("capmode_rules", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char b[8];
	struct zero_msg m = msg(b, sizeof(b));
	CHECK("capmode_child_sent", zero_recv(ep[0], &m, ZERO_MSG_NONBLOCK, -1) == 1);
	CHECK("outside_unaffected", zero_cap_getmode() == 0 && kill(outside, SIGKILL) == 0);
	waitpid(outside, NULL, 0);
	unlink("/tmp/capbox/abs");
	unlink("/tmp/capbox/file");
	rmdir("/tmp/capbox");
	close(dir);
	close(held);
	close(ep[0]);
	close(ep[1]);
}

static void test_hostile(void)
{
	int ep[2], p[2];
	char b[8];
	zero_endpoint_create(2, 8, 0, ep);
	pipe(p);
	struct zero_msg m = msg(b, sizeof(b));
	CHECK("send_bad_msg_ptr",
	      zero_send(ep[1], (struct zero_msg *)UNMAPPED_PTR, 0, -1) == -1 && errno == EFAULT);
	CHECK("send_kernel_msg_ptr",
	      zero_send(ep[1], (struct zero_msg *)KERNEL_PTR, 0, -1) == -1 && errno == EFAULT);
	struct zero_msg bad = msg(UNMAPPED_PTR, 4);
	CHECK("send_bad_data", zero_send(ep[1], &bad, 0, -1) == -1 && errno == EFAULT);
	bad.len = ~0ULL;
	CHECK("send_huge_len", zero_send(ep[1], &bad, 0, -1) == -1 && errno == EMSGSIZE);
	CHECK("send_bad_flags", zero_send(ep[1], &m, 0x100, -1) == -1 && errno == EINVAL);
	CHECK("send_closed_fd", zero_send(77, &m, 0, -1) == -1 && errno == EBADF);
	CHECK("send_on_pipe", zero_send(p[1], &m, 0, -1) == -1 && errno == EINVAL);
	CHECK("recv_on_pipe", zero_recv(p[0], &m, 0, -1) == -1 && errno == EINVAL);
	CHECK("send_on_recv_end", zero_send(ep[0], &m, 0, -1) == -1 && errno == ENOTCAPABLE);
	CHECK("recv_on_send_end", zero_recv(ep[1], &m, 0, -1) == -1 && errno == ENOTCAPABLE);
	/* A receive into a bad buffer keeps the message for a good one. */
	send_str(ep[1], "keep", 0, -1);
	bad = msg(UNMAPPED_PTR, 8);
	CHECK("recv_bad_data", zero_recv(ep[0], &bad, 0, -1) == -1 && errno == EFAULT);
	m = msg(b, sizeof(b));
	CHECK("recv_kept", zero_recv(ep[0], &m, 0, -1) == 1 && m.len == 4);
	CHECK("recv_bad_msg_ptr",
	      zero_recv(ep[0], (struct zero_msg *)KERNEL_PTR, 0, -1) == -1 && errno == EFAULT);
	CHECK("read_endpoint", read(ep[0], b, 1) == -1);
	close(p[0]);
	close(p[1]);
	close(ep[0]);
	close(ep[1]);
}

int main(void)
{
	test_begin("cap_rights");
	test_file_rights();
	test_endpoint_rights();
	test_third_party();
	test_capmode();
	test_hostile();
	test_end();
}
