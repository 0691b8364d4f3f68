/* Host tests for kernel/lib/chacha20.c: the RFC 8439 test vectors for the block function and
 * encryption, and the properties promised by the fast-key-erasure generator. */
#include "test.h"
#include <lib/chacha20.h>
#include <string.h>

/* RFC 8439 §2.3.2: key 00 01 .. 1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1. */
static const uint8_t block_2_3_2[64] = {
	0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15, 0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4,
	0xc7, 0xd1, 0xf4, 0xc7, 0x33, 0xc0, 0x68, 0x03, 0x04, 0x22, 0xaa, 0x9a, 0xc3, 0xd4, 0x6c, 0x4e,
	0xd2, 0x82, 0x64, 0x46, 0x07, 0x9f, 0xaa, 0x09, 0x14, 0xc2, 0xd7, 0x05, 0xd9, 0x8b, 0x02, 0xa2,
	0xb5, 0x12, 0x9c, 0xd1, 0xde, 0x16, 0x4e, 0xb9, 0xcb, 0xd0, 0x83, 0xe8, 0xa2, 0x50, 0x3c, 0x4e,
};

/* RFC 8439 §2.4.2: same key, nonce 00:00:00:00:00:00:00:4a:00:00:00:00, counter 1. */
static const char sunscreen[] = "Ladies and Gentlemen of the class of '99: If I could offer you "
				"only one tip for the future, sunscreen would be it.";
static const uint8_t cipher_2_4_2[114] = {
	0x6e, 0x2e, 0x35, 0x9a, 0x25, 0x68, 0xf9, 0x80, 0x41, 0xba, 0x07, 0x28, 0xdd, 0x0d, 0x69, 0x81,
	0xe9, 0x7e, 0x7a, 0xec, 0x1d, 0x43, 0x60, 0xc2, 0x0a, 0x27, 0xaf, 0xcc, 0xfd, 0x9f, 0xae, 0x0b,
	0xf9, 0x1b, 0x65, 0xc5, 0x52, 0x47, 0x33, 0xab, 0x8f, 0x59, 0x3d, 0xab, 0xcd, 0x62, 0xb3, 0x57,
	0x16, 0x39, 0xd6, 0x24, 0xe6, 0x51, 0x52, 0xab, 0x8f, 0x53, 0x0c, 0x35, 0x9f, 0x08, 0x61, 0xd8,
	0x07, 0xca, 0x0d, 0xbf, 0x50, 0x0d, 0x6a, 0x61, 0x56, 0xa3, 0x8e, 0x08, 0x8a, 0x22, 0xb6, 0x5e,
	0x52, 0xbc, 0x51, 0x4d, 0x16, 0xcc, 0xf8, 0x06, 0x81, 0x8c, 0xe9, 0x1a, 0xb7, 0x79, 0x37, 0x36,
	0x5a, 0xf9, 0x0b, 0xbf, 0x74, 0xa3, 0x5b, 0xe6, 0xb4, 0x0b, 0x8e, 0xed, 0xf2, 0x78, 0x5e, 0x42,
	0x87, 0x4d,
};

/* RFC 8439 Appendix A.1, test vectors #1 and #2: all-zero key and nonce, counters 0 and 1. */
static const uint8_t zero_key_block0[64] = {
	0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90, 0x40, 0x5d, 0x6a, 0xe5, 0x53, 0x86, 0xbd, 0x28,
	0xbd, 0xd2, 0x19, 0xb8, 0xa0, 0x8d, 0xed, 0x1a, 0xa8, 0x36, 0xef, 0xcc, 0x8b, 0x77, 0x0d, 0xc7,
	0xda, 0x41, 0x59, 0x7c, 0x51, 0x57, 0x48, 0x8d, 0x77, 0x24, 0xe0, 0x3f, 0xb8, 0xd8, 0x4a, 0x37,
	0x6a, 0x43, 0xb8, 0xf4, 0x15, 0x18, 0xa1, 0x1c, 0xc3, 0x87, 0xb6, 0x69, 0xb2, 0xee, 0x65, 0x86,
};
static const uint8_t zero_key_block1[64] = {
	0x9f, 0x07, 0xe7, 0xbe, 0x55, 0x51, 0x38, 0x7a, 0x98, 0xba, 0x97, 0x7c, 0x73, 0x2d, 0x08, 0x0d,
	0xcb, 0x0f, 0x29, 0xa0, 0x48, 0xe3, 0x65, 0x69, 0x12, 0xc6, 0x53, 0x3e, 0x32, 0xee, 0x7a, 0xed,
	0x29, 0xb7, 0x21, 0x76, 0x9c, 0xe6, 0x4e, 0x43, 0xd5, 0x71, 0x33, 0xb0, 0x74, 0xd8, 0x39, 0xd5,
	0x31, 0xed, 0x1f, 0x28, 0x51, 0x0a, 0xfb, 0x45, 0xac, 0xe1, 0x0a, 0x1f, 0x4b, 0x79, 0x4d, 0x6f,
};

