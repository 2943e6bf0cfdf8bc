/* tape_dir.c: segment discovery in a tape directory, output directory preparation and
 * metadata.json (written in FLOX's key order, read the way FLOX's substring loader reads it). */
#include "tape_dir.h"

#include "error.h"
#include "flox.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char *join_path(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = malloc(a + b + 2);
  if (!p) return NULL;
  memcpy(p, dir, a);
  size_t at = a;
  if (a > 0 && dir[a - 1] != '/') p[at++] = '/';
  memcpy(p + at, name, b + 1);
  return p;
}

static int cmp_paths(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void tape_seg_list_free(tape_seg_list *l) {
  if (!l) return;
  for (size_t i = 0; i < l->count; i++) free(l->paths[i]);
  free(l->paths);
  l->paths = NULL;
  l->count = 0;
}

int32_t tape_dir_list(const char *dir, tape_seg_list *out) {
  out->paths = NULL;
  out->count = 0;
  struct stat st;
  if (stat(dir, &st) != 0) {
    if (errno == ENOENT) return flox_fail(FLOX_E_NOT_FOUND, "tape directory '%s' does not exist", dir);
    if (errno == ENOTDIR)
      return flox_fail(FLOX_E_INVALID_ARG, "'%s' is not a tape directory: a parent is a file", dir);
    return flox_fail(FLOX_E_IO, "cannot stat tape directory '%s': %s", dir, strerror(errno));
  }
  if (!S_ISDIR(st.st_mode))
    return flox_fail(FLOX_E_INVALID_ARG,
                     "'%s' is a file, not a tape directory (a tape is a directory of .floxlog segments; "
                     "move a single segment file into a directory of its own)",
                     dir);
  DIR *d = opendir(dir);
  if (!d) return flox_fail(FLOX_E_IO, "cannot open tape directory '%s': %s", dir, strerror(errno));
  size_t cap = 0;
  struct dirent *e;
  int32_t rc = FLOX_OK;
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name);
    /* Exactly ".floxlog": "x.floxlog.bak" and ".manifest" are not segments. */
    if (n < 9 || strcmp(e->d_name + n - 8, ".floxlog") != 0) continue;
    char *path = join_path(dir, e->d_name);
    if (!path) { rc = flox_fail(FLOX_E_NOMEM, "out of memory listing '%s'", dir); break; }
    struct stat fs;
    if (stat(path, &fs) != 0 || !S_ISREG(fs.st_mode)) { free(path); continue; }
    if (out->count == cap) {
      size_t ncap = cap ? cap * 2 : 16;
      char **np = realloc(out->paths, ncap * sizeof *np);
      if (!np) { free(path); rc = flox_fail(FLOX_E_NOMEM, "out of memory listing '%s'", dir); break; }
      out->paths = np;
      cap = ncap;
    }
    out->paths[out->count++] = path;
  }
  closedir(d);
  if (rc != FLOX_OK) { tape_seg_list_free(out); return rc; }
  if (out->count > 1) qsort(out->paths, out->count, sizeof *out->paths, cmp_paths);
  return FLOX_OK;
}

int32_t tape_dir_prepare_output(const char *dir) {
  if (!dir || !*dir) return flox_fail(FLOX_E_INVALID_ARG, "dir is empty");
  size_t n = strlen(dir);
  char *tmp = malloc(n + 1);
  if (!tmp) return flox_fail(FLOX_E_NOMEM, "out of memory");
  memcpy(tmp, dir, n + 1);
  /* mkdir -p, component by component; an existing component that is a file fails below. */
  for (size_t i = 1; i <= n; i++) {
    if (tmp[i] != '/' && tmp[i] != '\0') continue;
    char saved = tmp[i];
    tmp[i] = '\0';
    if (mkdir(tmp, 0777) != 0 && errno != EEXIST) {
      int err = errno;
      int32_t rc = err == ENOTDIR
                       ? flox_fail(FLOX_E_INVALID_ARG, "cannot create tape directory '%s': '%s' is a file", dir, tmp)
                       : flox_fail(FLOX_E_IO, "cannot create tape directory '%s': %s", dir, strerror(err));
      free(tmp);
      return rc;
    }
    tmp[i] = saved;
  }
  free(tmp);
  struct stat st;
  if (stat(dir, &st) != 0) return flox_fail(FLOX_E_IO, "cannot create tape directory '%s': %s", dir, strerror(errno));
  if (!S_ISDIR(st.st_mode))
    return flox_fail(FLOX_E_INVALID_ARG, "'%s' is a file, not a tape directory", dir);
  /* Probe by creating a file: access() says yes to root even where writes fail (read-only mounts,
   * sysfs), and failing here beats failing at the first recorded event. */
  char name[64];
  snprintf(name, sizeof name, ".flox-write-probe-%ld", (long)getpid());
  char *probe = join_path(dir, name);
  if (!probe) return flox_fail(FLOX_E_NOMEM, "out of memory");
  int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 && errno == EEXIST) fd = open(probe, O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    int32_t rc = flox_fail(FLOX_E_IO, "tape directory '%s' is not writable: %s", dir, strerror(errno));
    free(probe);
    return rc;
  }
  close(fd);
  unlink(probe);
  free(probe);
  return FLOX_OK;
}

static const char *const meta_keys[TAPE_META_STRING_COUNT] = {
    "recording_id", "description", "exchange", "exchange_type", "instrument_type",
    "connector_version", "hostname", "timezone", "flox_version"};

int tape_meta_key(const char *key) {
  for (int i = 0; i < TAPE_META_STRING_COUNT; i++)
    if (strcmp(key, meta_keys[i]) == 0) return i;
  return -1;
}

