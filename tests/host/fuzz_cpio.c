/* libFuzzer harness for kernel/lib/cpio.c (make host-fuzz): arbitrary bytes are walked as a
 * newc archive. Every entry the parser hands out must lie inside the input (name NUL-terminated
 * at name_len, data within bounds), the walk must end (trailer or -EINVAL with a reason), and
 * ASan/UBSan catch any read outside the buffer. A broken promise traps. */
#include <lib/cpio.h>
#include <uapi/errno.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *base, size_t size, const void *p, size_t n)
{
	const uint8_t *q = p;
	return q >= base && n <= size && (size_t)(q - base) <= size - n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* A private copy: the parser must not read one byte past it (ASan checks the heap). */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	struct cpio_iter it;
	struct cpio_entry e;
	const char *why = NULL;
	int r;
	size_t entries = 0;
	cpio_iter_init(&it, buf, size);
	while ((r = cpio_next(&it, &e, &why)) == 1) {
		if (!inside(buf, size, e.name, e.name_len + 1) || e.name[e.name_len] != 0)
			__builtin_trap();
		if (e.size && !inside(buf, size, e.data, e.size))
			__builtin_trap();
		if (++entries > size) /* each entry takes header bytes: no endless walk */
			__builtin_trap();
	}
	if (r != 0 && (r != -EINVAL || !why))
		__builtin_trap();
	if (cpio_next(&it, &e, &why) != r) /* the result repeats */
		__builtin_trap();
	free(buf);
	return 0;
}
