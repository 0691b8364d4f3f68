/* Freestanding memory and string functions for the kernel (x86-64). memcpy, forward memmove
 * and memset use rep movsq/stosq plus a byte tail; backward memmove moves whole 64-bit words
 * when source and destination share an alignment; the string functions are plain byte loops.
 * Host tests build this file under renamed symbols. */
#include <lib/string.h>
#include <stdbool.h>
#include <stdint.h>

/* A word that may alias any object, so word-at-a-time copies of byte buffers are not
 * strict-aliasing violations (host tests build without -fno-strict-aliasing). */
typedef uint64_t __attribute__((may_alias)) word_t;

#define WORD_SIZE sizeof(word_t)
#define WORD_MASK ((uintptr_t)WORD_SIZE - 1)
#define BYTE_SPLAT 0x0101010101010101ULL /* multiplying a byte by this repeats it 8 times */

/* Compilers recognise copy and fill loops and replace them with calls to memcpy/memset
 * (GCC's -ftree-loop-distribute-patterns, clang's loop idiom pass): inside memcpy that is
 * infinite recursion, and in the hosted test build it would silently test libc instead of this
 * file. GCC 12 refrains under -ffreestanding, but nothing promises that; passing the cursor
 * through an empty asm hides it from the loop analysis and emits no instructions. */
#define OPAQUE(p) __asm__("" : "+r"(p))

static bool same_alignment(const void *a, const void *b)
{
	return (((uintptr_t)a ^ (uintptr_t)b) & WORD_MASK) == 0;
}

/* Ascending copy; also correct for overlapping buffers when dst is below src (each quadword
 * is read before it is written, and every write lands below what is still to be read). rep
 * movsq for the quadwords, then rep movsb for the tail: emulators such as QEMU's TCG run a rep
 * string instruction one element at a time, so 8 bytes per element is what makes it fast. */
static void copy_forward(unsigned char *d, const unsigned char *s, size_t n)
{
	size_t quads = n / 8;
	__asm__ volatile("rep movsq\n\t"
			 "movq %[tail], %%rcx\n\t"
			 "rep movsb"
			 : "+D"(d), "+S"(s), "+c"(quads)
			 : [tail] "r"(n & 7)
			 : "memory");
}

/* Descending copy, for overlapping buffers with dst above src. */
static void copy_backward(unsigned char *d, const unsigned char *s, size_t n)
{
	d += n;
	s += n;
	if (same_alignment(d, s)) {
		for (; n && ((uintptr_t)d & WORD_MASK); n--) {
			*--d = *--s;
			OPAQUE(d);
		}
		for (; n >= WORD_SIZE; n -= WORD_SIZE) {
			d -= WORD_SIZE;
			s -= WORD_SIZE;
			*(word_t *)d = *(const word_t *)s;
			OPAQUE(d);
		}
	}
	for (; n; n--) {
		*--d = *--s;
		OPAQUE(d);
	}
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	copy_forward(dst, src, n);
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;

	/* Compared as integers: relational operators on pointers into different objects are UB. */
	if (d - s >= n) /* dst below src (wraps to a huge value) or no overlap */
		copy_forward(dst, src, n);
	else
		copy_backward(dst, src, n);
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint64_t pattern = (unsigned char)c * BYTE_SPLAT;
	size_t quads = n / 8;
	void *d = dst;
	__asm__ volatile("rep stosq\n\t"
			 "movq %[tail], %%rcx\n\t"
			 "rep stosb"
			 : "+D"(d), "+c"(quads)
			 : "a"(pattern), [tail] "r"(n & 7)
			 : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (size_t i = 0; i < n; i++)
		if (p[i] != q[i])
			return p[i] < q[i] ? -1 : 1;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t strnlen(const char *s, size_t maxlen)
{
	size_t n = 0;

	while (n < maxlen && s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, SIZE_MAX);
}

/* Bytes compare as unsigned char, as the C standard requires. */
int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
		if (x != y)
			return x < y ? -1 : 1;
		if (!x)
			break;
	}
	return 0;
}

/* Like the standard, searching for '\0' finds the terminator. */
void *memchr(const void *s, int c, size_t n)
{
	const unsigned char *p = s;
	for (size_t i = 0; i < n; i++)
		if (p[i] == (unsigned char)c)
			return (void *)(p + i);
	return NULL;
}

char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}

size_t strlcpy(char *restrict dst, const char *restrict src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;
		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}
