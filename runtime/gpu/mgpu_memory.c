/*
 * mgpu_memory.c - gpu.alloc, gpu.dealloc, gpu.memcpy, gpu.memset and the
 * default device.
 *
 * Blocks from mgpuMemAlloc are registered (registry.h) so that
 * mgpuMemFree, which gets only the pointer, returns each to the backend
 * that made it, and so that the emulator can bounds-check them. Copies and
 * fills go to the stream's backend, else to the backend of a registered
 * operand, else to the current one.
 */
#include "calls.h"
#include "dispatch.h"
#include "errors.h"
#include "mgpu.h"
#include "registry.h"

#include <inttypes.h>

/* The backend for an operation on `stream` touching `a` and `b`, ready for
 * use, or NULL (reported). */
static const ldnrt_gpu_backend *backend_for(const ldnrt_gpu_handle *stream,
                                            const void *a, const void *b) {
  const ldnrt_gpu_backend *backend = NULL;
  ldnrt_gpu_allocation found;
  if (stream)
    backend = stream->backend;
  else if (a && ldnrt_gpu_registry_find(a, &found))
    backend = found.backend;
  else if (b && ldnrt_gpu_registry_find(b, &found))
    backend = found.backend;
  else
    backend = ldnrt_gpu_current_backend();
  if (!backend) {
    ldnrt_gpu_fail(LDNRT_ERROR_UNSUPPORTED, "no GPU backend is available");
    return NULL;
  }
  return ldnrt_gpu_ready(backend) ? backend : NULL;
}

static void *native_stream(const ldnrt_gpu_handle *stream) {
  return stream ? stream->native : NULL;
}

LDNRT_API void *mgpuMemAlloc(uint64_t sizeBytes, void *stream,
                             bool isHostShared) {
  const ldnrt_gpu_handle *s = stream;
  const ldnrt_gpu_backend *b = backend_for(s, NULL, NULL);
  if (!b)
    return NULL;
  if (!b->mem_alloc || !b->mem_free) {
    ldnrt_gpu_fail(LDNRT_ERROR_UNSUPPORTED,
                   "the %s backend does not support gpu.alloc", b->label);
    return NULL;
  }
  void *ptr = NULL;
  const char *why =
      b->mem_alloc(sizeBytes, native_stream(s), isHostShared, &ptr);
  if (why) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "%s allocation of %" PRIu64 " bytes failed: %s", b->label,
                   sizeBytes, why);
    return NULL;
  }
  if (!ptr)
    return NULL; /* nothing to register: an empty allocation */
  /* Owned by the running call, which frees it if it traps. */
  ldnrt_error *err = ldnrt_gpu_registry_add(ptr, (size_t)sizeBytes, b,
                                            LDNRT_GPU_ALLOC_DEVICE,
                                            ldnrt_gpu_current_call());
  if (err) {
    b->mem_free(ptr, native_stream(s));
    ldnrt_gpu_fail(ldnrt_error_get_code(err), "%s", ldnrt_error_message(err));
    ldnrt_error_free(err);
    return NULL;
  }
  return ptr;
}

LDNRT_API void mgpuMemFree(void *ptr, void *stream) {
  const ldnrt_gpu_handle *s = stream;
  if (!ptr)
    return;
  ldnrt_gpu_allocation found;
  if (!ldnrt_gpu_registry_find(ptr, &found) || found.base != ptr ||
      found.kind != LDNRT_GPU_ALLOC_DEVICE) {
    ldnrt_gpu_record(LDNRT_ERROR_DEVICE,
                     "GPU free of %p, which mgpuMemAlloc did not return", ptr);
    return;
  }
  ldnrt_gpu_registry_remove(ptr, NULL);
  /* The free is ordered on the block's own backend; a stream of another
   * backend cannot order it. */
  void *native = s && s->backend == found.backend ? s->native : NULL;
  const char *why = found.backend->mem_free(ptr, native);
  if (why)
    ldnrt_gpu_record(LDNRT_ERROR_DEVICE, "%s free failed: %s",
                     found.backend->label, why);
}

LDNRT_API void mgpuMemcpy(void *dst, void *src, size_t sizeBytes,
                          void *stream) {
  const ldnrt_gpu_handle *s = stream;
  const ldnrt_gpu_backend *b = backend_for(s, dst, src);
  if (!b)
    return;
  if (!b->mem_copy) {
    ldnrt_gpu_fail(LDNRT_ERROR_UNSUPPORTED,
                   "the %s backend does not support gpu.memcpy", b->label);
    return;
  }
  const char *why = b->mem_copy(dst, src, sizeBytes, native_stream(s));
  if (why)
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "%s copy of %zu bytes failed: %s",
                   b->label, sizeBytes, why);
}

LDNRT_API void mgpuMemset32(void *dst, uint32_t value, size_t count,
                            void *stream) {
  const ldnrt_gpu_handle *s = stream;
  const ldnrt_gpu_backend *b = backend_for(s, dst, NULL);
  if (!b)
    return;
  if (!b->mem_set32) {
    ldnrt_gpu_fail(LDNRT_ERROR_UNSUPPORTED,
                   "the %s backend does not support gpu.memset", b->label);
    return;
  }
  const char *why = b->mem_set32(dst, value, count, native_stream(s));
  if (why)
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "%s fill of %zu 32-bit values failed: %s", b->label, count,
                   why);
}

LDNRT_API void mgpuMemset16(void *dst, uint16_t value, size_t count,
                            void *stream) {
  const ldnrt_gpu_handle *s = stream;
  const ldnrt_gpu_backend *b = backend_for(s, dst, NULL);
  if (!b)
    return;
  if (!b->mem_set16) {
    ldnrt_gpu_fail(LDNRT_ERROR_UNSUPPORTED,
                   "the %s backend does not support gpu.memset", b->label);
    return;
  }
  const char *why = b->mem_set16(dst, value, count, native_stream(s));
  if (why)
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "%s fill of %zu 16-bit values failed: %s", b->label, count,
                   why);
}

LDNRT_API void mgpuSetDefaultDevice(int32_t device) {
  /* Before init() on purpose: it picks the device init() will use. */
  const ldnrt_gpu_backend *b = ldnrt_gpu_current_backend();
  if (!b || !b->set_default_device)
    return;
  const char *why = b->set_default_device(device);
  if (why)
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "%s: cannot use device %" PRId32 ": %s", b->label, device,
                   why);
}
