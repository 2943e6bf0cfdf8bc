/* tape_format.h: the .floxlog v1 on-disk layout (spec/floxlog-v1.md section 2) as constants and
 * little-endian load/store helpers (internal). Nothing on disk is aligned, so every field is copied
 * with memcpy at its byte offset; the format and every supported host are little-endian. */
#ifndef FLOX_TAPE_FORMAT_H
#define FLOX_TAPE_FORMAT_H

#include <stdint.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error ".floxlog is little-endian; this code copies fields in host order"
#endif

/* Segment header (64 bytes at offset 0). */
#define TAPE_MAGIC 0x584F4C46u /* "FLOX" */
#define TAPE_VERSION 1
#define TAPE_HEADER_SIZE 64
#define TAPE_H_MAGIC 0
#define TAPE_H_VERSION 4
#define TAPE_H_FLAGS 6
#define TAPE_H_EXCHANGE 7
#define TAPE_H_CREATED 8
#define TAPE_H_FIRST 16
#define TAPE_H_LAST 24
#define TAPE_H_EVENTS 32
#define TAPE_H_SYMBOLS 36
#define TAPE_H_INDEX_OFFSET 40
#define TAPE_H_COMPRESSION 48

#define TAPE_FLAG_INDEX 0x01
#define TAPE_FLAG_COMPRESSED 0x02
#define TAPE_FLAG_ENCRYPTED 0x04
#define TAPE_FLAG_SORTED 0x08

/* Frame header (12 bytes): size, crc32 of payload, type, rec_version, flags. */
#define TAPE_FRAME_HEADER 12
#define TAPE_FRAME_MAX_PAYLOAD (10u << 20) /* reader sanity limit: larger means corruption */
#define TAPE_FRAME_TRADE 1
#define TAPE_FRAME_BOOK_SNAPSHOT 2
#define TAPE_FRAME_BOOK_DELTA 3
#define TAPE_FRAME_OPTION_QUOTE 4
#define TAPE_FRAME_POOL_STATE 5

/* Trade payload (48 bytes). */
#define TAPE_TRADE_SIZE 48
#define TAPE_T_TS 0
#define TAPE_T_RECV 8
#define TAPE_T_PRICE 16
#define TAPE_T_QTY 24
#define TAPE_T_ID 32
#define TAPE_T_SYMBOL 40
#define TAPE_T_SIDE 44
#define TAPE_T_INSTRUMENT 45
#define TAPE_T_EXCHANGE 46

/* Book payload: 40-byte header then (bids + asks) x 16-byte levels, bids first. */
#define TAPE_BOOK_HEADER 40
#define TAPE_BOOK_LEVEL 16
#define TAPE_B_TS 0
#define TAPE_B_RECV 8
#define TAPE_B_SEQ 16
#define TAPE_B_SYMBOL 24
#define TAPE_B_BIDS 28
#define TAPE_B_ASKS 30
#define TAPE_B_TYPE 32
#define TAPE_B_INSTRUMENT 33
#define TAPE_B_EXCHANGE 34

#define TAPE_OPTION_QUOTE_SIZE 112
#define TAPE_POOL_HEADER 32

/* Compressed block header (16 bytes): magic, compressed_size, original_size, event_count, flags. */
#define TAPE_BLOCK_MAGIC 0x4B4C4246u /* "FBLK" */
#define TAPE_BLOCK_HEADER 16
#define TAPE_BLOCK_MAX (100u << 20)
#define TAPE_BLOCK_MAX_EVENTS 65535

/* Segment index trailer: 32-byte header then entry_count x {ts i64, offset u64}. */
#define TAPE_INDEX_MAGIC 0x58444E49u /* "INDX" */
#define TAPE_INDEX_VERSION 1
#define TAPE_INDEX_HEADER 32
#define TAPE_INDEX_ENTRY 16
#define TAPE_DEFAULT_INDEX_INTERVAL 1000

#define TAPE_DEFAULT_SCALE 1e8

static inline uint16_t ld_u16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t ld_u32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t ld_u64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline int64_t ld_i64(const uint8_t *p) { int64_t v; memcpy(&v, p, 8); return v; }
static inline void st_u16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void st_u32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void st_u64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static inline void st_i64(uint8_t *p, int64_t v) { memcpy(p, &v, 8); }

/* Largest |value * scale| that still fits an int64 after rounding (2^63 - 1024, exactly a double). */
#define TAPE_FIXED_LIMIT 9223372036854774784.0

/* FLOX's conversion: round half away from zero, then truncate (spec 2.8). The caller has checked
 * that x is finite and |x * scale| < TAPE_FIXED_LIMIT, so the cast is defined. */
static inline int64_t tape_to_fixed(double x, double scale) {
  double s = x * scale;
  return (int64_t)(s >= 0 ? s + 0.5 : s - 0.5);
}

/* True when x converts to fixed point without overflow (NaN and infinities fail). */
static inline int tape_fixed_ok(double x, double scale) {
  double s = x * scale;
  return s > -TAPE_FIXED_LIMIT && s < TAPE_FIXED_LIMIT;
}

/* Division, not multiplication by 1e-8: raw / 1e8 is the double nearest the decimal the raw value
 * spells, so 10155000000 reads back as exactly 101.55. */
static inline double tape_from_fixed(int64_t raw, double scale) { return (double)raw / scale; }

#endif
