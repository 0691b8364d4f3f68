/* CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as GPT, zlib and Ethernet use it. */
#ifndef LIB_CRC32_H
#define LIB_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of len bytes at buf continuing from crc (0 to start). */
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

#endif
