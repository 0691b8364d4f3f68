/* zbench tests of single system calls and files: getpid, 1-byte /dev/zero and /dev/null I/O,
 * stat, open+close, and tmpfs file bandwidth; plus the failure helpers every test uses. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "zbench.h"

int unsup(struct run *r, const char *what)
{
	r->err = errno;
	r->what = what;
	return V_UNSUP;
}

int fail(struct run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->why, sizeof(r->why), fmt, ap);
	va_end(ap);
	return V_FAIL;
}

int sys_fail(struct run *r, const char *what)
{
	r->err = errno;
	return fail(r, "%s failed", what);
}

int t_getpid(struct run *r, long reps)
{
	long want = getpid();
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		long pid = syscall(SYS_getpid);
		if (pid != want) {
			if (pid < 0)
				return OPFAIL(r, i, "getpid");
			return fail(r, "getpid returned %ld, expected %ld", pid, want);
		}
	}
	r->ns = now_ns() - t0;
	return V_OK;
}

int t_read_zero(struct run *r, long reps)
{
	int fd = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return unsup(r, "open(/dev/zero)");
	int v = V_OK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		unsigned char c = 0xff;
		ssize_t n = read(fd, &c, 1);
		if (n != 1) {
			v = n < 0 ? OPFAIL(r, i, "read(/dev/zero)") : fail(r, "read returned %zd", n);
			break;
		}
		if (c != 0) {
			v = fail(r, "read %#x from /dev/zero", c);
			break;
		}
	}
	r->ns = now_ns() - t0;
	close(fd);
	return v;
}

int t_write_null(struct run *r, long reps)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return unsup(r, "open(/dev/null)");
	int v = V_OK;
	unsigned char c = 'z';
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		ssize_t n = write(fd, &c, 1);
		if (n != 1) {
			v = n < 0 ? OPFAIL(r, i, "write(/dev/null)") : fail(r, "write returned %zd", n);
			break;
		}
	}
	r->ns = now_ns() - t0;
	close(fd);
	return v;
}

int t_stat(struct run *r, long reps)
{
	struct stat st;
	if (stat(opt.stat_file, &st) != 0)
		return unsup(r, "stat");
	if (!S_ISREG(st.st_mode) || st.st_size <= 0)
		return fail(r, "%s: mode %#o size %lld, expected a non-empty regular file",
			    opt.stat_file, st.st_mode, (long long)st.st_size);
	const off_t size = st.st_size;
	const ino_t ino = st.st_ino;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		memset(&st, 0, sizeof(st));
		if (stat(opt.stat_file, &st) != 0)
			return sys_fail(r, "stat");
		if (st.st_size != size || st.st_ino != ino)
			return fail(r, "stat changed its answer (size %lld ino %llu)",
				    (long long)st.st_size, (unsigned long long)st.st_ino);
	}
	r->ns = now_ns() - t0;
	return V_OK;
}

int t_open_close(struct run *r, long reps)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		int fd = open(opt.stat_file, O_RDONLY);
		if (fd < 0)
			return OPFAIL(r, i, "open");
		if (close(fd) != 0)
			return OPFAIL(r, i, "close");
	}
	r->ns = now_ns() - t0;
	return V_OK;
}

/* ---- tmpfs file bandwidth ----------------------------------------------------------------- */

/* Each 4 KiB of a transferred 64 KiB chunk carries one stamp word naming the run, the chunk
 * and the page; the receiver checks all sixteen, so data that never moved is caught. */
static uint64_t stamp_word(long rep, long chunk, long k)
{
	return 0x5a5a000000000000ULL ^ ((uint64_t)rep << 24) ^ ((uint64_t)chunk << 8) ^ (uint64_t)k;
}

void stamp_chunk(unsigned char *buf, long rep, long chunk)
{
	for (long k = 0; k < CHUNK / PAGE; k++)
		memcpy(buf + k * PAGE + 8 * (k % 8), &(uint64_t){ stamp_word(rep, chunk, k) }, 8);
}

