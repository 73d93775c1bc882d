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

#endif /* LDNRT_CPU_ALLOCATOR_H */
