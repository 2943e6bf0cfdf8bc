/* crc32.c: CRC-32 (zlib's), the checksum of .floxlog frames and indexes.
 *
 * The read-rate goal (tens of millions of 48-byte trade frames per second, each checked) makes the CRC
 * the hot spot, so x86-64 CPUs with PCLMULQDQ fold 16 bytes per carry-less multiply (the constants are
 * those of Linux's crc32-pclmul for the reflected polynomial 0xEDB88320); other CPUs, and the tail
 * bytes, use slicing-by-8 tables. Both paths are checked against each other in test_tape_corrupt. */
#include "crc32.h"

#include <pthread.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#define FLOX_CRC_CLMUL 1
#endif

static uint32_t crc_table[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;
static int use_clmul;

static void crc_init(void);

/* Tables are built when the library loads, so the per-frame calls skip pthread_once; the once-guard
 * stays for callers that might run before constructors (static initialisers elsewhere). */
static volatile int crc_ready;
__attribute__((constructor)) static void crc_init_at_load(void) { pthread_once(&crc_once, crc_init); }

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = crc_table[0][i];
    for (int t = 1; t < 8; t++) {
      c = crc_table[0][c & 0xFF] ^ (c >> 8);
      crc_table[t][i] = c;
    }
  }
#ifdef FLOX_CRC_CLMUL
  __builtin_cpu_init();
  use_clmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
#endif
  crc_ready = 1;
}

/* Table update of the running (pre-inverted) state over n bytes, slicing by 8. */
static uint32_t table_update(uint32_t c, const uint8_t *p, size_t len) {
  while (len >= 8) {
    uint32_t lo, hi;
    memcpy(&lo, p, 4); /* little-endian hosts only, as the format itself */
    memcpy(&hi, p + 4, 4);
    lo ^= c;
    c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^ crc_table[5][(lo >> 16) & 0xFF] ^
        crc_table[4][lo >> 24] ^ crc_table[3][hi & 0xFF] ^ crc_table[2][(hi >> 8) & 0xFF] ^
        crc_table[1][(hi >> 16) & 0xFF] ^ crc_table[0][hi >> 24];
    p += 8;
    len -= 8;
  }
  while (len--) c = crc_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
  return c;
}

void flox_crc32_test_force_table(int on) {
  pthread_once(&crc_once, crc_init);
  if (on) use_clmul = 0;
  else crc_init();
}

#ifdef FLOX_CRC_CLMUL
/* Running state over len bytes (len >= 16, a multiple of 16): fold by 128 bits, then reduce. */
__attribute__((target("pclmul,sse4.1"))) static inline uint32_t clmul_update(uint32_t crc, const uint8_t *p,
                                                                              size_t len) {
  const __m128i k34 = _mm_set_epi64x(0xccaa009e, 0x1751997d0); /* R4 (high), R3 (low) */
  __m128i x = _mm_xor_si128(_mm_loadu_si128((const __m128i *)p), _mm_cvtsi32_si128((int)crc));
  for (size_t i = 16; i < len; i += 16) {
    __m128i hi = _mm_clmulepi64_si128(x, k34, 0x11);
    x = _mm_clmulepi64_si128(x, k34, 0x00);
    x = _mm_xor_si128(_mm_xor_si128(x, hi), _mm_loadu_si128((const __m128i *)(p + i)));
  }
  __m128i t = _mm_clmulepi64_si128(k34, x, 0x01); /* 128 -> 64 bits: R4 * low */
  x = _mm_xor_si128(_mm_srli_si128(x, 8), t);
  const __m128i mask32 = _mm_set_epi32(0, 0, 0, -1);
  __m128i x2 = _mm_srli_si128(x, 4); /* 64 -> 32 bits with R5 */
  x = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), _mm_set_epi64x(0, 0x163cd6124), 0x00);
  x = _mm_xor_si128(x, x2);
  const __m128i pu = _mm_set_epi64x(0x1F7011641, 0x1DB710641); /* Barrett: u (high), P' (low) */
  x2 = x;
  x = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), pu, 0x10);
  x = _mm_clmulepi64_si128(_mm_and_si128(x, mask32), pu, 0x00);
  x = _mm_xor_si128(x, x2);
  return (uint32_t)_mm_extract_epi32(x, 1);
}

__attribute__((target("pclmul,sse4.1"))) static uint32_t clmul_crc(const uint8_t *p, size_t len) {
  uint32_t c = 0xFFFFFFFFu;
  size_t body = len & ~(size_t)15;
  if (body) c = clmul_update(c, p, body);
  if (len > body) c = table_update(c, p + body, len - body);
  return c ^ 0xFFFFFFFFu;
}

__attribute__((target("pclmul,sse4.1"))) static void clmul_crc_x4(const uint8_t *const p[4], size_t len,
                                                                  uint32_t out[4]) {
  size_t body = len & ~(size_t)15;
  for (int k = 0; k < 4; k++) { /* independent chains: the CPU overlaps them */
    uint32_t c = 0xFFFFFFFFu;
    if (body) c = clmul_update(c, p[k], body);
    if (len > body) c = table_update(c, p[k] + body, len - body);
    out[k] = c ^ 0xFFFFFFFFu;
  }
}
#endif

uint32_t flox_crc32(const void *data, size_t len) {
  if (!crc_ready) pthread_once(&crc_once, crc_init);
#ifdef FLOX_CRC_CLMUL
  if (use_clmul && len >= 16) return clmul_crc((const uint8_t *)data, len);
#endif
  return table_update(0xFFFFFFFFu, (const uint8_t *)data, len) ^ 0xFFFFFFFFu;
}

void flox_crc32_x4(const uint8_t *const p[4], size_t len, uint32_t out[4]) {
  if (!crc_ready) pthread_once(&crc_once, crc_init);
#ifdef FLOX_CRC_CLMUL
  if (use_clmul && len >= 16) {
    clmul_crc_x4(p, len, out);
    return;
  }
#endif
  /* Table path: four interleaved chains. */
  uint32_t c[4] = {0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu, 0xFFFFFFFFu};
  size_t i = 0;
  for (; i + 8 <= len; i += 8) {
    for (int k = 0; k < 4; k++) {
      uint32_t lo, hi;
      memcpy(&lo, p[k] + i, 4);
      memcpy(&hi, p[k] + i + 4, 4);
      lo ^= c[k];
      c[k] = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^ crc_table[5][(lo >> 16) & 0xFF] ^
             crc_table[4][lo >> 24] ^ crc_table[3][hi & 0xFF] ^ crc_table[2][(hi >> 8) & 0xFF] ^
             crc_table[1][(hi >> 16) & 0xFF] ^ crc_table[0][hi >> 24];
    }
  }
  for (int k = 0; k < 4; k++) out[k] = table_update(c[k], p[k] + i, len - i) ^ 0xFFFFFFFFu;
}
