/* The kernel's C string and memory functions, with the standard names and semantics (the compiler
 * emits calls to memcpy/memset/memmove/memcmp for struct copies, so these names must exist).
 * Pure code; host tests compile string.c under renamed symbols so that it does not replace libc. */
#ifndef LIB_STRING_H
#define LIB_STRING_H

#include <stddef.h>

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);

size_t strlen(const char *s);
size_t strnlen(const char *s, size_t maxlen);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* BSD strlcpy: copies at most size-1 bytes and NUL-terminates when size > 0. Returns strlen(src),
 * so truncation happened exactly when the result is >= size. */
size_t strlcpy(char *restrict dst, const char *restrict src, size_t size);

#endif
