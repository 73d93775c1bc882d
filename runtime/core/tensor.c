/*
 * tensor.c - host tensors: creation, views, contiguous copies.
 */
#include "internal.h"
#include "../cpu/allocator.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

void *ldnrt_aligned_alloc(size_t size) {
  void *p = NULL;
  if (posix_memalign(&p, 64, size ? size : 1) != 0)
    return NULL;
  return p;
}

ldnrt_error *ldnrt_check_shape(const char *what, size_t rank,
                               const int64_t *shape, size_t elem_size,
                               int64_t *num_elements, size_t *num_bytes) {
  if (rank > LDNRT_MAX_RANK)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "%s: rank %zu exceeds the maximum rank %d", what, rank,
                        LDNRT_MAX_RANK);
  if (rank > 0 && !shape)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "%s: shape is NULL for rank %zu", what, rank);
  int has_zero = 0;
  for (size_t i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                          "%s: dimension %zu is negative (%" PRId64 ")", what,
                          i, shape[i]);
    if (shape[i] == 0)
      has_zero = 1;
  }
  int64_t n = 1;
  int overflow = 0;
  if (has_zero) {
    n = 0;
  } else {
    for (size_t i = 0; i < rank && !overflow; ++i)
      overflow = __builtin_mul_overflow(n, shape[i], &n);
  }
  int64_t bytes = 0;
  if (!overflow)
    overflow = __builtin_mul_overflow(n, (int64_t)elem_size, &bytes);
  if (!overflow && (uint64_t)bytes > (uint64_t)SIZE_MAX)
    overflow = 1;
  if (overflow) {
    char buf[256];
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "%s: shape %s is too large (its size in bytes "
                        "overflows)",
                        what, ldnrt_format_shape(buf, sizeof buf, rank, shape));
  }
  if (num_elements)
    *num_elements = n;
  if (num_bytes)
    *num_bytes = (size_t)bytes;
  return NULL;
}

void ldnrt_row_major_strides(size_t rank, const int64_t *shape,
                             int64_t *strides) {
  /* Zero dimensions count as 1 (strides of an empty tensor do not matter).
   * For a checked shape the product can only overflow when some dimension
   * is zero; saturate then. */
  int64_t s = 1;
  for (size_t i = rank; i-- > 0;) {
    strides[i] = s;
    if (shape[i] > 1 && __builtin_mul_overflow(s, shape[i], &s))
      s = INT64_MAX;
  }
}

static ldnrt_error *new_tensor(ldnrt_dtype dtype, size_t rank,
                               const int64_t *shape, ldnrt_tensor **out,
                               size_t *num_bytes) {
  if (!out)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT, "tensor: out is NULL");
  *out = NULL;
  if (!ldnrt_dtype_is_valid(dtype))
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "tensor: invalid dtype %d", (int)dtype);
  ldnrt_error *err = ldnrt_check_shape(
      "tensor", rank, shape, ldnrt_dtype_size(dtype), NULL, num_bytes);
  if (err)
    return err;
  ldnrt_tensor *t = calloc(1, sizeof *t);
  if (!t)
    return ldnrt_error_oom();
  t->dtype = dtype;
  t->rank = rank;
  if (rank)
    memcpy(t->shape, shape, rank * sizeof(int64_t));
  ldnrt_row_major_strides(rank, t->shape, t->strides);
  *out = t;
  return NULL;
}

ldnrt_error *ldnrt_tensor_create_uninit(ldnrt_dtype dtype, size_t rank,
                                        const int64_t *shape,
                                        ldnrt_tensor **out) {
  size_t bytes = 0;
  ldnrt_error *err = new_tensor(dtype, rank, shape, out, &bytes);
  if (err)
    return err;
  (*out)->data = ldnrt_aligned_alloc(bytes);
  if (!(*out)->data) {
    free(*out);
    *out = NULL;
    return ldnrt_errorf(LDNRT_ERROR_OUT_OF_MEMORY,
                        "out of memory allocating a tensor of %zu bytes",
                        bytes);
  }
  (*out)->owned = 1;
  return NULL;
}

