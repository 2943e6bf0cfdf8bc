/* tape_test_util.h: temporary directories and small helpers shared by the tape C tests. */
#ifndef FLOX_TAPE_TEST_UTIL_H
#define FLOX_TAPE_TEST_UTIL_H

#include "flox.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fresh directory under $TMPDIR (or /tmp); the caller frees the string after rm_tree. */
static inline char *make_temp_dir(const char *tag) {
  const char *base = getenv("TMPDIR");
  char tmpl[512];
  snprintf(tmpl, sizeof tmpl, "%s/flox-%s-XXXXXX", base && *base ? base : "/tmp", tag);
  char *d = mkdtemp(tmpl);
  if (!d) {
    perror("mkdtemp");
    exit(2);
  }
  return strdup(d);
}

static inline void rm_tree(const char *path) {
  if (strlen(path) > 1000) return;
  DIR *d = opendir(path);
  if (d) {
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char p[1400];
      snprintf(p, sizeof p, "%s/%s", path, e->d_name);
      struct stat st;
      if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode)) rm_tree(p);
      else unlink(p);
    }
    closedir(d);
  }
  rmdir(path);
}

/* Names of the *.floxlog files of dir, sorted; returns the count (at most cap). */
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }
static inline int list_segments(const char *dir, char **out, int cap) {
  DIR *d = opendir(dir);
  int n = 0;
  if (!d) return 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL && n < cap) {
    size_t len = strlen(e->d_name);
    if (len > 8 && strcmp(e->d_name + len - 8, ".floxlog") == 0) {
      char p[1024];
      snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
      out[n++] = strdup(p);
    }
  }
  closedir(d);
  qsort(out, (size_t)n, sizeof *out, cmp_str);
  return n;
}

static inline uint8_t *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
  *len = fread(buf, 1, (size_t)n, f);
  fclose(f);
  return buf;
}

static inline void write_file(const char *path, const uint8_t *data, size_t len) {
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    exit(2);
  }
  fwrite(data, 1, len, f);
  fclose(f);
}

/* Reads every trade of a tape (scale 1e8 unless given) into malloc'd columns; returns the count. */
typedef struct {
  int64_t *ts;
  uint32_t *sym;
  double *price, *qty;
  uint8_t *side;
  int64_t n;
  int32_t damage;
} trades_t;

static inline int32_t read_all_trades(const char *dir, double scale, trades_t *t) {
  memset(t, 0, sizeof *t);
  flox_tape_reader *r = NULL;
  int32_t rc = flox_tape_reader_open(dir, scale, scale, FLOX_TAPE_OPEN_ALLOW_EMPTY, &r);
  if (rc != FLOX_OK) return rc;
  size_t cap = 0;
  for (;;) {
    if ((size_t)t->n + 4096 > cap) {
      cap = cap ? cap * 2 : 8192;
      t->ts = realloc(t->ts, cap * 8);
      t->sym = realloc(t->sym, cap * 4);
      t->price = realloc(t->price, cap * 8);
      t->qty = realloc(t->qty, cap * 8);
      t->side = realloc(t->side, cap);
    }
    int32_t got = 0;
    rc = flox_tape_reader_read_trades(r, t->ts + t->n, t->sym + t->n, t->price + t->n, t->qty + t->n, t->side + t->n,
                                      4096, &got);
    if (rc != FLOX_OK || got == 0) break;
    t->n += got;
  }
  t->damage = flox_tape_reader_damage_count(r);
  flox_tape_reader_destroy(r);
  return rc;
}

static inline void trades_free(trades_t *t) {
  free(t->ts);
  free(t->sym);
  free(t->price);
  free(t->qty);
  free(t->side);
}

#endif
