/* ATA IDENTIFY DEVICE decoding (ata_identify.h). Word numbers are ACS-3's. */
#include <lib/ata_identify.h>
#include <uapi/errno.h>

#define W_MODEL 27 /* 20 words, two characters each, high byte first */
#define W_MODEL_WORDS 20
#define W_CMDSET2 83 /* bit 10: 48-bit addressing; bit 13: FLUSH CACHE EXT */
#define W_LBA48 100 /* four words */
#define W_SECTOR_SIZE 106 /* bit 14 set, 15 clear: valid; bit 12: logical > 256 words */
#define W_LOGICAL_WORDS 117 /* two words */
#define W_INTEGRITY 255 /* low byte 0xa5: high byte is a checksum */

static uint16_t word(const uint8_t *id, unsigned w)
{
	return (uint16_t)(id[2 * w] | id[2 * w + 1] << 8);
}

static void model(const uint8_t *id, char *out)
{
	int n = 0;
	for (unsigned w = W_MODEL; w < W_MODEL + W_MODEL_WORDS; w++) {
		uint16_t v = word(id, w);
		out[n++] = (char)(v >> 8);
		out[n++] = (char)v;
	}
	while (n > 0 && (out[n - 1] == ' ' || !out[n - 1]))
		n--;
	for (int i = 0; i < n; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			out[i] = '?';
	out[n] = 0;
}

static uint32_t logical_size(const uint8_t *id)
{
	uint16_t w = word(id, W_SECTOR_SIZE);
	if ((w & 0xc000) != 0x4000 || !(w & 0x1000))
		return 512;
	uint32_t words = word(id, W_LOGICAL_WORDS) | (uint32_t)word(id, W_LOGICAL_WORDS + 1) << 16;
	return words * 2;
}

int ata_identify_parse(const uint8_t *id, struct ata_disk_info *out)
{
	if (id[2 * W_INTEGRITY] == 0xa5) {
		uint8_t sum = 0;
		for (unsigned i = 0; i < ATA_IDENTIFY_BYTES; i++)
			sum = (uint8_t)(sum + id[i]);
		if (sum)
			return -EINVAL;
	}
	uint16_t cmdset = word(id, W_CMDSET2);
	if (!(cmdset & (1u << 10)))
		return -EINVAL;
	uint64_t sectors = 0;
	for (unsigned i = 0; i < 4; i++)
		sectors |= (uint64_t)word(id, W_LBA48 + i) << (16 * i);
	uint32_t ss = logical_size(id);
	if (!sectors || sectors > ATA_MAX_LBA48 || (ss != 512 && ss != 4096))
		return -EINVAL;
	out->sectors = sectors;
	out->sector_size = ss;
	out->flush_ext = cmdset & (1u << 13);
	model(id, out->model);
	return 0;
}