int check_chunk(const unsigned char *buf, long rep, long chunk)
{
	for (long k = 0; k < CHUNK / PAGE; k++) {
		uint64_t w;
		memcpy(&w, buf + k * PAGE + 8 * (k % 8), 8);
		if (w != stamp_word(rep, chunk, k))
			return 0;
	}
	return 1;
}

static void file_path(char *path, size_t size)
{
	snprintf(path, size, "%s/zbench.%ld.dat", opt.tmpdir, (long)getpid());
}

static int write_all(int fd, const unsigned char *buf, long len)
{
	for (long off = 0; off < len;) {
		ssize_t n = write(fd, buf + off, len - off);
		if (n <= 0)
			return -1;
		off += n;
	}
	return 0;
}

int read_all(int fd, unsigned char *buf, long len)
{
	for (long off = 0; off < len;) {
		ssize_t n = read(fd, buf + off, len - off);
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = 0;
			return -1;
		}
		off += n;
	}
	return 0;
}

static unsigned char filebuf[CHUNK];

int t_tmpfs_write(struct run *r, long reps)
{
	char path[256];
	file_path(path, sizeof(path));
	memset(filebuf, 0xa5, sizeof(filebuf));
	r->bytes_per_op = CHUNK;
	int v = V_OK;
	uint64_t t0 = now_ns();
	for (long rep = 0; rep < reps; rep++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd < 0) {
			v = OPFAIL(r, rep, "open(tmpfile,O_CREAT)");
			goto out;
		}
		for (long c = 0; c < FILE_CHUNKS; c++) {
			stamp_chunk(filebuf, rep, c);
			if (write_all(fd, filebuf, CHUNK) != 0) {
				v = OPFAIL(r, rep + c, "write(tmpfile)");
				close(fd);
				goto out;
			}
		}
		if (close(fd) != 0) {
			v = sys_fail(r, "close");
			goto out;
		}
	}
	r->ns = now_ns() - t0;

	/* The file must now hold exactly the last repetition's data. */
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		v = sys_fail(r, "reopening the written file");
		goto out;
	}
	for (long c = 0; c < FILE_CHUNKS && v == V_OK; c++) {
		if (read_all(fd, filebuf, CHUNK) != 0)
			v = sys_fail(r, "reading the written file back");
		else if (!check_chunk(filebuf, reps - 1, c))
			v = fail(r, "chunk %ld of the written file has the wrong data", c);
	}
	if (v == V_OK && read(fd, filebuf, 1) != 0)
		v = fail(r, "the written file is longer than %ld bytes", FILE_BYTES);
	close(fd);
out:
	unlink(path);
	return v;
}

int t_tmpfs_read(struct run *r, long reps)
{
	char path[256];
	file_path(path, sizeof(path));
	memset(filebuf, 0xa5, sizeof(filebuf));
	r->bytes_per_op = CHUNK;
	int v = V_OK;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return unsup(r, "open(tmpfile,O_CREAT)");
	for (long c = 0; c < FILE_CHUNKS; c++) {
		stamp_chunk(filebuf, 77, c);
		if (write_all(fd, filebuf, CHUNK) != 0) {
			v = unsup(r, "write(tmpfile)");
			goto out;
		}
	}
	uint64_t t0 = now_ns();
	for (long rep = 0; rep < reps; rep++) {
		if (lseek(fd, 0, SEEK_SET) != 0) {
			v = OPFAIL(r, rep, "lseek");
			goto out;
		}
		for (long c = 0; c < FILE_CHUNKS; c++) {
			/* spoil the stamps, so that only a real read can make them right */
			for (long k = 0; k < CHUNK / PAGE; k++)
				filebuf[k * PAGE + 8 * (k % 8)] ^= 0xff;
			if (read_all(fd, filebuf, CHUNK) != 0) {
				v = OPFAIL(r, rep + c, "read(tmpfile)");
				goto out;
			}
			if (!check_chunk(filebuf, 77, c)) {
				v = fail(r, "chunk %ld read back wrong", c);
				goto out;
			}
		}
		if (read(fd, filebuf, 1) != 0) {
			v = fail(r, "no end of file after %ld bytes", FILE_BYTES);
			goto out;
		}
	}
	r->ns = now_ns() - t0;
out:
	close(fd);
	unlink(path);
	return v;
}
