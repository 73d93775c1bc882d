/*
 * allocator.h - the allocation functions compiled code calls (MLIR's
 * "generic" memref allocation ABI), implemented by the runtime; not
 * installed. See allocator.c.
 */
#ifndef LDNRT_CPU_ALLOCATOR_H
#define LDNRT_CPU_ALLOCATOR_H

#include "ldnrt/ldnrt.h"

#include <stdint.h>

LDNRT_API void *_mlir_memref_to_llvm_alloc(uint64_t size);
LDNRT_API void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment,
                                                   uint64_t size);
LDNRT_API void _mlir_memref_to_llvm_free(void *ptr);

struct ldnrt_trap_frame;
struct ldnrt_gpu_backend;

/* Frees every block still tracked by `frame` (its call trapped). */
void ldnrt_allocator_release_frame(struct ldnrt_trap_frame *frame);
/* Stops tracking `frame`'s blocks (its call returned; the caller owns the
 * results and the rest were freed by the compiled code). */
void ldnrt_allocator_detach_frame(struct ldnrt_trap_frame *frame);

/* A block of `gpu`'s shared memory (see allocator.c) for the runtime's own
 * use, e.g. copies of a GPU call's inputs: registered, 64-byte aligned, not
 * tracked by any call; free it with _mlir_memref_to_llvm_free(). */
ldnrt_error *ldnrt_allocator_alloc_shared(const struct ldnrt_gpu_backend *gpu,
                                          size_t size, void **out);

#endif /* LDNRT_CPU_ALLOCATOR_H */
