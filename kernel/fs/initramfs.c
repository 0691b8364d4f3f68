/* Indexes the boot cpio archive (see initramfs.h). The archive is validated end to end before
 * anything is indexed; file contents stay where the loader put them, except files whose data is
 * not 8-byte aligned (newc aligns to 4), which are copied once so the ELF checker can read
 * their headers in place. */
#include <fs/initramfs.h>
#include <lib/cpio.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <core/printk.h>
#include <uapi/errno.h>

#define S_IFMT 0170000
#define S_IFREG 0100000
#define S_IFLNK 0120000
#define INITRAMFS_PATH_MAX 256

struct initramfs_file {
	char *path; /* absolute, normalised ("/bin/sh") */
	uint32_t mode;
	const void *data;
	size_t size;
};

/* Written once at boot, read-only afterwards: no lock. */
static struct initramfs_file *files;
static size_t nfiles;

size_t initramfs_count(void)
{
	return nfiles;
}

/* "./a//b" or "/a/b" or "a/b" -> "/a/b"; false if it does not fit. "." alone -> "/". */
static bool normalise(const char *in, char *out, size_t size)
{
	size_t o = 0;
	const char *p = in;
	while (*p) {
		while (*p == '/')
			p++;
		if (p[0] == '.' && (p[1] == '/' || p[1] == 0)) {
			p++;
			continue;
		}
		if (!*p)
			break;
		size_t len = 0;
		while (p[len] && p[len] != '/')
			len++;
		if (o + 1 + len + 1 > size)
			return false;
		out[o++] = '/';
		memcpy(out + o, p, len);
		o += len;
		p += len;
	}
	if (o == 0) {
		if (size < 2)
			return false;
		out[o++] = '/';
	}
	out[o] = 0;
	return true;
}

static int validate(const void *archive, size_t size, size_t *count, const char **why)
{
	struct cpio_iter it;
	struct cpio_entry e;
	int r;
	*count = 0;
	cpio_iter_init(&it, archive, size);
	while ((r = cpio_next(&it, &e, why)) == 1) {
		uint32_t type = e.mode & S_IFMT;
		if (type == S_IFREG || type == S_IFLNK)
			(*count)++;
	}
	return r;
}

static int add_entry(const struct cpio_entry *e)
{
	char path[INITRAMFS_PATH_MAX];
	struct initramfs_file *f = &files[nfiles];
	if (!normalise(e->name, path, sizeof(path))) {
		pr_warn("initramfs: skipping %s: path too long\n", e->name);
		return 0;
	}
	f->path = kmalloc(strlen(path) + 1);
	if (!f->path)
		return -ENOMEM;
	memcpy(f->path, path, strlen(path) + 1);
	f->mode = e->mode;
	f->size = e->size;
	f->data = e->data;
	if ((uintptr_t)e->data & 7) {
		void *copy = kmalloc(e->size ? e->size : 1);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, e->data, e->size);
		f->data = copy;
	}
	nfiles++;
	return 0;
}

void initramfs_init(uint64_t phys_base, uint64_t size)
{
	const char *why = "";
	size_t count;
	if (!phys_base || !size) {
		pr_warn("initramfs: none (the loader found no \\ZERO\\INITRD.CPIO)\n");
		return;
	}
	const void *archive = phys_to_virt(phys_base);
	int r = validate(archive, size, &count, &why);
	if (r < 0) {
		pr_err("initramfs: corrupt archive (%s): ignoring all of it\n", why);
		return;
	}
	files = kmalloc((count ? count : 1) * sizeof(*files));
	if (!files) {
		pr_err("initramfs: out of memory indexing %zu files\n", count);
		return;
	}
	struct cpio_iter it;
	struct cpio_entry e;
	cpio_iter_init(&it, archive, size);
	while (cpio_next(&it, &e, &why) == 1) {
		uint32_t type = e.mode & S_IFMT;
		if ((type == S_IFREG || type == S_IFLNK) && add_entry(&e) < 0) {
			pr_err("initramfs: out of memory after %zu files\n", nfiles);
			break;
		}
	}
	pr_info("initramfs: %zu files and symlinks (%lu KiB)\n", nfiles, size / 1024);
}

static const struct initramfs_file *find(const char *normal)
{
	for (size_t i = nfiles; i-- > 0;) /* the last entry of a name wins, as when extracting */
		if (!strcmp(files[i].path, normal))
			return &files[i];
	return NULL;
}

int initramfs_lookup(const char *path, const void **data, size_t *size)
{
	char cur[INITRAMFS_PATH_MAX], tmp[INITRAMFS_PATH_MAX];
	if (!path)
		return -EINVAL;
	if (!normalise(path, cur, sizeof(cur)))
		return -ENOENT;
	for (int depth = 0; depth <= INITRAMFS_SYMLINK_DEPTH; depth++) {
		const struct initramfs_file *f = find(cur);
		if (!f)
			return -ENOENT;
		if ((f->mode & S_IFMT) == S_IFREG) {
			*data = f->data;
			*size = f->size;
			return 0;
		}
		/* A symlink: absolute target, or relative to the link's directory. */
		size_t tlen = f->size, dlen = 0;
		if (tlen == 0 || tlen >= sizeof(tmp))
			return -ENOENT;
		const char *target = f->data;
		if (target[0] != '/') {
			dlen = (size_t)(strrchr(cur, '/') - cur) + 1; /* keeps the slash */
			if (dlen + tlen >= sizeof(tmp))
				return -ENOENT;
			memcpy(tmp, cur, dlen);
		}
		memcpy(tmp + dlen, target, tlen);
		tmp[dlen + tlen] = 0;
		if (!normalise(tmp, cur, sizeof(cur)))
			return -ENOENT;
	}
	return -ELOOP;
}
