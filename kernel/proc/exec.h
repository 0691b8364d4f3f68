/* execve and its limits. */
#ifndef PROC_EXEC_H
#define PROC_EXEC_H

#include <core/compiler.h>

/* Bytes of argv + envp strings, plus a pointer each, that execve accepts (else -E2BIG). */
#define EXEC_ARG_MAX (256u << 10)

#endif
