/* MBR and GPT parsing (partition_parse.h): all on buffers the caller read from the disk, with
 * every size, LBA and checksum checked before anything is believed. */
#include <lib/partition_parse.h>
#include <lib/crc32.h>
#include <uapi/errno.h>

#define MBR_TABLE 446
#define MBR_ENTRY 16
#define MBR_SIG 510

#define GPT_SIG "EFI PART"
#define GPT_HDR_SIZE 12
#define GPT_HDR_CRC 16
#define GPT_MY_LBA 24
#define GPT_FIRST_USABLE 40
#define GPT_LAST_USABLE 48
#define GPT_ENTRIES_LBA 72
#define GPT_NUM_ENTRIES 80
#define GPT_ENTRY_SIZE 84
#define GPT_ENTRIES_CRC 88
#define GPT_ENT_FIRST 32
#define GPT_ENT_LAST 40
#define GPT_TYPE_LEN 16

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static bool is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0f || type == 0x85;
}

static bool inside(uint64_t start, uint64_t count, uint64_t area_start, uint64_t area_count)
{
	return start >= area_start && start - area_start < area_count &&
	       count <= area_count - (start - area_start);
}

static bool has_signature(const uint8_t *sector)
{
	return sector[MBR_SIG] == 0x55 && sector[MBR_SIG + 1] == 0xaa;
}

int mbr_parse(const uint8_t *sector0, uint64_t nr_sectors, struct part_entry *out, int max,
	      struct mbr_extra *extra)
{
	*extra = (struct mbr_extra){ 0 };
	if (!has_signature(sector0))
		return -EINVAL;
	int n = 0;
	for (int i = 0; i < MBR_PRIMARY; i++) {
		const uint8_t *e = sector0 + MBR_TABLE + i * MBR_ENTRY;
		uint8_t type = e[4];
		uint64_t start = le32(e + 8), count = le32(e + 12);
		if (type == MBR_TYPE_GPT_PROTECTIVE)
			extra->protective = true;
		if (!type || !count || type == MBR_TYPE_GPT_PROTECTIVE)
			continue;
		if (!inside(start, count, 0, nr_sectors))
			continue; /* leaves the disk */
		if (is_extended(type)) {
			if (!extra->ext_count && start)
				*extra = (struct mbr_extra){ extra->protective, (uint32_t)i + 1,
							     start, count };
			continue;
		}
		if (n < max)
			out[n++] = (struct part_entry){ (uint32_t)i + 1, start, count };
	}
	return n;
}

int mbr_ebr_parse(const uint8_t *ebr, uint64_t ext_start, uint64_t ext_count, uint64_t ebr_lba,
		  uint32_t partno, struct part_entry *logical, uint64_t *next)
{
	*next = 0;
	if (!has_signature(ebr))
		return -EINVAL;
	const uint8_t *e = ebr + MBR_TABLE, *link = e + MBR_ENTRY;
	uint64_t next_lba = ext_start + le32(link + 8);
	if (is_extended(link[4]) && le32(link + 8) && next_lba > ebr_lba &&
	    inside(next_lba, 1, ext_start, ext_count))
		*next = next_lba;
	uint64_t start = ebr_lba + le32(e + 8), count = le32(e + 12);
	if (!e[4] || is_extended(e[4]) || !count || !le32(e + 8) ||
	    !inside(start, count, ext_start, ext_count))
		return 0;
	*logical = (struct part_entry){ partno, start, count };
	return 1;
}

int gpt_header_parse(const uint8_t *hdr, uint32_t sector_size, uint64_t nr_sectors,
		     uint64_t my_lba, struct gpt_info *out)
{
	for (int i = 0; i < 8; i++)
		if (hdr[i] != (uint8_t)GPT_SIG[i])
			return -EINVAL;
	uint32_t hsize = le32(hdr + GPT_HDR_SIZE);
	if (hsize < GPT_HEADER_MIN || hsize > sector_size)
		return -EINVAL;
	/* The CRC covers hsize bytes with its own field taken as zero. */
	static const uint8_t zero4[4];
	uint32_t crc = crc32_ieee(0, hdr, GPT_HDR_CRC);
	crc = crc32_ieee(crc, zero4, 4);
	crc = crc32_ieee(crc, hdr + GPT_HDR_CRC + 4, hsize - GPT_HDR_CRC - 4);
	if (crc != le32(hdr + GPT_HDR_CRC) || le64(hdr + GPT_MY_LBA) != my_lba)
		return -EINVAL;
	*out = (struct gpt_info){ .first_usable = le64(hdr + GPT_FIRST_USABLE),
				  .last_usable = le64(hdr + GPT_LAST_USABLE),
				  .entries_lba = le64(hdr + GPT_ENTRIES_LBA),
				  .num_entries = le32(hdr + GPT_NUM_ENTRIES),
				  .entry_size = le32(hdr + GPT_ENTRY_SIZE),
				  .entries_crc = le32(hdr + GPT_ENTRIES_CRC) };
	if (out->first_usable > out->last_usable || out->last_usable >= nr_sectors)
		return -EINVAL;
	/* 128 << n bytes per entry (UEFI 2.x, 5.3.2), and an array of sane size. */
	if (out->entry_size < GPT_ENTRY_MIN || out->entry_size & (out->entry_size - 1) ||
	    !out->num_entries || out->num_entries > GPT_ENTRIES_MAX_BYTES / out->entry_size)
		return -EINVAL;
	uint64_t sectors = (gpt_entries_bytes(out) + sector_size - 1) / sector_size;
	if (out->entries_lba < 2 || out->entries_lba >= nr_sectors ||
	    sectors > nr_sectors - out->entries_lba)
		return -EINVAL;
	return 0;
}

static bool type_unused(const uint8_t *e)
{
	for (int i = 0; i < GPT_TYPE_LEN; i++)
		if (e[i])
			return false;
	return true;
}

int gpt_entries_parse(const uint8_t *ents, const struct gpt_info *gi, struct part_entry *out,
		      int max)
{
	if (crc32_ieee(0, ents, gpt_entries_bytes(gi)) != gi->entries_crc)
		return -EINVAL;
	int n = 0;
	for (uint32_t i = 0; i < gi->num_entries && n < max; i++) {
		const uint8_t *e = ents + (size_t)i * gi->entry_size;
		uint64_t first = le64(e + GPT_ENT_FIRST), last = le64(e + GPT_ENT_LAST);
		if (type_unused(e))
			continue;
		if (first > last || first < gi->first_usable || last > gi->last_usable)
			continue;
		out[n++] = (struct part_entry){ i + 1, first, last - first + 1 };
	}
	return n;
}
