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

/* Frees every block still tracked by `frame` (its call trapped). */
void ldnrt_allocator_release_frame(struct ldnrt_trap_frame *frame);
/* Stops tracking `frame`'s blocks (its call returned; the caller owns the
 * results and the rest were freed by the compiled code). */
void ldnrt_allocator_detach_frame(struct ldnrt_trap_frame *frame);

#endif /* LDNRT_CPU_ALLOCATOR_H */
