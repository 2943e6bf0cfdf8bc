/* error.h: per-thread error state shared by every source file (internal). */
#ifndef FLOX_ERROR_H
#define FLOX_ERROR_H

#include <stdint.h>

/* Records status and a printf-style message for flox_last_error(); returns status so callers can
 * write `return flox_fail(FLOX_E_BAD_PRICE, "close[%zu] is %g", i, v);`. */
int32_t flox_fail(int32_t status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Clears the calling thread's error (used at the start of calls that report partial results). */
void flox_clear_error(void);

#endif
