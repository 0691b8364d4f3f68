/* Writes the seed corpus for the ELF fuzzer (make host-fuzz) into the directory given as
 * argv[1]: the valid test image, an ET_DYN variant, and one without section headers. Each seed
 * is checked to pass elf_check first, so the fuzzer always starts from valid images. */
#include "elf_image.h"
#include <lib/elf.h>
#include <stdio.h>
#include <stdlib.h>

static uint64_t storage[TIMG_STORAGE_WORDS];

static int write_seed(const char *dir, const char *name, uint16_t type)
{
	uint8_t *img = (uint8_t *)storage;
	struct elf_limits lim = timg_limits();
	struct elf_info info;
	const char *why = "?";
	char path[4096];

	lim.type = type;
	if (elf_check(img, TIMG_SIZE, &lim, &info, &why) != 0) {
		fprintf(stderr, "fuzz_elf_seed: seed %s is invalid: %s\n", name, why);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(img, 1, TIMG_SIZE, f) != TIMG_SIZE || fclose(f) != 0) {
		perror(path);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint8_t *img = (uint8_t *)storage;
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s corpus-dir\n", argv[0]);
		return 2;
	}
	timg_build(img);
	err |= write_seed(argv[1], "exec", ET_EXEC);
	timg_ehdr(img)->e_type = ET_DYN;
	err |= write_seed(argv[1], "dyn", ET_DYN);
	timg_build(img);
	timg_ehdr(img)->e_shnum = 0;
	timg_ehdr(img)->e_shoff = 0;
	err |= write_seed(argv[1], "no-sections", ET_EXEC);
	return err ? 1 : 0;
}
