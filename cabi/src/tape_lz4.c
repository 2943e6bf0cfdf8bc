/* tape_lz4.c: LZ4 block compression and checked block decompression for .floxlog segments. */
#include "tape_lz4.h"

#include "error.h"
#include "flox.h"
#include "tape_format.h"

#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>

static int grow(uint8_t **buf, size_t *cap, size_t need) {
  if (*cap >= need) return 0;
  size_t ncap = *cap ? *cap : 4096;
  while (ncap < need) ncap *= 2;
  uint8_t *p = realloc(*buf, ncap);
  if (!p) return -1;
  *buf = p;
  *cap = ncap;
  return 0;
}

size_t tape_lz4_compress(const uint8_t *src, size_t n, uint8_t **dst, size_t *dst_cap) {
  if (n > TAPE_BLOCK_MAX) {
    flox_fail(FLOX_E_INTERNAL, "block of %zu bytes exceeds the 100 MiB block limit", n);
    return 0;
  }
  int bound = LZ4_compressBound((int)n);
  if (bound <= 0 || grow(dst, dst_cap, (size_t)bound) != 0) {
    flox_fail(FLOX_E_NOMEM, "out of memory compressing a %zu-byte block", n);
    return 0;
  }
  int c = LZ4_compress_default((const char *)src, (char *)*dst, (int)n, bound);
  if (c <= 0) {
    flox_fail(FLOX_E_INTERNAL, "LZ4_compress_default failed on a %zu-byte block", n);
    return 0;
  }
  return (size_t)c;
}

int tape_block_read(const uint8_t *data, size_t pos, size_t end, int compression, uint8_t **buf, size_t *buf_cap,
                    tape_block *out, char *why, size_t why_cap) {
  if (end < pos || end - pos < TAPE_BLOCK_HEADER) {
    snprintf(why, why_cap, "torn block header at offset %zu (%zu bytes left)", pos, end > pos ? end - pos : 0);
    return -1;
  }
  const uint8_t *h = data + pos;
  if (ld_u32(h) != TAPE_BLOCK_MAGIC) {
    snprintf(why, why_cap, "bad block magic 0x%08x at offset %zu", ld_u32(h), pos);
    return -1;
  }
  uint32_t csize = ld_u32(h + 4), osize = ld_u32(h + 8);
  uint16_t count = ld_u16(h + 12);
  if (csize > TAPE_BLOCK_MAX || osize > TAPE_BLOCK_MAX) {
    snprintf(why, why_cap, "block at offset %zu claims %u/%u bytes, over the 100 MiB limit", pos, csize, osize);
    return -1;
  }
  if (csize > end - pos - TAPE_BLOCK_HEADER) {
    snprintf(why, why_cap, "torn block at offset %zu: %u compressed bytes claimed, %zu present", pos, csize,
             end - pos - TAPE_BLOCK_HEADER);
    return -1;
  }
  if (grow(buf, buf_cap, osize ? osize : 1) != 0) {
    snprintf(why, why_cap, "out of memory for a %u-byte block", osize);
    return -1;
  }
  const uint8_t *src = h + TAPE_BLOCK_HEADER;
  if (compression == 0) { /* "stored": FLOX's None decompressor copies, sizes must agree */
    if (csize != osize) {
      snprintf(why, why_cap, "stored block at offset %zu has compressed size %u != original size %u", pos, csize,
               osize);
      return -1;
    }
    if (osize) memcpy(*buf, src, osize);
  } else if (compression == 1) {
    int got = LZ4_decompress_safe((const char *)src, (char *)*buf, (int)csize, (int)osize);
    if (got < 0 || (uint32_t)got != osize) {
      snprintf(why, why_cap, "LZ4 block at offset %zu does not decompress to its %u bytes", pos, osize);
      return -1;
    }
  } else {
    snprintf(why, why_cap, "unknown compression %d", compression);
    return -1;
  }
  out->compressed_size = csize;
  out->original_size = osize;
  out->event_count = count;
  out->frames = *buf;
  return 0;
}
