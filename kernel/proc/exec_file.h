/* The program file of an execve: found through the VFS, checked (a regular file the caller may
 * execute, on a mount without noexec), and read whole into kernel memory for the ELF checks
 * and the segment copies. */
#ifndef PROC_EXEC_FILE_H
#define PROC_EXEC_FILE_H

#include <stddef.h>

struct file;

struct exec_file {
	struct file *file; /* open for reading (becomes /proc/<pid>/exe) */
	void *data; /* the whole file */
	size_t size, pages;
};

/* 0, or -ENOENT/-ENOTDIR/-ELOOP (lookup), -EACCES (not a regular file, no execute
 * permission, noexec mount), -ENOEXEC (empty), -ENOMEM (too big for memory), -EIO. */
int exec_file_open(const char *path, struct exec_file *ef);
void exec_file_close(struct exec_file *ef);

#endif
