/* ChaCha20 (RFC 8439: 256-bit key, 32-bit block counter, 96-bit nonce) and a deterministic random
 * bit generator built on it with fast key erasure. Pure code, host-tested against the RFC
 * vectors; the kernel's locked, entropy-fed instance lives in security/random.c. */
#ifndef LIB_CHACHA20_H
#define LIB_CHACHA20_H

#include <stddef.h>
#include <stdint.h>

#define CHACHA20_KEY_SIZE 32
#define CHACHA20_NONCE_SIZE 12
#define CHACHA20_BLOCK_SIZE 64

/* One 64-byte keystream block. key and nonce are given as the little-endian words of RFC 8439
 * §2.3 (key[0] is bytes 0..3 of the key). */
void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
		    uint8_t out[CHACHA20_BLOCK_SIZE]);

/* out = in XOR keystream, blocks numbered from `counter` (RFC 8439 §2.4). in and out may be the
 * same buffer. The 32-bit block counter wraps after 256 GiB; callers must keep
 * len <= (2^32 - counter) * 64 so that no keystream block is used twice. */
void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], const uint8_t *in, uint8_t *out, size_t len);

/*
 * Random bit generator with fast key erasure: every generate call derives a new key from the
 * keystream before returning, so a later compromise of the state does not reveal earlier
 * output. Not locked: the caller serialises access to one instance.
 */
struct chacha_rng {
	uint8_t key[CHACHA20_KEY_SIZE]; /* secret */
	uint64_t counter; /* generate calls since init; becomes each call's nonce (never reused) */
};

/* Sets the state from a 32-byte secret seed (equal seeds give equal output streams). */
void chacha_rng_init(struct chacha_rng *r, const uint8_t seed[32]);
/* Mixes entropy into the key (new key = keystream of old key XOR entropy): the result is
 * unpredictable if either the old key or the entropy was. Never replaces the state outright. */
void chacha_rng_reseed(struct chacha_rng *r, const uint8_t entropy[32]);
/* Fills out with len random bytes (any length), then replaces the key. */
void chacha_rng_generate(struct chacha_rng *r, void *out, size_t len);

#endif