LDNRT_API ldnrt_error *ldnrt_tensor_create(ldnrt_dtype dtype, size_t rank,
                                           const int64_t *shape,
                                           ldnrt_tensor **out) {
  ldnrt_error *err = ldnrt_tensor_create_uninit(dtype, rank, shape, out);
  if (err)
    return err;
  memset((*out)->data, 0, ldnrt_tensor_size_bytes(*out));
  return NULL;
}

LDNRT_API ldnrt_error *ldnrt_tensor_wrap(ldnrt_dtype dtype, size_t rank,
                                         const int64_t *shape,
                                         const int64_t *strides, void *data,
                                         ldnrt_tensor **out) {
  size_t bytes = 0;
  ldnrt_error *err = new_tensor(dtype, rank, shape, out, &bytes);
  if (err)
    return err;
  ldnrt_tensor *t = *out;
  if (strides) {
    /* The farthest element from element 0 must be addressable in bytes. */
    int64_t extent = 0;
    int overflow = 0;
    int empty = 0;
    for (size_t i = 0; i < rank; ++i)
      empty |= shape[i] == 0;
    for (size_t i = 0; i < rank && !empty && !overflow; ++i) {
      int64_t s = strides[i], step;
      if (s == INT64_MIN) {
        overflow = 1;
        break;
      }
      overflow = __builtin_mul_overflow(s < 0 ? -s : s, shape[i] - 1, &step) ||
                 __builtin_add_overflow(extent, step, &extent);
    }
    if (!overflow && !empty)
      overflow = __builtin_mul_overflow(
          extent, (int64_t)ldnrt_dtype_size(dtype), &extent);
    if (overflow) {
      char sbuf[256], tbuf[256];
      ldnrt_tensor_free(t);
      *out = NULL;
      return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                          "tensor: strides %s with shape %s address bytes "
                          "beyond what fits in 64 bits",
                          ldnrt_format_shape(sbuf, sizeof sbuf, rank, strides),
                          ldnrt_format_shape(tbuf, sizeof tbuf, rank, shape));
    }
    if (rank)
      memcpy(t->strides, strides, rank * sizeof(int64_t));
  }
  if (!data && bytes != 0) {
    ldnrt_tensor_free(t);
    *out = NULL;
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "tensor: data is NULL for a tensor of %zu bytes",
                        bytes);
  }
  t->data = data;
  t->owned = 0;
  return NULL;
}

LDNRT_API void ldnrt_tensor_free(ldnrt_tensor *tensor) {
  if (!tensor)
    return;
  if (tensor->owned && tensor->allocation)
    _mlir_memref_to_llvm_free(tensor->allocation); /* adopted result */
  else if (tensor->owned)
    free(tensor->data);
  free(tensor);
}

LDNRT_API ldnrt_dtype ldnrt_tensor_dtype(const ldnrt_tensor *t) {
  return t->dtype;
}
LDNRT_API size_t ldnrt_tensor_rank(const ldnrt_tensor *t) { return t->rank; }
LDNRT_API const int64_t *ldnrt_tensor_shape(const ldnrt_tensor *t) {
  return t->shape;
}
LDNRT_API const int64_t *ldnrt_tensor_strides(const ldnrt_tensor *t) {
  return t->strides;
}
LDNRT_API int64_t ldnrt_tensor_dim(const ldnrt_tensor *t, size_t axis) {
  return axis < t->rank ? t->shape[axis] : -1;
}
LDNRT_API void *ldnrt_tensor_data(const ldnrt_tensor *t) { return t->data; }
LDNRT_API int ldnrt_tensor_is_owned(const ldnrt_tensor *t) { return t->owned; }

