/*
 * internal.h - declarations shared by the runtime's sources; not installed.
 */
#ifndef LDNRT_CORE_INTERNAL_H
#define LDNRT_CORE_INTERNAL_H

#include "ldnrt/ldnrt.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the ldn runtime assumes a little-endian host"
#endif

#define LDNRT_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* ---- errors (core/error.c) ---- */

/* A new error with a printf-formatted message. Never returns NULL: falls
 * back to a static out-of-memory error. */
ldnrt_error *ldnrt_errorf(ldnrt_error_code code, const char *fmt, ...)
    LDNRT_PRINTF(2, 3);
ldnrt_error *ldnrt_verrorf(ldnrt_error_code code, const char *fmt, va_list ap);
/* The static out-of-memory error (ldnrt_error_free ignores it). */
ldnrt_error *ldnrt_error_oom(void);
/* Replaces `error` by one whose message is "<prefix>: <message>"; keeps the
 * code. Returns NULL for a NULL error. */
ldnrt_error *ldnrt_error_prefix(ldnrt_error *error, const char *fmt, ...)
    LDNRT_PRINTF(2, 3);

/* ---- growable strings (core/strbuf.c) ---- */

typedef struct ldnrt_strbuf {
  char *data; /* NUL-terminated when len > 0 or after any append */
  size_t len;
  size_t cap;
  int failed; /* an allocation failed; the content is incomplete */
} ldnrt_strbuf;

void ldnrt_strbuf_init(ldnrt_strbuf *sb);
void ldnrt_strbuf_free(ldnrt_strbuf *sb);
void ldnrt_strbuf_append(ldnrt_strbuf *sb, const char *data, size_t n);
void ldnrt_strbuf_puts(ldnrt_strbuf *sb, const char *s);
void ldnrt_strbuf_printf(ldnrt_strbuf *sb, const char *fmt, ...)
    LDNRT_PRINTF(2, 3);
void ldnrt_strbuf_vprintf(ldnrt_strbuf *sb, const char *fmt, va_list ap)
    LDNRT_PRINTF(2, 0);
/* Appends "[d0, d1, ...]". */
void ldnrt_strbuf_shape(ldnrt_strbuf *sb, size_t rank, const int64_t *shape);

/* Formats "[d0, d1, ...]" into buf (truncated with "..." if too small). */
const char *ldnrt_format_shape(char *buf, size_t size, size_t rank,
                               const int64_t *shape);

/* ---- dtypes (core/dtype.c) ---- */

int ldnrt_dtype_is_valid(ldnrt_dtype dtype);

/* ---- tensors (core/tensor.c) ---- */

struct ldnrt_tensor {
  ldnrt_dtype dtype;
  size_t rank;
  int64_t shape[LDNRT_MAX_RANK];
  int64_t strides[LDNRT_MAX_RANK];
  void *data;
  int owned;
  /* When owned: a result buffer adopted from compiled code, released with
   * the artifact allocator (cpu/allocator.c); NULL when `data` came from
   * malloc. The data may start past the allocation. */
  void *allocation;
};

/* Checks a shape (rank, non-negative dims, NULL only for rank 0) and that
 * its byte size fits; returns the element count and byte size. `what` names
 * the thing in the message ("tensor", "input 'x'", ...). */
ldnrt_error *ldnrt_check_shape(const char *what, size_t rank,
                               const int64_t *shape, size_t elem_size,
                               int64_t *num_elements, size_t *num_bytes);

/* A malloc'ed copy of `s` (NULL when out of memory). */
char *ldnrt_strdup(const char *s);

/* Whether `strides` (elements) lay out `shape` row-major and densely packed;
 * any shape with a zero dimension is. */
int ldnrt_is_row_major(size_t rank, const int64_t *shape,
                       const int64_t *strides);

/* Like ldnrt_tensor_create() but the data is left uninitialised. */
ldnrt_error *ldnrt_tensor_create_uninit(ldnrt_dtype dtype, size_t rank,
                                        const int64_t *shape,
                                        ldnrt_tensor **out);

/* Fills `strides` with row-major strides of `shape`. */
void ldnrt_row_major_strides(size_t rank, const int64_t *shape,
                             int64_t *strides);

/* Copies the elements of a strided view (`src` points to element 0) into
 * `dst` in row-major order. The caller guarantees the view is addressable. */
void ldnrt_copy_strided(void *dst, const void *src, size_t rank,
                        const int64_t *shape, const int64_t *strides,
                        size_t elem_size);

/* 64-byte aligned allocation of at least one byte, freed with free(). */
void *ldnrt_aligned_alloc(size_t size);

/* Artifacts resolve `ldnrt_trap`, and emulated kernels the emulator's
 * intrinsics, from the global scope. That holds when the runtime is linked
 * into the program, but not when the runtime itself was dlopen'ed with
 * RTLD_LOCAL (e.g. by Python's ctypes). This promotes the runtime's own
 * library to RTLD_GLOBAL, before dlopen'ing code that needs it; failures
 * are harmless (the later dlopen reports the unresolved symbol). */
void ldnrt_make_runtime_global(void);

#endif /* LDNRT_CORE_INTERNAL_H */
