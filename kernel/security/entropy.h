/* Raw entropy for seeding the CSPRNG (security/random.c). */
#ifndef SECURITY_ENTROPY_H
#define SECURITY_ENTROPY_H

#include <stdint.h>

#define ENTROPY_BYTES 32

enum entropy_source { ENTROPY_RDSEED, ENTROPY_RDRAND, ENTROPY_JITTER };

/* Fill out with fresh entropy from the best source available; says which it used. */
enum entropy_source entropy_collect(uint8_t out[ENTROPY_BYTES]);
const char *entropy_source_name(enum entropy_source s);

#endif
