/* status.c: version numbers, status texts and the per-thread last-error message. */
#include "flox.h"
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

#define FLOX_ERRMSG_CAP 1024

static _Thread_local char last_message[FLOX_ERRMSG_CAP];
static _Thread_local int32_t last_status_code;

int32_t flox_version_number(void) { return FLOX_VERSION_NUMBER; }
int32_t flox_abi_version(void) { return FLOX_ABI_VERSION; }

static const char *const status_texts[FLOX_STATUS_LAST] = {
    [FLOX_OK] = "ok",
    [FLOX_E_INVALID_ARG] = "invalid argument",
    [FLOX_E_LENGTH_MISMATCH] = "array lengths differ",
    [FLOX_E_UNSORTED] = "timestamps not strictly increasing",
    [FLOX_E_BAD_PRICE] = "price must be finite and > 0",
    [FLOX_E_BAD_QUANTITY] = "quantity must be finite and > 0",
    [FLOX_E_BAD_SIDE] = "side must be 0 (buy) or 1 (sell)",
    [FLOX_E_BAD_ORDER_TYPE] = "unknown order type",
    [FLOX_E_MISSING_PRICE] = "limit order without a price",
    [FLOX_E_NO_DATA] = "no data loaded",
    [FLOX_E_CLOSED] = "handle is closed",
    [FLOX_E_NOMEM] = "out of memory",
    [FLOX_E_IO] = "I/O error",
    [FLOX_E_FORMAT] = "malformed input",
    [FLOX_E_UNSUPPORTED] = "unsupported version or feature",
    [FLOX_E_NOT_FOUND] = "not found",
    [FLOX_E_FULL] = "buffer full",
    [FLOX_E_CALLBACK] = "callback failed",
    [FLOX_E_CANCELLED] = "cancelled",
    [FLOX_E_STATE] = "invalid state for this call",
    [FLOX_E_PARSE] = "parse error",
    [FLOX_E_BUFFER_TOO_SMALL] = "output buffer too small",
    [FLOX_E_INTERNAL] = "internal error",
};

const char *flox_strerror(int32_t status) {
  if (status < 0 || status >= FLOX_STATUS_LAST || status_texts[status] == NULL) return "unknown status";
  return status_texts[status];
}

const char *flox_last_error(void) { return last_message; }
int32_t flox_last_status(void) { return last_status_code; }

int32_t flox_fail(int32_t status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_message, sizeof last_message, fmt, ap);
  va_end(ap);
  last_status_code = status;
  return status;
}

void flox_clear_error(void) {
  last_message[0] = '\0';
  last_status_code = FLOX_OK;
}