LDNRT_API int64_t ldnrt_tensor_num_elements(const ldnrt_tensor *t) {
  for (size_t i = 0; i < t->rank; ++i)
    if (t->shape[i] == 0)
      return 0;
  int64_t n = 1;
  for (size_t i = 0; i < t->rank; ++i)
    n *= t->shape[i]; /* checked at creation: cannot overflow */
  return n;
}

LDNRT_API size_t ldnrt_tensor_size_bytes(const ldnrt_tensor *t) {
  return (size_t)ldnrt_tensor_num_elements(t) * ldnrt_dtype_size(t->dtype);
}

int ldnrt_is_row_major(size_t rank, const int64_t *shape,
                       const int64_t *strides) {
  int64_t expected = 1;
  for (size_t i = 0; i < rank; ++i)
    if (shape[i] == 0)
      return 1;
  for (size_t i = rank; i-- > 0;) {
    if (shape[i] != 1 && strides[i] != expected)
      return 0;
    expected *= shape[i];
  }
  return 1;
}

LDNRT_API int ldnrt_tensor_is_contiguous(const ldnrt_tensor *t) {
  return ldnrt_is_row_major(t->rank, t->shape, t->strides);
}

static void copy_elems(char *dst, const char *src, int64_t n, int64_t stride,
                       size_t es) {
  if (stride == 1) {
    memcpy(dst, src, (size_t)n * es);
    return;
  }
  ptrdiff_t step = (ptrdiff_t)stride * (ptrdiff_t)es;
  switch (es) {
  case 1:
    for (int64_t j = 0; j < n; ++j, src += step)
      dst[j] = *src;
    break;
  case 2:
    for (int64_t j = 0; j < n; ++j, src += step)
      memcpy(dst + 2 * j, src, 2);
    break;
  case 4:
    for (int64_t j = 0; j < n; ++j, src += step)
      memcpy(dst + 4 * j, src, 4);
    break;
  case 8:
    for (int64_t j = 0; j < n; ++j, src += step)
      memcpy(dst + 8 * j, src, 8);
    break;
  default:
    for (int64_t j = 0; j < n; ++j, src += step)
      memcpy(dst + (size_t)j * es, src, es);
    break;
  }
}

void ldnrt_copy_strided(void *dst, const void *src, size_t rank,
                        const int64_t *shape, const int64_t *strides,
                        size_t es) {
  if (rank == 0) {
    memcpy(dst, src, es);
    return;
  }
  for (size_t i = 0; i < rank; ++i)
    if (shape[i] == 0)
      return;
  int64_t idx[LDNRT_MAX_RANK] = {0};
  int64_t inner = shape[rank - 1];
  int64_t inner_stride = strides[rank - 1];
  const char *base = src;
  char *out = dst;
  int64_t offset = 0; /* elements, of the current row's first element */
  for (;;) {
    copy_elems(out, base + (ptrdiff_t)offset * (ptrdiff_t)es, inner,
               inner_stride, es);
    out += (size_t)inner * es;
    size_t k = rank - 1;
    for (;;) {
      if (k == 0)
        return;
      --k;
      if (idx[k] + 1 < shape[k]) {
        ++idx[k];
        offset += strides[k];
        break;
      }
      offset -= strides[k] * (shape[k] - 1); /* bounded by the extent check */
      idx[k] = 0;
    }
  }
}

LDNRT_API ldnrt_error *ldnrt_tensor_to_contiguous(const ldnrt_tensor *tensor,
                                                  ldnrt_tensor **out) {
  if (!out)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT, "tensor: out is NULL");
  *out = NULL;
  if (!tensor)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT, "tensor: input is NULL");
  ldnrt_error *err = ldnrt_tensor_create_uninit(tensor->dtype, tensor->rank,
                                                tensor->shape, out);
  if (err)
    return err;
  if (ldnrt_tensor_num_elements(tensor) > 0)
    ldnrt_copy_strided((*out)->data, tensor->data, tensor->rank, tensor->shape,
                       tensor->strides, ldnrt_dtype_size(tensor->dtype));
  return NULL;
}
