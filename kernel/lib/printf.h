/* Kernel string formatting: snprintf with C99 semantics for the integer, character, string and
 * pointer conversions (no floating point, no %n). Pure code, host-tested. */
#ifndef LIB_PRINTF_H
#define LIB_PRINTF_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Formats into buf, writing at most size bytes including the terminating NUL (always written when
 * size > 0; buf may be NULL when size is 0). Returns the length the full output would have had,
 * so the output was truncated exactly when the result is >= size; -EOVERFLOW if that length
 * exceeds INT_MAX.
 *
 * Supported: %d %i %u %x %X %o %c %s %p %%, flags "-0+ #", width and precision (digits or *),
 * length modifiers hh h l ll z t j. %s of NULL prints "(null)" (cut by a precision like any
 * string), %p prints like %#lx, or "(nil)" for NULL (as glibc).
 * An unsupported or malformed conversion (%n, %f, %ls, a truncated "%l" at the end, ...) is
 * copied out verbatim together with the rest of the format, and no further arguments are read:
 * guessing an argument's type wrong would misread every argument after it.
 */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