void tape_meta_free(tape_meta *m) {
  for (int i = 0; i < TAPE_META_STRING_COUNT; i++) free(m->strings[i]);
  for (size_t i = 0; i < m->symbol_count; i++) {
    free(m->symbols[i].name);
    free(m->symbols[i].base);
    free(m->symbols[i].quote);
  }
  free(m->symbols);
  memset(m, 0, sizeof *m);
}

/* FLOX escapes only " \ \n \r \t; other control bytes are written as \u00XX so the file stays JSON. */
static void put_json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
    switch (*p) {
      case '"': fputs("\\\"", f); break;
      case '\\': fputs("\\\\", f); break;
      case '\n': fputs("\\n", f); break;
      case '\r': fputs("\\r", f); break;
      case '\t': fputs("\\t", f); break;
      default:
        if (*p < 0x20) fprintf(f, "\\u%04x", *p);
        else fputc(*p, f);
    }
  }
  fputc('"', f);
}

static void put_iso_time(FILE *f, int64_t ns) {
  if (ns <= 0) { fputs("\"\"", f); return; }
  time_t secs = (time_t)(ns / 1000000000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[40];
  strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  fprintf(f, "\"%s.%03dZ\"", buf, (int)((ns / 1000000) % 1000));
}

int32_t tape_meta_write(const char *dir, const tape_meta *m) {
  char *final = join_path(dir, "metadata.json");
  char *tmp = join_path(dir, ".metadata.json.tmp");
  if (!final || !tmp) { free(final); free(tmp); return flox_fail(FLOX_E_NOMEM, "out of memory"); }
  FILE *f = fopen(tmp, "w");
  if (!f) {
    int32_t rc = flox_fail(FLOX_E_IO, "cannot write '%s': %s", tmp, strerror(errno));
    free(final); free(tmp);
    return rc;
  }
  const char *const *s = (const char *const *)m->strings;
  fputs("{\n", f);
  for (int i = TAPE_META_RECORDING_ID; i <= TAPE_META_CONNECTOR_VERSION; i++) {
    fprintf(f, "  \"%s\": ", meta_keys[i]);
    put_json_string(f, s[i]);
    fputs(",\n", f);
  }
  fputs("\n  \"symbols\": [\n", f);
  for (size_t i = 0; i < m->symbol_count; i++) {
    const tape_meta_symbol *y = &m->symbols[i];
    fprintf(f, "    {\n      \"symbol_id\": %u,\n      \"name\": ", y->id);
    put_json_string(f, y->name);
    fputs(",\n      \"base_asset\": ", f);
    put_json_string(f, y->base);
    fputs(",\n      \"quote_asset\": ", f);
    put_json_string(f, y->quote);
    fprintf(f, ",\n      \"price_precision\": %d,\n      \"qty_precision\": %d\n    }%s\n", y->price_precision,
            y->qty_precision, i + 1 < m->symbol_count ? "," : "");
  }
  fputs("  ],\n\n", f);
  fprintf(f, "  \"has_trades\": %s,\n  \"has_book_snapshots\": %s,\n  \"has_book_deltas\": %s,\n\n",
          m->has_trades ? "true" : "false", m->has_snapshots ? "true" : "false", m->has_deltas ? "true" : "false");
  fprintf(f, "  \"total_trades\": %lld,\n  \"total_book_updates\": %lld,\n  \"book_depth\": %d,\n\n",
          (long long)m->total_trades, (long long)m->total_book_updates, m->book_depth);
  fputs("  \"recording_start\": ", f);
  put_iso_time(f, m->start_ns);
  fputs(",\n  \"recording_end\": ", f);
  put_iso_time(f, m->end_ns);
  fputs(",\n\n  \"price_scale\": 100000000,\n  \"qty_scale\": 100000000,\n\n", f);
  for (int i = TAPE_META_HOSTNAME; i <= TAPE_META_FLOX_VERSION; i++) {
    fprintf(f, "  \"%s\": ", meta_keys[i]);
    put_json_string(f, s[i]);
    fputs(",\n", f);
  }
  fputs("\n  \"custom\": {\n  }\n}\n", f);
  int bad = ferror(f);
  if (fclose(f) != 0) bad = 1;
  int32_t rc = FLOX_OK;
  if (bad) rc = flox_fail(FLOX_E_IO, "cannot write '%s': %s", tmp, strerror(errno));
  else if (rename(tmp, final) != 0) rc = flox_fail(FLOX_E_IO, "cannot rename '%s' to '%s': %s", tmp, final, strerror(errno));
  if (rc != FLOX_OK) unlink(tmp);
  free(final);
  free(tmp);
  return rc;
}

/* FLOX's loader: find "\"key\"", then the next run of digits. */
static double find_number(const char *text, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\"", key);
  const char *p = strstr(text, pat);
  if (!p) return 0;
  p += strlen(pat);
  while (*p && (*p < '0' || *p > '9')) {
    if (*p == ',' || *p == '}') return 0; /* the value is not a number */
    p++;
  }
  double v = 0;
  while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
  return v;
}

void tape_meta_read_scales(const char *dir, double *price_scale, double *qty_scale) {
  char *path = join_path(dir, "metadata.json");
  if (!path) return;
  FILE *f = fopen(path, "rb");
  free(path);
  if (!f) return;
  char *buf = malloc(1 << 20);
  if (buf) {
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    double p = find_number(buf, "price_scale"), q = find_number(buf, "qty_scale");
    if (p > 0) *price_scale = p;
    if (q > 0) *qty_scale = q;
    free(buf);
  }
  fclose(f);
}
