/* crc32.h: CRC-32/ISO-HDLC (zlib's crc32), the checksum of .floxlog frames and indexes (internal). */
#ifndef FLOX_CRC32_H
#define FLOX_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 of `len` bytes: reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF.
 * "123456789" gives 0xCBF43926. */
uint32_t flox_crc32(const void *data, size_t len);

/* CRC-32 of four buffers of the same length at once: four independent dependency chains keep the
 * table lookups of one frame from waiting on the previous frame's (trade frames are all 48 bytes). */
void flox_crc32_x4(const uint8_t *const p[4], size_t len, uint32_t out[4]);

/* Tests only: 1 forces the portable table path, 0 restores CPU detection. */
void flox_crc32_test_force_table(int on);

#endif
