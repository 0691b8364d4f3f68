/* Scale and atomicity: a 64 MiB file written and read back with a checksum (in different
 * chunk sizes), 10,000 files in one directory listed completely, and rename over an
 * existing file racing with readers that must always find a complete file. */
#include "fs.h"

#define BIG_SIZE (64L << 20)
#define BIG_CHUNK (1L << 20)
#define READ_CHUNK 300007L /* odd, so reads straddle the writes' chunks and pages */
#define NFILES 10000
#define VERSION_SIZE 8192
#define RENAMES 300

/* FNV-1a over the bytes, continued from h. */
static uint64_t fnv(uint64_t h, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ULL;
	return h;
}

static void fill(unsigned char *p, size_t n, uint64_t *state)
{
	for (size_t i = 0; i < n; i += 8) {
		*state ^= *state << 13;
		*state ^= *state >> 7;
		*state ^= *state << 17;
		memcpy(p + i, state, 8);
	}
}

static void test_big_file(void)
{
	static unsigned char buf[BIG_CHUNK];
	uint64_t state = 88172645463325252ULL, hw = 0xcbf29ce484222325ULL;
	uint64_t hr = hw;
	int fd = open("big", O_RDWR | O_CREAT | O_TRUNC, 0644);
	long written = 0;
	while (fd >= 0 && written < BIG_SIZE) {
		fill(buf, BIG_CHUNK, &state);
		hw = fnv(hw, buf, BIG_CHUNK);
		if (write(fd, buf, BIG_CHUNK) != BIG_CHUNK)
			break;
		written += BIG_CHUNK;
	}
	test_result("big-64m-write", written == BIG_SIZE, "wrote %ld (errno %d)", written, errno);
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && st.st_size == BIG_SIZE &&
		  st.st_blocks * 512 >= BIG_SIZE;
	test_result("big-64m-size", ok, "size %ld blocks %ld", (long)st.st_size,
		    (long)st.st_blocks);
	close(fd);
	fd = open("big", O_RDONLY);
	long total = 0;
	ssize_t n;
	while ((n = read(fd, buf, READ_CHUNK)) > 0) {
		hr = fnv(hr, buf, (size_t)n);
		total += n;
	}
	test_result("big-64m-checksum", n == 0 && total == BIG_SIZE && hr == hw,
		    "read %ld, last %zd, checksum %s", total, n, hr == hw ? "ok" : "differs");
	/* The last 8 bytes are the generator's final state. */
	uint64_t last = 0;
	ok = pread(fd, &last, 8, BIG_SIZE - 8) == 8 && last == state;
	CHECK("big-64m-pread-tail", ok);
	close(fd);
	VAL("big-64m-unlink", unlink("big"), 0);
}

static void test_many_files(void)
{
	mkdir("many", 0755);
	char name[32];
	int made = 0;
	for (; made < NFILES; made++) {
		snprintf(name, sizeof(name), "many/n%05d", made);
		int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			break;
		close(fd);
	}
	test_result("many-create-10000", made == NFILES, "made %d (errno %d)", made, errno);
	static unsigned char seen[NFILES];
	int dots = 0, dup = 0, stray = 0, listed = 0;
	DIR *d = opendir("many");
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) {
			dots++;
			continue;
		}
		char *end;
		long k = strtol(e->d_name + 1, &end, 10);
		if (e->d_name[0] != 'n' || *end || k < 0 || k >= NFILES) {
			stray++;
			continue;
		}
		dup += seen[k]++ != 0;
		listed++;
	}
	if (d)
		closedir(d);
	test_result("many-listed-completely", listed == NFILES && dup == 0 && stray == 0 &&
		    dots == 2, "listed %d, duplicates %d, strays %d, dots %d", listed, dup, stray,
		    dots);
	int removed = 0;
	for (int i = 0; i < NFILES; i++) {
		snprintf(name, sizeof(name), "many/n%05d", i);
		removed += unlink(name) == 0;
	}
	bool ok = removed == NFILES && rmdir("many") == 0;
	test_result("many-unlink-all-then-rmdir", ok, "removed %d (errno %d)", removed, errno);
}

/* The writer: RENAMES times, write a complete version file and rename it over "target". */
static void renamer(void)
{
	static char v[VERSION_SIZE];
	for (int i = 0; i < RENAMES; i++) {
		memset(v, 'a' + i % 26, sizeof(v));
		int fd = open("tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0 || write(fd, v, sizeof(v)) != sizeof(v) || close(fd) < 0 ||
		    rename("tmp", "target") < 0)
			_exit(1);
	}
	_exit(0);
}

static void test_rename_atomic(void)
{
	static char v[VERSION_SIZE];
	memset(v, 'z', sizeof(v));
	put_file("target", 0644, "");
	int fd = open("target", O_WRONLY | O_TRUNC);
	write(fd, v, sizeof(v));
	close(fd);
	pid_t pid = fork();
	if (pid == 0)
		renamer();
	int reads = 0, missing = 0, torn = 0, st = 0;
	pid_t done = 0;
	while (done == 0) {
		done = waitpid(pid, &st, WNOHANG);
		fd = open("target", O_RDONLY);
		if (fd < 0) {
			missing++;
			continue;
		}
		ssize_t n = read(fd, v, sizeof(v));
		close(fd);
		reads++;
		bool whole = n == VERSION_SIZE && v[0] >= 'a' && v[0] <= 'z';
		for (size_t i = 1; whole && i < sizeof(v); i++)
			whole = v[i] == v[0];
		torn += !whole;
	}
	test_result("rename-over-existing-atomic", done == pid && WIFEXITED(st) &&
		    WEXITSTATUS(st) == 0 && missing == 0 && torn == 0 && reads > 0,
		    "writer status %#x, %d reads, %d found no file, %d saw a partial one", st,
		    reads, missing, torn);
	char c;
	fd = open("target", O_RDONLY);
	int fd2 = open("tmp2", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	bool ok = fd >= 0 && write(fd2, "NEW", 3) == 3 && rename("tmp2", "target") == 0 &&
		  read(fd, &c, 1) == 1 && c >= 'a' && c <= 'z';
	CHECK("rename-over-open-file-keeps-old-contents", ok);
	close(fd);
	close(fd2);
}

int main(void)
{
	scratch_setup("fs_big");
	test_big_file();
	test_many_files();
	test_rename_atomic();
	scratch_cleanup();
	test_end();
}
