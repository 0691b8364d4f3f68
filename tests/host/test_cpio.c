/* Host tests for kernel/lib/cpio.c: well-formed archives parse entry by entry; every truncation
 * and a random-mutation loop must end in a clean -EINVAL (under ASan), never a bad read. */
#include "test.h"
#include <lib/cpio.h>
#include <uapi/errno.h>
#include <string.h>

#define ARCHIVE_MAX 4096

static size_t put_entry(uint8_t *buf, size_t off, const char *name, uint32_t mode,
			const char *data)
{
	size_t nlen = strlen(name) + 1, dlen = data ? strlen(data) : 0;
	off += (size_t)sprintf((char *)buf + off,
			       "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u,
			       mode, 0u, 0u, 1u, 0u, (unsigned)dlen, 0u, 0u, 0u, 0u, (unsigned)nlen,
			       0u);
	memcpy(buf + off, name, nlen);
	off += nlen;
	while (off % 4)
		buf[off++] = 0;
	if (dlen)
		memcpy(buf + off, data, dlen);
	off += dlen;
	while (off % 4)
		buf[off++] = 0;
	return off;
}

static size_t sample(uint8_t *buf)
{
	memset(buf, 0, ARCHIVE_MAX);
	size_t off = put_entry(buf, 0, "sbin", 040755, NULL);
	off = put_entry(buf, off, "sbin/init", 0100755, "\x7f" "ELF-not-really");
	off = put_entry(buf, off, "bin/sh", 0120777, "busybox");
	return put_entry(buf, off, "TRAILER!!!", 0, NULL);
}

static void parses_entries_in_order(void)
{
	uint8_t buf[ARCHIVE_MAX];
	size_t size = sample(buf);
	struct cpio_iter it;
	struct cpio_entry e;
	const char *why;
	cpio_iter_init(&it, buf, size);
	CHECK_EQ(cpio_next(&it, &e, &why), 1);
	CHECK_STREQ(e.name, "sbin");
	CHECK_EQ(e.mode, 040755);
	CHECK_EQ(e.size, 0);
	CHECK_EQ(cpio_next(&it, &e, &why), 1);
	CHECK_STREQ(e.name, "sbin/init");
	CHECK_EQ(e.size, 15);
	CHECK(memcmp(e.data, "\x7f" "ELF-not-really", 15) == 0);
	CHECK_EQ(cpio_next(&it, &e, &why), 1);
	CHECK_EQ(e.mode, 0120777);
	CHECK_EQ(e.size, 7);
	CHECK_EQ(cpio_next(&it, &e, &why), 0);
	CHECK_EQ(cpio_next(&it, &e, &why), 0); /* stays at the end */
}

static int walk(const uint8_t *buf, size_t size)
{
	struct cpio_iter it;
	struct cpio_entry e;
	const char *why;
	int r, n = 0;
	cpio_iter_init(&it, buf, size);
	while ((r = cpio_next(&it, &e, &why)) == 1) {
		/* Every reported byte must lie inside the archive (ASan checks the reads). */
		volatile uint8_t sink = 0;
		for (size_t i = 0; i < e.size; i++)
			sink ^= ((const uint8_t *)e.data)[i];
		(void)sink;
		if (++n > 1000)
			return -1;
	}
	return r;
}

static void every_truncation_rejected(void)
{
	uint8_t buf[ARCHIVE_MAX];
	size_t size = sample(buf);
	for (size_t cut = 0; cut < size - 4; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		memcpy(copy, buf, cut);
		int r = walk(copy, cut);
		free(copy);
		if (!EXPECT(r == -EINVAL))
			return;
	}
}

static void bad_fields_rejected(void)
{
	uint8_t buf[ARCHIVE_MAX];
	size_t size = sample(buf);
	struct cpio_iter it;
	struct cpio_entry e;
	const char *why;
	buf[0] = '1'; /* magic */
	cpio_iter_init(&it, buf, size);
	CHECK_EQ(cpio_next(&it, &e, &why), -EINVAL);
	CHECK_STREQ(why, "bad magic (not a newc cpio archive)");
	size = sample(buf);
	buf[6 + 6 * 8] = 'x'; /* a non-hex digit in filesize */
	cpio_iter_init(&it, buf, size);
	CHECK_EQ(cpio_next(&it, &e, &why), -EINVAL);
	size = sample(buf);
	memcpy(buf + 6 + 6 * 8, "FFFFFFFF", 8); /* filesize far past the end */
	cpio_iter_init(&it, buf, size);
	CHECK_EQ(cpio_next(&it, &e, &why), -EINVAL);
	size = sample(buf);
	memcpy(buf + 6 + 11 * 8, "00000003", 8); /* namesize: "sb" without its NUL */
	cpio_iter_init(&it, buf, size);
	CHECK_EQ(cpio_next(&it, &e, &why), -EINVAL);
}

static void random_mutations_never_read_outside(void)
{
	uint8_t buf[ARCHIVE_MAX];
	size_t size = sample(buf);
	srand(1234);
	for (int round = 0; round < 20000; round++) {
		uint8_t *copy = malloc(size);
		memcpy(copy, buf, size);
		for (int k = 0; k < 1 + rand() % 4; k++)
			copy[rand() % size] = (uint8_t)(rand() % 2 ? rand() : "0123456789ABCDEF"[rand() % 16]);
		int r = walk(copy, size);
		free(copy);
		if (!EXPECT(r == 0 || r == -EINVAL))
			return;
	}
}

TEST_MAIN(TEST(parses_entries_in_order), TEST(every_truncation_rejected),
	  TEST(bad_fields_rejected), TEST(random_mutations_never_read_outside))
