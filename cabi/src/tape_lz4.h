/* tape_lz4.h: compressed blocks of a .floxlog segment (spec section 2.9) over the system liblz4's
 * raw block API (internal). */
#ifndef FLOX_TAPE_LZ4_H
#define FLOX_TAPE_LZ4_H

#include <stddef.h>
#include <stdint.h>

/* Compresses src[0..n) as one raw LZ4 block into *dst (grown as needed). Returns the compressed
 * length, or 0 on failure (flox_fail has been called). */
size_t tape_lz4_compress(const uint8_t *src, size_t n, uint8_t **dst, size_t *dst_cap);

typedef struct {
  uint32_t compressed_size, original_size;
  uint16_t event_count;
  const uint8_t *frames; /* original_size bytes of whole frames (the decompression buffer) */
} tape_block;

/* Reads the block whose header starts at data[pos], with the data ending at `end`. `compression`
 * is the segment header byte (0 = stored, FLOX's "None"; 1 = LZ4). Decompresses into *buf (grown as
 * needed). Returns 0 and fills *out, or -1 with a reason in why[] (bad magic, sizes over the 100 MiB
 * limit or past the end, failed or inexact decompression, unknown compression). */
int tape_block_read(const uint8_t *data, size_t pos, size_t end, int compression, uint8_t **buf, size_t *buf_cap,
                    tape_block *out, char *why, size_t why_cap);

#endif
