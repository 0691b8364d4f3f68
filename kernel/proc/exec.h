/* execve and its limits. */
#ifndef PROC_EXEC_H
#define PROC_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <core/compiler.h>

/* Bytes of argv + envp strings, plus a pointer each, that execve accepts (else -E2BIG). */
#define EXEC_ARG_MAX (256u << 10)

/* The strings of argv then envp, each NUL-terminated, packed in buf (cap bytes, at most
 * EXEC_ARG_MAX). `charged` also counts a pointer per string (what they will cost on the new
 * stack). */
struct exec_args {
	char *buf;
	size_t cap, used, charged;
	int argc, envc;
};

struct exec_file;

/* "#!" scripts (exec_script.c). Is the file a script? */
bool exec_is_script(const struct exec_file *ef);
/* Rewrite the arguments for the script at script_path: argv becomes the interpreter, its
 * optional argument, script_path, then the old argv[1...]. *interp gets the interpreter's
 * path (kmalloc'd). 0, -ENOEXEC (no interpreter, or a first line longer than 255 bytes),
 * -E2BIG, -ENOMEM. */
int exec_script_rewrite(const struct exec_file *ef, const char *script_path,
			struct exec_args *a, char **interp);

#endif