static void counting_key(uint8_t key[32])
{
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
}

static void words_from_bytes(uint32_t *w, const uint8_t *b, size_t nwords)
{
	for (size_t i = 0; i < nwords; i++)
		w[i] = (uint32_t)b[4 * i] | (uint32_t)b[4 * i + 1] << 8 | (uint32_t)b[4 * i + 2] << 16 |
		       (uint32_t)b[4 * i + 3] << 24;
}

static void rfc8439_block_vector(void)
{
	static const uint8_t nonce[12] = { 0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	uint8_t key[32], out[64];
	uint32_t kw[8], nw[3];

	counting_key(key);
	words_from_bytes(kw, key, 8);
	words_from_bytes(nw, nonce, 3);
	chacha20_block(kw, 1, nw, out);
	CHECK_MEMEQ(out, block_2_3_2, 64);
}

static void rfc8439_zero_key_vectors(void)
{
	const uint32_t kw[8] = { 0 }, nw[3] = { 0 };
	uint8_t out[64];

	chacha20_block(kw, 0, nw, out);
	CHECK_MEMEQ(out, zero_key_block0, 64);
	chacha20_block(kw, 1, nw, out);
	CHECK_MEMEQ(out, zero_key_block1, 64);
}

static void rfc8439_encryption_vector(void)
{
	static const uint8_t nonce[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	uint8_t key[32], out[sizeof(cipher_2_4_2)], back[sizeof(cipher_2_4_2)];

	CHECK_EQ(sizeof(sunscreen) - 1, sizeof(cipher_2_4_2));
	counting_key(key);
	chacha20_xor(key, 1, nonce, (const uint8_t *)sunscreen, out, sizeof(out));
	CHECK_MEMEQ(out, cipher_2_4_2, sizeof(out));
	chacha20_xor(key, 1, nonce, out, back, sizeof(back)); /* decryption is the same operation */
	CHECK_MEMEQ(back, sunscreen, sizeof(back));
}

/* Encrypting in place, and in pieces that end on block boundaries, gives the same bytes. */
static void xor_in_place_and_in_pieces(void)
{
	static const uint8_t nonce[12] = { 0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0 };
	uint8_t key[32], buf[sizeof(cipher_2_4_2)];

	counting_key(key);
	memcpy(buf, sunscreen, sizeof(buf));
	chacha20_xor(key, 1, nonce, buf, buf, 64);
	chacha20_xor(key, 2, nonce, buf + 64, buf + 64, sizeof(buf) - 64);
	CHECK_MEMEQ(buf, cipher_2_4_2, sizeof(buf));
	chacha20_xor(key, 1, nonce, NULL, NULL, 0); /* nothing to do, nothing touched */
}

static void seed_bytes(uint8_t seed[32], uint8_t base)
{
	for (int i = 0; i < 32; i++)
		seed[i] = (uint8_t)(base + i * 7);
}

static void rng_is_deterministic_for_equal_seeds(void)
{
	struct chacha_rng a, b;
	uint8_t seed[32], x[200], y[200];

	seed_bytes(seed, 1);
	chacha_rng_init(&a, seed);
	chacha_rng_init(&b, seed);
	for (size_t len = 0; len < sizeof(x); len += 37) {
		chacha_rng_generate(&a, x, len);
		chacha_rng_generate(&b, y, len);
		CHECK_MEMEQ(x, y, len);
	}
	seed[31] ^= 1;
	chacha_rng_init(&b, seed);
	chacha_rng_generate(&a, x, 64);
	chacha_rng_generate(&b, y, 64);
	CHECK(test_mem_diff(x, y, 64) >= 0);
}

/* Fast key erasure: each call, even an empty one, leaves a different key behind, and that key
 * is not a copy of anything that was output. Successive outputs differ. */
static void rng_key_changes_after_each_generate(void)
{
	struct chacha_rng r;
	uint8_t seed[32], before[32], out[100], prev[100];

	seed_bytes(seed, 9);
	chacha_rng_init(&r, seed);
	memset(prev, 0, sizeof(prev));
	for (int i = 0; i < 20; i++) {
		size_t len = (size_t)i * 5;
		memcpy(before, r.key, 32);
		chacha_rng_generate(&r, out, len);
		CHECK(test_mem_diff(before, r.key, 32) >= 0);
		for (size_t off = 0; off + 32 <= len; off++)
			CHECK(test_mem_diff(out + off, r.key, 32) >= 0);
		if (len >= 32)
			CHECK(test_mem_diff(out, prev, 32) >= 0);
		memcpy(prev, out, sizeof(prev));
	}
}

/* Output is split into epochs with a rekey between them; a long request must still produce the
 * same bytes as the same request again from the same seed, and must not repeat itself. */
static void rng_long_request_has_no_repeats(void)
{
	enum { LEN = 300000, BLOCK = 64 };
	struct chacha_rng a, b;
	uint8_t seed[32];
	uint8_t *x = malloc(LEN), *y = malloc(LEN);

	CHECK(x && y);
	seed_bytes(seed, 3);
	chacha_rng_init(&a, seed);
	chacha_rng_init(&b, seed);
	chacha_rng_generate(&a, x, LEN);
	chacha_rng_generate(&b, y, LEN);
	bool same = test_mem_diff(x, y, LEN) < 0;
	bool repeat = false;
	/* Blocks at the epoch boundary (64 KiB) and the first block must all differ. */
	for (size_t off = BLOCK; off + BLOCK <= LEN && !repeat; off += BLOCK)
		repeat = test_mem_diff(x, x + off, BLOCK) < 0;
	free(x);
	free(y);
	CHECK(same);
	CHECK(!repeat);
}

static void rng_reseed_mixes(void)
{
	struct chacha_rng a, b;
	uint8_t seed[32], entropy[32], zero[32] = { 0 }, x[64], y[64];

	seed_bytes(seed, 5);
	seed_bytes(entropy, 77);
	chacha_rng_init(&a, seed);
	chacha_rng_init(&b, seed);
	chacha_rng_reseed(&a, entropy);
	CHECK(test_mem_diff(a.key, b.key, 32) >= 0);
	/* Not a replacement: the key is neither the entropy nor independent of the old key. */
	CHECK(test_mem_diff(a.key, entropy, 32) >= 0);
	chacha_rng_generate(&a, x, sizeof(x));
	chacha_rng_generate(&b, y, sizeof(y));
	CHECK(test_mem_diff(x, y, sizeof(x)) >= 0);

	/* Same entropy into different states gives different states. */
	struct chacha_rng c, d;
	seed_bytes(seed, 6);
	chacha_rng_init(&c, seed);
	seed[0] ^= 0x80;
	chacha_rng_init(&d, seed);
	chacha_rng_reseed(&c, entropy);
	chacha_rng_reseed(&d, entropy);
	CHECK(test_mem_diff(c.key, d.key, 32) >= 0);

	/* Even all-zero entropy changes the key (the old key is run through ChaCha20). */
	memcpy(x, c.key, 32);
	chacha_rng_reseed(&c, zero);
	CHECK(test_mem_diff(c.key, x, 32) >= 0);

	/* Reseeding is deterministic too. */
	chacha_rng_init(&a, seed);
	chacha_rng_init(&b, seed);
	chacha_rng_reseed(&a, entropy);
	chacha_rng_reseed(&b, entropy);
	CHECK_MEMEQ(a.key, b.key, 32);
}

TEST_MAIN(TEST(rfc8439_block_vector), TEST(rfc8439_zero_key_vectors), TEST(rfc8439_encryption_vector),
	  TEST(xor_in_place_and_in_pieces), TEST(rng_is_deterministic_for_equal_seeds),
	  TEST(rng_key_changes_after_each_generate), TEST(rng_long_request_has_no_repeats),
	  TEST(rng_reseed_mixes))
