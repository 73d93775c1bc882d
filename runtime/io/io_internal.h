/*
 * io_internal.h - bounded byte sources and sinks for the file readers and
 * writers; not installed.
 */
#ifndef LDNRT_IO_INTERNAL_H
#define LDNRT_IO_INTERNAL_H

#include "../core/internal.h"
#include "ldnrt/io.h"

#include <stdio.h>

/* A file or memory region of known size; reads outside it fail. */
typedef struct ldnrt_source {
  const unsigned char *mem; /* memory source, or NULL */
  FILE *file;               /* file source, or NULL */
  uint64_t size;
} ldnrt_source;

ldnrt_error *ldnrt_source_open(ldnrt_source *src, const char *path);
void ldnrt_source_memory(ldnrt_source *src, const void *data, size_t size);
/* Reads exactly n bytes at `offset`, or fails saying the input is
 * truncated. */
ldnrt_error *ldnrt_source_read(ldnrt_source *src, uint64_t offset, size_t n,
                               void *dst);
void ldnrt_source_close(ldnrt_source *src);

/* A file, or a memory buffer of a size fixed up front. */
typedef struct ldnrt_sink {
  FILE *file;
  unsigned char *mem;
  size_t len;
  size_t cap;
  ldnrt_error *error; /* first failure; later writes are ignored */
} ldnrt_sink;

ldnrt_error *ldnrt_sink_open(ldnrt_sink *sink, const char *path);
ldnrt_error *ldnrt_sink_memory(ldnrt_sink *sink, size_t size);
void ldnrt_sink_write(ldnrt_sink *sink, const void *data, size_t n);
/* Closes the sink. On success a memory sink hands over its buffer (exactly
 * `size` bytes). On failure a file sink removes the partial file. */
ldnrt_error *ldnrt_sink_close(ldnrt_sink *sink, const char *path, void **data,
                              size_t *size);

/* Writes a tensor's elements in row-major order. */
void ldnrt_sink_write_tensor(ldnrt_sink *sink, const ldnrt_tensor *tensor);

#endif /* LDNRT_IO_INTERNAL_H */
