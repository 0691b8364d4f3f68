/* newc cpio parsing: a 110-byte ASCII header ("070701" + 13 fields of 8 hex digits), the name
 * (NUL-terminated, padded so that header+name is a multiple of 4), then the data padded to 4. */
#include <lib/cpio.h>
#include <uapi/errno.h>

#define CPIO_HEADER_SIZE 110
#define CPIO_FIELD_DIGITS 8
#define CPIO_ALIGN 4
#define CPIO_TRAILER "TRAILER!!!"

enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJOR, F_DEVMINOR,
       F_RDEVMAJOR, F_RDEVMINOR, F_NAMESIZE, F_CHECK, F_COUNT };

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size)
{
	it->base = archive;
	it->size = size;
	it->off = 0;
	it->done = 0;
}

static int hex_field(const uint8_t *p, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < CPIO_FIELD_DIGITS; i++) {
		uint8_t c = p[i];
		uint32_t d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		v = v << 4 | d;
	}
	*out = v;
	return 0;
}

/* off + len rounded up to CPIO_ALIGN, if it stays within size; else SIZE_MAX. */
static size_t advance(size_t off, size_t len, size_t size)
{
	if (len > size || off > size - len)
		return SIZE_MAX;
	size_t end = off + len;
	size_t padded = (end + (CPIO_ALIGN - 1)) & ~(size_t)(CPIO_ALIGN - 1);
	return padded > size ? size : padded; /* padding after the last entry may be absent */
}

static bool is_trailer(const char *name, size_t len)
{
	const char *t = CPIO_TRAILER;
	for (size_t i = 0; i < len; i++)
		if (!t[i] || t[i] != name[i])
			return false;
	return t[len] == 0;
}

static int fail(struct cpio_iter *it, const char **why, const char *reason)
{
	it->done = -EINVAL;
	*why = reason;
	return -EINVAL;
}

int cpio_next(struct cpio_iter *it, struct cpio_entry *e, const char **why)
{
	uint32_t f[F_COUNT];
	*why = "";
	if (it->done)
		return it->done < 0 ? it->done : 0;
	if (it->size - it->off < CPIO_HEADER_SIZE)
		return fail(it, why, "truncated header (no TRAILER!!! entry)");
	const uint8_t *h = it->base + it->off;
	if (h[0] != '0' || h[1] != '7' || h[2] != '0' || h[3] != '7' || h[4] != '0' ||
	    (h[5] != '1' && h[5] != '2'))
		return fail(it, why, "bad magic (not a newc cpio archive)");
	for (int i = 0; i < F_COUNT; i++)
		if (hex_field(h + 6 + i * CPIO_FIELD_DIGITS, &f[i]))
			return fail(it, why, "non-hex digit in a header field");
	if (f[F_NAMESIZE] < 2)
		return fail(it, why, "empty file name");
	size_t name_off = it->off + CPIO_HEADER_SIZE;
	size_t data_off = advance(name_off, f[F_NAMESIZE], it->size);
	if (data_off == SIZE_MAX)
		return fail(it, why, "file name runs past the end");
	const char *name = (const char *)it->base + name_off;
	size_t name_len = f[F_NAMESIZE] - 1;
	if (name[name_len] != 0)
		return fail(it, why, "file name not NUL-terminated");
	for (size_t i = 0; i < name_len; i++)
		if (name[i] == 0)
			return fail(it, why, "NUL inside a file name");
	if (is_trailer(name, name_len)) {
		it->done = 1;
		return 0;
	}
	size_t next = advance(data_off, f[F_FILESIZE], it->size);
	if (next == SIZE_MAX)
		return fail(it, why, "file data runs past the end");
	*e = (struct cpio_entry){
		.name = name, .name_len = name_len, .mode = f[F_MODE], .uid = f[F_UID],
		.gid = f[F_GID], .nlink = f[F_NLINK], .mtime = f[F_MTIME],
		.data = it->base + data_off, .size = f[F_FILESIZE],
	};
	it->off = next;
	return 1;
}
