/*
 * dtype.c - element types.
 */
#include "internal.h"

#include <string.h>

static const struct {
  const char *name;
  size_t size;
} dtype_table[LDNRT_DTYPE_COUNT] = {
    [LDNRT_DTYPE_F32] = {"f32", 4},     [LDNRT_DTYPE_F16] = {"f16", 2},
    [LDNRT_DTYPE_BF16] = {"bf16", 2},   [LDNRT_DTYPE_F64] = {"f64", 8},
    [LDNRT_DTYPE_I32] = {"i32", 4},     [LDNRT_DTYPE_I64] = {"i64", 8},
    [LDNRT_DTYPE_I8] = {"i8", 1},       [LDNRT_DTYPE_I1] = {"i1", 1},
    [LDNRT_DTYPE_INDEX] = {"index", 8},
};

int ldnrt_dtype_is_valid(ldnrt_dtype dtype) {
  return (unsigned)dtype < LDNRT_DTYPE_COUNT;
}

LDNRT_API size_t ldnrt_dtype_size(ldnrt_dtype dtype) {
  return ldnrt_dtype_is_valid(dtype) ? dtype_table[dtype].size : 0;
}

LDNRT_API const char *ldnrt_dtype_name(ldnrt_dtype dtype) {
  return ldnrt_dtype_is_valid(dtype) ? dtype_table[dtype].name : "invalid";
}

LDNRT_API ldnrt_error *ldnrt_dtype_from_name(const char *name,
                                             ldnrt_dtype *out) {
  if (!name || !out)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_dtype_from_name: NULL argument");
  for (int i = 0; i < LDNRT_DTYPE_COUNT; ++i) {
    if (strcmp(name, dtype_table[i].name) == 0) {
      *out = (ldnrt_dtype)i;
      return NULL;
    }
  }
  return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                      "unknown dtype '%s' (expected one of f32, f16, bf16, "
                      "f64, i32, i64, i8, i1, index)",
                      name);
}
