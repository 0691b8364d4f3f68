/* libFuzzer harness for kernel/lib/partition_parse.c (make host-fuzz): arbitrary bytes are a
 * disk of 512-byte sectors, scanned as block/partition.c does (MBR, the extended chain, the
 * GPT behind a protective MBR, its backup). Every partition handed out must lie inside the
 * disk, the extended chain must end, and ASan/UBSan catch any read outside the buffers. A
 * broken promise traps. */
#include <lib/partition_parse.h>
#include <stdlib.h>
#include <string.h>

#define SS 512
#define MAX_PARTS 15

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *disk;
static uint64_t nr_sectors;

static const uint8_t *sector(uint64_t lba)
{
	return lba < nr_sectors ? disk + lba * SS : NULL;
}

static void check(const struct part_entry *p, int n)
{
	for (int i = 0; i < n; i++)
		if (p[i].start >= nr_sectors || p[i].count > nr_sectors - p[i].start)
			__builtin_trap();
}

static void scan_gpt(uint64_t lba)
{
	struct gpt_info gi;
	struct part_entry p[MAX_PARTS];
	const uint8_t *hdr = sector(lba);
	if (!hdr || gpt_header_parse(hdr, SS, nr_sectors, lba, &gi))
		return;
	size_t bytes = gpt_entries_bytes(&gi);
	if (gi.entries_lba >= nr_sectors || bytes > (nr_sectors - gi.entries_lba) * SS)
		__builtin_trap(); /* the header check promised the array is on the disk */
	uint8_t *ents = malloc(bytes);
	memcpy(ents, sector(gi.entries_lba), bytes);
	int n = gpt_entries_parse(ents, &gi, p, MAX_PARTS);
	check(p, n);
	free(ents);
}

static void scan_logical(const struct mbr_extra *x)
{
	struct part_entry p;
	uint64_t ebr = x->ext_start, next;
	for (int steps = 0; ebr; steps++) {
		const uint8_t *s = sector(ebr);
		if (!s || steps > (int)nr_sectors)
			break;
		if (mbr_ebr_parse(s, x->ext_start, x->ext_count, ebr, 5, &p, &next) == 1)
			check(&p, 1);
		if (next && next <= ebr)
			__builtin_trap(); /* links only go forward */
		ebr = next;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < SS)
		return 0;
	nr_sectors = size / SS;
	uint8_t *copy = malloc(nr_sectors * SS);
	memcpy(copy, data, nr_sectors * SS);
	disk = copy;
	struct part_entry p[MAX_PARTS];
	struct mbr_extra x;
	int n = mbr_parse(disk, nr_sectors, p, MAX_PARTS, &x);
	check(p, n > 0 ? n : 0);
	if (n >= 0 && x.ext_count)
		scan_logical(&x);
	scan_gpt(1);
	scan_gpt(nr_sectors - 1);
	free(copy);
	return 0;
}
