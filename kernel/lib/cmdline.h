/* Kernel command-line parsing: space-separated words, each "key" or "key=value"; a value may be
 * double-quoted to contain spaces. Pure code (host-tested). */
#ifndef LIB_CMDLINE_H
#define LIB_CMDLINE_H

#include <stdbool.h>
#include <stddef.h>

/* True when the word `key` or `key=...` is present. */
bool cmdline_has(const char *cmdline, const char *key);
/* Copy the value of `key=value` into out (quotes removed, NUL-terminated, truncated to size).
 * Returns the value's full length, or -1 when the key is absent or has no value. */
int cmdline_get(const char *cmdline, const char *key, char *out, size_t size);

#endif
