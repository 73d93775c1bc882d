/*
 * invoke.c - calling an entry point with memref descriptors (ABI version 1).
 *
 * For an entry with N arguments and M results, `args` is an array of N + M
 * pointers, each to a ranked memref descriptor
 *     { void *allocated; void *aligned; int64_t offset;
 *       int64_t sizes[R]; int64_t strides[R]; }
 * All descriptors live in one heap block, each starting at a multiple of the
 * header's alignment, which matches the C (and LLVM) layout of that struct
 * for any rank R, including 0.
 */
#include "allocator.h"
#include "artifact.h"
#include "trap.h"
#include "../gpu/dispatch.h"

#include <inttypes.h>
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct descriptor {
  void *allocated;
  void *aligned;
  int64_t offset;
  int64_t sizes_and_strides[]; /* sizes[R] then strides[R] */
} descriptor;

/* What a compiled constant (memref.global) result uses for `allocated`. */
#define DEAD_BEEF ((void *)(uintptr_t)0xdeadbeefu)

static size_t descriptor_bytes(size_t rank) {
  size_t bytes = sizeof(descriptor) + 2 * rank * sizeof(int64_t);
  size_t align = alignof(descriptor);
  return (bytes + align - 1) / align * align;
}

static ldnrt_error *check_input(const ldnrt_value *arg, size_t index,
                                const ldnrt_tensor *t) {
  const char *name = arg->name;
  if (!t)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "input '%s' (#%zu) is NULL", name, index);
  if (t->dtype != arg->info.dtype)
    return ldnrt_errorf(
        LDNRT_ERROR_INVALID_ARGUMENT, "input '%s': expected dtype %s, got %s",
        name, ldnrt_dtype_name(arg->info.dtype), ldnrt_dtype_name(t->dtype));
  if (t->rank != arg->info.rank) {
    char want[256], got[256];
    return ldnrt_errorf(
        LDNRT_ERROR_INVALID_ARGUMENT,
        "input '%s': expected rank %zu (shape %s), got rank %zu (shape %s)",
        name, arg->info.rank,
        ldnrt_format_shape(want, sizeof want, arg->info.rank, arg->shape),
        t->rank, ldnrt_format_shape(got, sizeof got, t->rank, t->shape));
  }
  for (size_t d = 0; d < t->rank; ++d)
    if (arg->shape[d] >= 0 && t->shape[d] != arg->shape[d])
      return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                          "input '%s' dimension %zu: expected %" PRId64
                          ", got %" PRId64,
                          name, d, arg->shape[d], t->shape[d]);
  return NULL;
}

/* A row-major copy of input `t` in `gpu`'s shared memory, as an owned
 * tensor released through the allocator: kernels cannot read the caller's
 * host memory. */
static ldnrt_error *copy_to_shared(const ldnrt_gpu_backend *gpu,
                                   const ldnrt_tensor *t, ldnrt_tensor **out) {
  void *block = NULL;
  ldnrt_error *err =
      ldnrt_allocator_alloc_shared(gpu, ldnrt_tensor_size_bytes(t), &block);
  if (err)
    return err;
  err = ldnrt_tensor_wrap(t->dtype, t->rank, t->shape, NULL, block, out);
  if (err) {
    _mlir_memref_to_llvm_free(block);
    return err;
  }
  (*out)->owned = 1;
  (*out)->allocation = block;
  if (ldnrt_tensor_num_elements(t) > 0)
    ldnrt_copy_strided(block, t->data, t->rank, t->shape, t->strides,
                       ldnrt_dtype_size(t->dtype));
  return NULL;
}

/* Results tracked on the stack before falling back to the heap. */
#define LDNRT_MAX_RESULTS_ON_STACK 64

/* Moves result `value` out of its descriptor into a new owned tensor: when
 * `*adopt` is set (the caller owns the buffer, per the ABI) and the data is
 * row-major, the tensor takes the buffer itself; otherwise the data is
 * copied and `*adopt` is cleared, so the caller frees the buffer. */
