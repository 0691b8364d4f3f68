/* NVMe Identify Namespace and completion checks (nvme_parse.h). Byte offsets are NVMe 1.4's
 * (Figure 245). */
#include <lib/nvme_parse.h>
#include <uapi/errno.h>

#define NS_NSZE 0
#define NS_NLBAF 25 /* number of LBA formats, 0-based */
#define NS_FLBAS 26 /* bits 3:0 the format in use, bit 4 metadata at the end of the block */
#define NS_LBAF 128 /* 16 formats of 4 bytes: MS (15:0), LBADS (23:16), RP (25:24) */
#define NS_MAX_FORMATS 16

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

int nvme_ns_parse(const uint8_t *id, struct nvme_ns_info *out)
{
	uint64_t nsze = le64(id + NS_NSZE);
	unsigned fmt = id[NS_FLBAS] & 0xf, nformats = id[NS_NLBAF] + 1u;
	if (!nsze || fmt >= nformats || fmt >= NS_MAX_FORMATS)
		return -EINVAL;
	const uint8_t *f = id + NS_LBAF + 4 * fmt;
	uint16_t ms = (uint16_t)(f[0] | f[1] << 8);
	unsigned lbads = f[2];
	if (ms || (lbads != 9 && lbads != 12))
		return -EINVAL; /* metadata with the data, or a block size we do not take */
	if (nsze > UINT64_MAX >> lbads)
		return -EINVAL;
	out->sectors = nsze;
	out->sector_size = 1u << lbads;
	return 0;
}

int nvme_cqe_check(uint16_t cid, uint16_t depth, const bool *in_flight)
{
	return cid < depth && in_flight[cid] ? 0 : -1;
}
