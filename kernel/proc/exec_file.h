/* The program file of an execve: found through the VFS, checked (a regular file the caller may
 * execute, on a mount without noexec), with its first page read into kernel memory for the
 * "#!" and ELF header checks. The segments are read from the file straight into the new
 * program's pages (exec.c), never through a copy of the whole file. */
#ifndef PROC_EXEC_FILE_H
#define PROC_EXEC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct file;

struct exec_file {
	struct file *file; /* open for reading (becomes /proc/<pid>/exe) */
	void *head; /* the first head_len bytes of the file, in a page of its own */
	size_t head_len; /* min(size, PAGE_SIZE) */
	size_t size;
	bool denied; /* holds a deny of writers (ETXTBSY) until closed */
};

/* 0, or -ENOENT/-ENOTDIR/-ELOOP (lookup), -EACCES (not a regular file, no execute
 * permission, noexec mount), -ETXTBSY (open for writing), -ENOEXEC (empty), -ENOMEM (too big
 * for memory), -EIO. */
int exec_file_open(const char *path, struct exec_file *ef);
/* Read exactly len bytes at file offset off into dst: 0, or -EIO when the file no longer
 * has them (it shrank since it was opened) or the read failed. */
int exec_file_read(struct exec_file *ef, void *dst, size_t len, uint64_t off);
void exec_file_close(struct exec_file *ef);

#endif
