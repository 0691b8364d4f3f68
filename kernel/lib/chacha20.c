/* ChaCha20 as specified in RFC 8439 §2.1-2.4, and a fast-key-erasure generator on top of it:
 * each generate call spends keystream block 0 of its nonce on the next key and outputs the
 * blocks after it, so the state never holds anything that reproduces past output. */
#include <lib/chacha20.h>

#define CHACHA20_DOUBLE_ROUNDS 10 /* 20 rounds: a column round and a diagonal round, 10 times */
#define STATE_WORDS 16

/* The first state row, "expand 32-byte k" as little-endian words (RFC 8439 §2.3). */
#define SIGMA0 0x61707865u
#define SIGMA1 0x3320646eu
#define SIGMA2 0x79622d32u
#define SIGMA3 0x6b206574u

/* Generator domains (nonce word 0), so generate and reseed never use the same keystream. */
#define RNG_DOMAIN_GENERATE 0u
#define RNG_DOMAIN_RESEED 1u
/* Output blocks per key: a long request is split so that the key is still erased at least every
 * 64 KiB, and the 32-bit block counter cannot wrap. */
#define RNG_EPOCH_BLOCKS 1024u
#define RNG_EPOCH_BYTES ((size_t)RNG_EPOCH_BLOCKS * CHACHA20_BLOCK_SIZE)

/* Zeroes secrets; volatile stores so the compiler cannot drop them as dead. */
static void wipe(void *p, size_t n)
{
	volatile uint8_t *v = p;

	while (n--)
		*v++ = 0;
}

static uint32_t rotl32(uint32_t v, unsigned n)
{
	return (v << n) | (v >> (32 - n));
}

static uint32_t load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void load_words(uint32_t *w, const uint8_t *bytes, size_t nwords)
{
	for (size_t i = 0; i < nwords; i++)
		w[i] = load_le32(bytes + 4 * i);
}

/* RFC 8439 §2.1. */
static void quarter_round(uint32_t *x, unsigned a, unsigned b, unsigned c, unsigned d)
{
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rotl32(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rotl32(x[b] ^ x[c], 7);
}

/* RFC 8439 §2.3: constants, key, counter, nonce. */
static void init_state(uint32_t *s, const uint32_t key[8], uint32_t counter, const uint32_t nonce[3])
{
	s[0] = SIGMA0;
	s[1] = SIGMA1;
	s[2] = SIGMA2;
	s[3] = SIGMA3;
	for (unsigned i = 0; i < 8; i++)
		s[4 + i] = key[i];
	s[12] = counter;
	s[13] = nonce[0];
	s[14] = nonce[1];
	s[15] = nonce[2];
}

void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
		    uint8_t out[CHACHA20_BLOCK_SIZE])
{
	uint32_t init[STATE_WORDS], x[STATE_WORDS];

	init_state(init, key, counter, nonce);
	for (unsigned i = 0; i < STATE_WORDS; i++)
		x[i] = init[i];
	for (unsigned i = 0; i < CHACHA20_DOUBLE_ROUNDS; i++) {
		quarter_round(x, 0, 4, 8, 12); /* columns */
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15); /* diagonals */
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (unsigned i = 0; i < STATE_WORDS; i++)
		store_le32(out + 4 * i, x[i] + init[i]);
	wipe(x, sizeof(x));
	wipe(init, sizeof(init));
}

void chacha20_xor(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
		  const uint8_t nonce[CHACHA20_NONCE_SIZE], const uint8_t *in, uint8_t *out, size_t len)
{
	uint32_t kw[8], nw[3];
	uint8_t ks[CHACHA20_BLOCK_SIZE];

	load_words(kw, key, 8);
	load_words(nw, nonce, 3);
	while (len) {
		size_t n = len < CHACHA20_BLOCK_SIZE ? len : CHACHA20_BLOCK_SIZE;
		chacha20_block(kw, counter++, nw, ks);
		for (size_t i = 0; i < n; i++)
			out[i] = in[i] ^ ks[i];
		in += n;
		out += n;
		len -= n;
	}
	wipe(ks, sizeof(ks));
	wipe(kw, sizeof(kw));
}

void chacha_rng_init(struct chacha_rng *r, const uint8_t seed[32])
{
	for (unsigned i = 0; i < CHACHA20_KEY_SIZE; i++)
		r->key[i] = seed[i];
	r->counter = 0;
}

/* Block `blockno` under the current key with nonce (domain, counter): the counter advances on
 * every key change, so no (key, nonce) pair is ever used twice. */
static void rng_block(const struct chacha_rng *r, uint32_t domain, uint32_t blockno,
		      uint8_t out[CHACHA20_BLOCK_SIZE])
{
	uint32_t kw[8];
	const uint32_t nonce[3] = { domain, (uint32_t)r->counter, (uint32_t)(r->counter >> 32) };

	load_words(kw, r->key, 8);
	chacha20_block(kw, blockno, nonce, out);
	wipe(kw, sizeof(kw));
}

/* Installs the first CHACHA20_KEY_SIZE bytes of a block that was never output as the new key. */
static void rng_rekey(struct chacha_rng *r, const uint8_t block[CHACHA20_BLOCK_SIZE])
{
	for (unsigned i = 0; i < CHACHA20_KEY_SIZE; i++)
		r->key[i] = block[i];
	r->counter++;
}

void chacha_rng_reseed(struct chacha_rng *r, const uint8_t entropy[32])
{
	uint8_t block[CHACHA20_BLOCK_SIZE];

	/* Keying with old key XOR entropy, then replacing the key with the output, leaves the
	 * key unpredictable if either input was, and ties it to the whole history. */
	for (unsigned i = 0; i < CHACHA20_KEY_SIZE; i++)
		r->key[i] ^= entropy[i];
	rng_block(r, RNG_DOMAIN_RESEED, 0, block);
	rng_rekey(r, block);
	wipe(block, sizeof(block));
}

/* One key epoch: block 0 becomes the next key, blocks 1.. are output (len <= RNG_EPOCH_BYTES). */
static void rng_generate_epoch(struct chacha_rng *r, uint8_t *dst, size_t len)
{
	uint8_t next[CHACHA20_BLOCK_SIZE], block[CHACHA20_BLOCK_SIZE];

	rng_block(r, RNG_DOMAIN_GENERATE, 0, next);
	for (uint32_t blockno = 1; len; blockno++) {
		size_t n = len < CHACHA20_BLOCK_SIZE ? len : CHACHA20_BLOCK_SIZE;
		rng_block(r, RNG_DOMAIN_GENERATE, blockno, block);
		for (size_t i = 0; i < n; i++)
			dst[i] = block[i];
		dst += n;
		len -= n;
	}
	rng_rekey(r, next);
	wipe(next, sizeof(next));
	wipe(block, sizeof(block));
}

void chacha_rng_generate(struct chacha_rng *r, void *out, size_t len)
{
	uint8_t *dst = out;

	/* Runs at least once: even an empty request replaces the key. */
	for (;;) {
		size_t n = len < RNG_EPOCH_BYTES ? len : RNG_EPOCH_BYTES;
		rng_generate_epoch(r, dst, n);
		len -= n;
		if (!len)
			break;
		dst += n;
	}
}
