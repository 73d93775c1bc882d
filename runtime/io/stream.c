/*
 * stream.c - bounded byte sources and sinks.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* fseeko, fileno */
#endif

#include "io_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

ldnrt_error *ldnrt_source_open(ldnrt_source *src, const char *path) {
  memset(src, 0, sizeof *src);
  FILE *f = fopen(path, "rb");
  if (!f)
    return ldnrt_errorf(LDNRT_ERROR_IO, "cannot open: %s", strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    int e = errno;
    fclose(f);
    return ldnrt_errorf(LDNRT_ERROR_IO, "cannot stat: %s", strerror(e));
  }
  if (!S_ISREG(st.st_mode)) {
    fclose(f);
    return ldnrt_errorf(LDNRT_ERROR_IO, "not a regular file");
  }
  src->file = f;
  src->size = (uint64_t)st.st_size;
  return NULL;
}

void ldnrt_source_memory(ldnrt_source *src, const void *data, size_t size) {
  memset(src, 0, sizeof *src);
  src->mem = data;
  src->size = data ? size : 0;
}

ldnrt_error *ldnrt_source_read(ldnrt_source *src, uint64_t offset, size_t n,
                               void *dst) {
  if (offset > src->size || n > src->size - offset)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "truncated: needs bytes up to offset %" PRIu64
                        " but the input has %" PRIu64 " bytes",
                        offset + (uint64_t)n, src->size);
  if (n == 0)
    return NULL;
  if (src->mem) {
    memcpy(dst, src->mem + offset, n);
    return NULL;
  }
  if (offset > (uint64_t)INT64_MAX ||
      fseeko(src->file, (off_t)offset, SEEK_SET) != 0)
    return ldnrt_errorf(LDNRT_ERROR_IO, "cannot seek to offset %" PRIu64 ": %s",
                        offset, strerror(errno));
  if (fread(dst, 1, n, src->file) != n)
    return ldnrt_errorf(LDNRT_ERROR_IO,
                        "cannot read %zu bytes at offset %" PRIu64 "%s%s", n,
                        offset, ferror(src->file) ? ": " : " (file shrank?)",
                        ferror(src->file) ? strerror(errno) : "");
  return NULL;
}

void ldnrt_source_close(ldnrt_source *src) {
  if (src->file)
    fclose(src->file);
  memset(src, 0, sizeof *src);
}

ldnrt_error *ldnrt_sink_open(ldnrt_sink *sink, const char *path) {
  memset(sink, 0, sizeof *sink);
  sink->file = fopen(path, "wb");
  if (!sink->file)
    return ldnrt_errorf(LDNRT_ERROR_IO, "cannot open for writing: %s",
                        strerror(errno));
  return NULL;
}

ldnrt_error *ldnrt_sink_memory(ldnrt_sink *sink, size_t size) {
  memset(sink, 0, sizeof *sink);
  sink->mem = malloc(size ? size : 1);
  if (!sink->mem)
    return ldnrt_errorf(LDNRT_ERROR_OUT_OF_MEMORY,
                        "out of memory allocating %zu bytes", size);
  sink->cap = size;
  return NULL;
}

void ldnrt_sink_write(ldnrt_sink *sink, const void *data, size_t n) {
  if (sink->error || n == 0)
    return;
  if (sink->file) {
    if (fwrite(data, 1, n, sink->file) != n)
      sink->error =
          ldnrt_errorf(LDNRT_ERROR_IO, "write failed: %s", strerror(errno));
    return;
  }
  if (n > sink->cap - sink->len) {
    sink->error = ldnrt_errorf(LDNRT_ERROR_FORMAT,
                               "internal error: output larger than computed");
    return;
  }
  memcpy(sink->mem + sink->len, data, n);
  sink->len += n;
}

void ldnrt_sink_write_tensor(ldnrt_sink *sink, const ldnrt_tensor *tensor) {
  if (sink->error)
    return;
  if (ldnrt_tensor_is_contiguous(tensor)) {
    ldnrt_sink_write(sink, tensor->data, ldnrt_tensor_size_bytes(tensor));
    return;
  }
  ldnrt_tensor *copy = NULL;
  ldnrt_error *err = ldnrt_tensor_to_contiguous(tensor, &copy);
  if (err) {
    sink->error = err;
    return;
  }
  ldnrt_sink_write(sink, copy->data, ldnrt_tensor_size_bytes(copy));
  ldnrt_tensor_free(copy);
}

ldnrt_error *ldnrt_sink_close(ldnrt_sink *sink, const char *path, void **data,
                              size_t *size) {
  ldnrt_error *err = sink->error;
  if (sink->file) {
    if (fclose(sink->file) != 0 && !err)
      err = ldnrt_errorf(LDNRT_ERROR_IO, "write failed: %s", strerror(errno));
    if (err && path)
      remove(path);
  } else if (!err && sink->len != sink->cap) {
    err = ldnrt_errorf(LDNRT_ERROR_FORMAT,
                       "internal error: output smaller than computed");
  }
  if (!sink->file) {
    if (err) {
      free(sink->mem);
    } else {
      *data = sink->mem;
      *size = sink->len;
    }
  }
  memset(sink, 0, sizeof *sink);
  return err;
}
