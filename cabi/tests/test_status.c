/* Status texts, last-error plumbing, versions and progress counters. */
#include "check.h"
#include "error.h"
#include "flox.h"

#include <pthread.h>

static void *fail_on_other_thread(void *arg) {
  (void)arg;
  flox_fail(FLOX_E_IO, "other thread");
  return NULL;
}

int main(void) {
  CHECK_EQ_INT(flox_abi_version(), FLOX_ABI_VERSION);
  CHECK_EQ_INT(flox_version_number(), FLOX_VERSION_NUMBER);

  for (int s = 0; s < FLOX_STATUS_LAST; s++) {
    CHECK(strcmp(flox_strerror(s), "unknown status") != 0);
  }
  CHECK(strcmp(flox_strerror(FLOX_STATUS_LAST), "unknown status") == 0);
  CHECK(strcmp(flox_strerror(-1), "unknown status") == 0);

  CHECK_EQ_INT(flox_fail(FLOX_E_BAD_PRICE, "close[%d] is %g", 7, -1.0), FLOX_E_BAD_PRICE);
  CHECK(strcmp(flox_last_error(), "close[7] is -1") == 0);
  CHECK_EQ_INT(flox_last_status(), FLOX_E_BAD_PRICE);

  /* The message is per thread: a failure elsewhere does not overwrite ours. */
  pthread_t t;
  pthread_create(&t, NULL, fail_on_other_thread, NULL);
  pthread_join(t, NULL);
  CHECK(strcmp(flox_last_error(), "close[7] is -1") == 0);

  flox_progress *p = NULL;
  CHECK_STATUS(flox_progress_create(&p), FLOX_OK);
  CHECK_EQ_INT(flox_progress_done(p), 0);
  flox_progress_cancel(p);
  flox_progress_reset(p);
  CHECK_EQ_INT(flox_progress_total(p), 0);
  flox_progress_destroy(p);
  flox_progress_destroy(NULL);
  CHECK_STATUS(flox_progress_create(NULL), FLOX_E_INVALID_ARG);
  return check_report("test_status");
}
