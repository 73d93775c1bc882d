/*
 * registry.h - the live buffers GPU kernels may touch; not installed.
 *
 * Every block the allocator hands out during a GPU artifact's call (inputs,
 * temporaries, results) and every mgpuMemAlloc block is registered here
 * while it is live, with the backend it belongs to. The GPU layer uses it to
 * route mgpuMemFree / mgpuMemcpy to the right backend; the emulator's bounds
 * checker asks which allocation an address falls in. Registering and
 * unregistering also call the backend's on_alloc / on_free hooks.
 */
#ifndef LDNRT_GPU_REGISTRY_H
#define LDNRT_GPU_REGISTRY_H

#include "backend.h"
#include "../core/internal.h"

typedef enum ldnrt_gpu_alloc_kind {
  /* A block of the runtime's allocator: host code and kernels share it. */
  LDNRT_GPU_ALLOC_SHARED = 0,
  /* From mgpuMemAlloc (gpu.alloc): device memory, host-visible only if it
   * was asked for host_shared. */
  LDNRT_GPU_ALLOC_DEVICE = 1
} ldnrt_gpu_alloc_kind;

typedef struct ldnrt_gpu_allocation {
  void *base;  /* what compiled code sees */
  size_t size; /* bytes it asked for */
  const ldnrt_gpu_backend *backend;
  ldnrt_gpu_alloc_kind kind;
  /* The running call that must free it if it traps (gpu/calls.h), or
   * NULL. */
  const void *owner;
} ldnrt_gpu_allocation;

/* Registers [base, base + size) and then calls backend->on_alloc. A base
 * registered twice replaces the first. Fails only when out of memory. */
ldnrt_error *ldnrt_gpu_registry_add(void *base, size_t size,
                                    const ldnrt_gpu_backend *backend,
                                    ldnrt_gpu_alloc_kind kind,
                                    const void *owner);

/* Unregisters the allocation starting at `base` and then calls its
 * backend's on_free; returns 1 and fills `*removed` (may be NULL), or 0 if
 * `base` is not registered. */
int ldnrt_gpu_registry_remove(void *base, ldnrt_gpu_allocation *removed);

/* The allocation containing `address` (base <= address < base + size);
 * returns 1 and fills `*out`, or 0. An address one past the end of an
 * allocation is not in it; an empty allocation contains no address but is
 * found by its base. */
int ldnrt_gpu_registry_find(const void *address, ldnrt_gpu_allocation *out);

/* Unregisters one allocation owned by `owner`, as ldnrt_gpu_registry_remove
 * does; returns 1 and fills `*removed`, or 0 if `owner` owns none. */
int ldnrt_gpu_registry_take_owned(const void *owner,
                                  ldnrt_gpu_allocation *removed);

/* Clears the owner of every allocation `owner` owns. */
void ldnrt_gpu_registry_disown(const void *owner);

/* How many allocations are live (for tests and leak checks). */
size_t ldnrt_gpu_registry_count(void);

#endif /* LDNRT_GPU_REGISTRY_H */
