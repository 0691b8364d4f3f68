/* libFuzzer harness for kernel/lib/pci_parse.c (make host-fuzz): the first 256 bytes are a
 * config space, the next 48 six BAR sizes, the next 16 a BAR value and its probe. The
 * capability walk must end inside config space, every MSI-X table and virtio region accepted
 * must lie inside its BAR, and a decoded BAR must be a power-of-two size aligned base; ASan and
 * UBSan catch reads outside the buffer. A broken promise traps. */
#include <lib/pci_parse.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_caps(const uint8_t *cfg, const uint64_t *sizes)
{
	uint8_t offs[PCI_MAX_CAPS];
	int n = pci_caps_list(cfg, offs, PCI_MAX_CAPS, NULL);
	for (int i = 0; i < n; i++) {
		struct pci_msix_info m;
		struct pci_virtio_cap v;
		if (offs[i] < PCI_CAP_FIRST)
			__builtin_trap();
		if (!pci_msix_parse(cfg, offs[i], sizes, &m) &&
		    !pci_range_inside(m.table_off, m.nvec * 16ull, sizes[m.table_bar]))
			__builtin_trap();
		if (!pci_virtio_cap_parse(cfg, offs[i], sizes, &v) &&
		    !pci_range_inside(v.offset, v.length, sizes[v.bar]))
			__builtin_trap();
	}
}

static uint32_t word(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < PCI_CFG_SIZE + 48 + 16)
		return 0;
	uint8_t *cfg = malloc(PCI_CFG_SIZE);
	memcpy(cfg, data, PCI_CFG_SIZE);
	uint64_t sizes[PCI_NUM_BARS];
	memcpy(sizes, data + PCI_CFG_SIZE, sizeof(sizes));
	check_caps(cfg, sizes);
	const uint8_t *b = data + PCI_CFG_SIZE + 48;
	struct pci_bar_info bar;
	if (!pci_bar_decode(word(b), word(b + 4), word(b + 8), word(b + 12), &bar) && bar.size &&
	    ((bar.size & (bar.size - 1)) || (bar.base & (bar.size - 1))))
		__builtin_trap();
	free(cfg);
	return 0;
}
