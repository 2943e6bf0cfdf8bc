/* crc32.h: CRC-32/ISO-HDLC (zlib's crc32), the checksum of .floxlog frames and indexes (internal). */
#ifndef FLOX_CRC32_H
#define FLOX_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 of `len` bytes: reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF.
 * "123456789" gives 0xCBF43926. */
uint32_t flox_crc32(const void *data, size_t len);

#endif
