/*
 * io.h - .npy and .safetensors readers and writers of the ldn runtime.
 *
 * Part of libldnrt; same conventions as ldnrt.h (errors as values, caller
 * owns what `**out` returns). Readers never trust the file: every length,
 * offset and shape is checked against the file size before anything is
 * allocated or read, so truncated or hostile files give an error, never a
 * crash or an out-of-bounds read. Errors from the path-taking functions are
 * prefixed with the path.
 *
 * .npy (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html)
 *   Read: format versions 1.0, 2.0 and 3.0; little-endian descrs
 *   <f4 <f2 <f8 <i4 <i8 |i1 |b1 (f32 f16 f64 i32 i64 i8 i1); fortran_order
 *   True is transposed into row-major. Anything else (big-endian, other
 *   dtypes, structured dtypes, trailing bytes) is rejected with a message.
 *   Write: version 1.0 (2.0 if the header would not fit), C order. bf16 has
 *   no .npy dtype and is rejected; index is written as <i8.
 *
 * .safetensors (https://github.com/huggingface/safetensors)
 *   8-byte little-endian header length N, N bytes of JSON, then the data.
 *   dtypes F32 F16 BF16 F64 I32 I64 I8 BOOL; `__metadata__` is ignored.
 *   The reader is as strict as the reference implementation: data_offsets
 *   must tile the data section exactly (no overlap, no gap, no trailing
 *   bytes), each tensor's byte size must equal numel * dtype size. The writer
 *   pads the header with spaces to a multiple of 8 and stores tensors in map
 *   order; index is written as I64, i1 as BOOL.
 */
#ifndef LDNRT_IO_H
#define LDNRT_IO_H

#include "ldnrt/ldnrt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Named tensor collections                                                  */
/* ------------------------------------------------------------------------ */

/* An ordered collection of uniquely named tensors; owns its tensors. */
typedef struct ldnrt_tensor_map ldnrt_tensor_map;

LDNRT_API ldnrt_error *ldnrt_tensor_map_create(ldnrt_tensor_map **out);
/* Releases the map and every tensor in it. Accepts NULL. */
LDNRT_API void ldnrt_tensor_map_free(ldnrt_tensor_map *map);

/* Appends `tensor` under `name` (copied). On success the map owns the
 * tensor; on error (duplicate or empty name, out of memory) the caller
 * still does. */
LDNRT_API ldnrt_error *ldnrt_tensor_map_insert(ldnrt_tensor_map *map,
                                               const char *name,
                                               ldnrt_tensor *tensor);

LDNRT_API size_t ldnrt_tensor_map_size(const ldnrt_tensor_map *map);
/* Name / tensor at `index` (insertion order), or NULL if out of range. */
LDNRT_API const char *ldnrt_tensor_map_name(const ldnrt_tensor_map *map,
                                            size_t index);
LDNRT_API ldnrt_tensor *ldnrt_tensor_map_tensor(const ldnrt_tensor_map *map,
                                                size_t index);
/* The tensor called `name`, or NULL. */
LDNRT_API ldnrt_tensor *ldnrt_tensor_map_lookup(const ldnrt_tensor_map *map,
                                                const char *name);
/* Removes the tensor at `index` from the map and returns it (the caller now
 * owns it); NULL if out of range. Later entries move down by one. */
LDNRT_API ldnrt_tensor *ldnrt_tensor_map_take(ldnrt_tensor_map *map,
                                              size_t index);

/* ------------------------------------------------------------------------ */
/* .npy                                                                      */
/* ------------------------------------------------------------------------ */

/* Reads one array into a new owned row-major tensor. */
LDNRT_API ldnrt_error *ldnrt_npy_read(const char *path, ldnrt_tensor **out);
LDNRT_API ldnrt_error *ldnrt_npy_read_memory(const void *data, size_t size,
                                             ldnrt_tensor **out);

/* Writes any tensor (non-contiguous ones are written in row-major order). */
LDNRT_API ldnrt_error *ldnrt_npy_write(const char *path,
                                       const ldnrt_tensor *tensor);
/* Same, into a new buffer released with ldnrt_free(). */
LDNRT_API ldnrt_error *ldnrt_npy_write_memory(const ldnrt_tensor *tensor,
                                              void **data, size_t *size);

/* ------------------------------------------------------------------------ */
/* .safetensors                                                              */
/* ------------------------------------------------------------------------ */

/* Reads every tensor, in header order, into a new map. */
LDNRT_API ldnrt_error *ldnrt_safetensors_read(const char *path,
                                              ldnrt_tensor_map **out);
LDNRT_API ldnrt_error *ldnrt_safetensors_read_memory(const void *data,
                                                     size_t size,
                                                     ldnrt_tensor_map **out);

/* Writes every tensor of `map` (names must not be "__metadata__"). */
LDNRT_API ldnrt_error *ldnrt_safetensors_write(const char *path,
                                               const ldnrt_tensor_map *map);
/* Same, into a new buffer released with ldnrt_free(). */
LDNRT_API ldnrt_error *
ldnrt_safetensors_write_memory(const ldnrt_tensor_map *map, void **data,
                               size_t *size);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LDNRT_IO_H */