static ldnrt_error *take_result(const ldnrt_value *value, const descriptor *d,
                                int *adopt, ldnrt_tensor **out) {
  size_t rank = value->info.rank;
  const int64_t *sizes = d->sizes_and_strides;
  const int64_t *strides = d->sizes_and_strides + rank;
  for (size_t i = 0; i < rank; ++i) {
    if (sizes[i] < 0)
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "result '%s' dimension %zu: the artifact returned "
                          "negative size %" PRId64,
                          value->name, i, sizes[i]);
    if (value->shape[i] >= 0 && sizes[i] != value->shape[i])
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "result '%s' dimension %zu: the manifest declares "
                          "%" PRId64 ", the artifact returned %" PRId64,
                          value->name, i, value->shape[i], sizes[i]);
  }
  size_t es = ldnrt_dtype_size(value->info.dtype);
  int64_t offset_bytes;
  if (*adopt && d->aligned && d->offset >= 0 &&
      !__builtin_mul_overflow(d->offset, (int64_t)es, &offset_bytes) &&
      ldnrt_is_row_major(rank, sizes, strides)) {
    ldnrt_error *err =
        ldnrt_tensor_wrap(value->info.dtype, rank, sizes, NULL,
                          (char *)d->aligned + offset_bytes, out);
    if (!err) {
      (*out)->owned = 1;
      (*out)->allocation = d->allocated;
      return NULL;
    }
    ldnrt_error_free(err); /* fall back to copying */
  }
  *adopt = 0;
  ldnrt_error *err =
      ldnrt_tensor_create_uninit(value->info.dtype, rank, sizes, out);
  if (err)
    return ldnrt_error_prefix(err, "result '%s'", value->name);
  if (ldnrt_tensor_num_elements(*out) == 0)
    return NULL;
  if (!d->aligned) {
    ldnrt_tensor_free(*out);
    *out = NULL;
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "result '%s': the artifact returned a NULL buffer",
                        value->name);
  }
  /* Check the strided view's byte extent cannot overflow; the buffer's
   * bounds themselves are the compiled code's responsibility. */
  ldnrt_tensor *view = NULL;
  if (__builtin_mul_overflow(d->offset, (int64_t)es, &offset_bytes) ||
      (err = ldnrt_tensor_wrap(value->info.dtype, rank, sizes, strides,
                               (char *)d->aligned + offset_bytes, &view))) {
    ldnrt_error_free(err);
    ldnrt_tensor_free(*out);
    *out = NULL;
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "result '%s': the artifact returned an offset or "
                        "strides that overflow",
                        value->name);
  }
  ldnrt_copy_strided((*out)->data, view->data, rank, sizes, strides, es);
  ldnrt_tensor_free(view);
  return NULL;
}

