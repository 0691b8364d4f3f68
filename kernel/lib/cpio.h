/* Parser for "newc" cpio archives (the initramfs format): walks the entries of an archive held
 * in memory, checking every header field and length against the archive's size. Pure code. */
#ifndef LIB_CPIO_H
#define LIB_CPIO_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

struct cpio_entry {
	const char *name; /* NUL-terminated, inside the archive */
	size_t name_len; /* without the NUL */
	uint32_t mode; /* file type and permission bits, as in st_mode */
	uint32_t uid, gid, nlink;
	uint64_t mtime;
	const void *data; /* file contents (symlink target for links), inside the archive */
	size_t size;
};

struct cpio_iter {
	const uint8_t *base;
	size_t size;
	size_t off; /* next header */
	int done;
};

void cpio_iter_init(struct cpio_iter *it, const void *archive, size_t size);
/* 1 with *e filled, 0 at the TRAILER!!! entry, or -EINVAL for a malformed archive with *why
 * set to a short reason. After 0 or an error, further calls repeat the result. */
int cpio_next(struct cpio_iter *it, struct cpio_entry *e, const char **why);

#endif