LDNRT_API ldnrt_error *
ldnrt_invoke_entry(const ldnrt_artifact *artifact, const ldnrt_entry *entry,
                   const ldnrt_tensor *const *inputs, size_t num_inputs,
                   ldnrt_tensor **outputs, size_t num_outputs) {
  if (outputs)
    for (size_t i = 0; i < num_outputs; ++i)
      outputs[i] = NULL;
  if (!artifact || !entry)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_invoke: %s is NULL",
                        artifact ? "entry" : "artifact");
  const ldnrt_manifest *manifest = &artifact->manifest;
  if (entry < manifest->entries ||
      entry >= manifest->entries + manifest->num_entries)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_invoke: entry does not belong to %s",
                        artifact->path);
  if (num_inputs != entry->num_args)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "entry point '%s' takes %zu input(s), got %zu",
                        entry->name, entry->num_args, num_inputs);
  if (num_outputs != entry->num_results)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "entry point '%s' returns %zu result(s), but "
                        "num_outputs is %zu",
                        entry->name, entry->num_results, num_outputs);
  if ((num_inputs && !inputs) || (num_outputs && !outputs))
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_invoke: %s array is NULL",
                        num_inputs && !inputs ? "inputs" : "outputs");
  ldnrt_error *err = NULL;
  for (size_t i = 0; i < num_inputs; ++i)
    if ((err = check_input(&entry->args[i], i, inputs[i])))
      return err;

  size_t n = num_inputs, m = num_outputs;
  /* One block: temporaries, args pointers, then the descriptors. */
  size_t desc_offsets_bytes = 0;
  for (size_t i = 0; i < n; ++i)
    desc_offsets_bytes += descriptor_bytes(entry->args[i].info.rank);
  for (size_t i = 0; i < m; ++i)
    desc_offsets_bytes += descriptor_bytes(entry->results[i].info.rank);
  size_t ptrs_bytes = (n + m) * sizeof(void *);
  size_t align = alignof(descriptor);
  size_t head = (ptrs_bytes + align - 1) / align * align;
  char *block = calloc(1, head + desc_offsets_bytes + 1);
  ldnrt_tensor **temps = calloc(n ? n : 1, sizeof *temps);
  if (!block || !temps) {
    free(block);
    free(temps);
    return ldnrt_error_oom();
  }
  void **args = (void **)block;
  char *cursor = block + head;
  descriptor **results = (descriptor **)(args + n);

  for (size_t i = 0; i < n && !err; ++i) {
    const ldnrt_tensor *t = inputs[i];
    if (artifact->gpu) {
      err = copy_to_shared(artifact->gpu, t, &temps[i]);
      if (err) {
        err = ldnrt_error_prefix(err, "input '%s'", entry->args[i].name);
        break;
      }
      t = temps[i]; /* row-major */
    }
    if (!ldnrt_tensor_is_contiguous(t)) {
      err = ldnrt_tensor_to_contiguous(t, &temps[i]);
      if (err) {
        err = ldnrt_error_prefix(err, "input '%s'", entry->args[i].name);
        break;
      }
      t = temps[i];
    }
    descriptor *d = (descriptor *)cursor;
    cursor += descriptor_bytes(t->rank);
    d->allocated = t->data;
    d->aligned = t->data;
    d->offset = 0;
    memcpy(d->sizes_and_strides, t->shape, t->rank * sizeof(int64_t));
    ldnrt_row_major_strides(t->rank, t->shape, d->sizes_and_strides + t->rank);
    args[i] = d;
  }
  for (size_t i = 0; i < m; ++i) {
    args[n + i] = cursor; /* zeroed by calloc */
    cursor += descriptor_bytes(entry->results[i].info.rank);
  }

  if (!err) {
    ldnrt_trap_frame frame;
    frame.gpu = artifact->gpu;
    if (ldnrt_call_guarded(entry->fn, args, &frame)) {
      /* Result descriptors may be half written: leave them alone. */
      err = ldnrt_errorf(frame.code, "%s", frame.message);
    } else {
      /* Kernels may still run: results are complete after this. On error
       * the buffers are still released below. */
      if (artifact->gpu) {
        char what[512];
        snprintf(what, sizeof what, "entry point '%s'", entry->name);
        err = ldnrt_gpu_synchronize(artifact->gpu, what);
      }
      /* The caller owns a result buffer unless it is NULL, the constant
       * sentinel, an input, or shared with another result (ABI). Owned
       * buffers are adopted by the output tensors where possible, freed
       * otherwise. */
      int owned[LDNRT_MAX_RESULTS_ON_STACK];
      int *own = m <= LDNRT_MAX_RESULTS_ON_STACK ? owned : calloc(m, sizeof *own);
      if (!own)
        err = ldnrt_errorf(LDNRT_ERROR_OUT_OF_MEMORY, "out of memory");
      for (size_t i = 0; own && i < m; ++i) {
        void *p = results[i]->allocated;
        int alias = p == NULL || p == DEAD_BEEF;
        for (size_t j = 0; j < n && !alias; ++j)
          alias = p == ((descriptor *)args[j])->allocated;
        for (size_t j = 0; j < m && !alias; ++j)
          alias = j != i && p == results[j]->allocated;
        own[i] = !alias;
      }
      for (size_t i = 0; own && i < m && !err; ++i)
        err = take_result(&entry->results[i], results[i], &own[i],
                          &outputs[i]);
      /* On an error, outputs are freed below (including adopted buffers);
       * the rest, and every non-adopted owned buffer, is freed here once. */
      for (size_t i = 0; own && i < m; ++i) {
        void *p = results[i]->allocated;
        int adopted = outputs[i] && outputs[i]->allocation == p && own[i];
        int shared_earlier = 0;
        for (size_t j = 0; j < i && !shared_earlier; ++j)
          shared_earlier = p == results[j]->allocated;
        if (adopted || shared_earlier || p == NULL || p == DEAD_BEEF)
          continue;
        int input = 0;
        for (size_t j = 0; j < n && !input; ++j)
          input = p == ((descriptor *)args[j])->allocated;
        if (!input)
          _mlir_memref_to_llvm_free(p);
      }
      if (own != owned)
        free(own);
    }
  }

  for (size_t i = 0; i < n; ++i)
    ldnrt_tensor_free(temps[i]);
  free(temps);
  free(block);
  if (err && outputs)
    for (size_t i = 0; i < m; ++i) {
      ldnrt_tensor_free(outputs[i]);
      outputs[i] = NULL;
    }
  return err;
}

LDNRT_API ldnrt_error *ldnrt_invoke(const ldnrt_artifact *artifact,
                                    const char *entry_name,
                                    const ldnrt_tensor *const *inputs,
                                    size_t num_inputs, ldnrt_tensor **outputs,
                                    size_t num_outputs) {
  if (outputs)
    for (size_t i = 0; i < num_outputs; ++i)
      outputs[i] = NULL;
  if (!artifact || !entry_name)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_invoke: %s is NULL",
                        artifact ? "entry_name" : "artifact");
  const ldnrt_entry *entry = ldnrt_artifact_find_entry(artifact, entry_name);
  if (!entry) {
    ldnrt_strbuf sb;
    ldnrt_strbuf_init(&sb);
    size_t count = ldnrt_artifact_num_entries(artifact);
    for (size_t i = 0; i < count; ++i) {
      if (i)
        ldnrt_strbuf_puts(&sb, ", ");
      ldnrt_strbuf_puts(&sb,
                        ldnrt_entry_name(ldnrt_artifact_entry(artifact, i)));
    }
    ldnrt_error *err = ldnrt_errorf(
        LDNRT_ERROR_NOT_FOUND, "no entry point '%s' in %s (entries: %s)",
        entry_name, ldnrt_artifact_path(artifact),
        sb.failed ? "..." : (sb.len ? sb.data : "none"));
    ldnrt_strbuf_free(&sb);
    return err;
  }
  return ldnrt_invoke_entry(artifact, entry, inputs, num_inputs, outputs,
                            num_outputs);
}
