/*
 * dispatch.c - choosing the backend for a target, a module payload or a
 * call without a handle.
 */
#include "dispatch.h"
#include "errors.h"
#include "../cpu/trap.h"

#include <string.h>

static _Atomic(const ldnrt_gpu_backend *) last_backend;

ldnrt_error *ldnrt_gpu_backend_for_target(const char *target,
                                          const ldnrt_gpu_backend **out) {
  *out = NULL;
  ldnrt_gpu_kind kind;
  if (strcmp(target, "cpu") == 0)
    return NULL;
  if (strcmp(target, "cuda") == 0)
    kind = LDNRT_GPU_CUDA;
  else if (strcmp(target, "emu") == 0)
    kind = LDNRT_GPU_EMU;
  else
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "unknown target '%s' (expected cpu, cuda or emu)",
                        target);
  const ldnrt_gpu_backend *backend = ldnrt_gpu_backend_get(kind);
  if (!backend)
    return ldnrt_errorf(LDNRT_ERROR_UNSUPPORTED, "%s",
                        kind == LDNRT_GPU_EMU ? LDNRT_EMU_NOT_BUILT
                                              : "CUDA backend not built");
  const char *why = backend->init();
  if (why)
    return ldnrt_errorf(LDNRT_ERROR_UNSUPPORTED, "%s", why);
  *out = backend;
  return NULL;
}

int ldnrt_gpu_ready(const ldnrt_gpu_backend *backend) {
  const char *why = backend->init();
  if (!why)
    return 1;
  ldnrt_gpu_fail(LDNRT_ERROR_UNSUPPORTED, "%s", why);
  return 0;
}

const ldnrt_gpu_backend *ldnrt_gpu_current_backend(void) {
  ldnrt_trap_frame *frame = ldnrt_current_trap_frame();
  if (frame && frame->gpu)
    return frame->gpu;
  const ldnrt_gpu_backend *last = atomic_load(&last_backend);
  return last ? last : ldnrt_gpu_backend_get(LDNRT_GPU_CUDA);
}

void ldnrt_gpu_note_backend(const ldnrt_gpu_backend *backend) {
  atomic_store(&last_backend, backend);
}

ldnrt_error *ldnrt_gpu_synchronize(const ldnrt_gpu_backend *backend,
                                   const char *what) {
  if (!backend->synchronize)
    return NULL;
  const char *why = backend->synchronize();
  if (!why)
    return NULL;
  return ldnrt_errorf(LDNRT_ERROR_DEVICE, "%s: %s work failed: %s", what,
                      backend->label, why);
}
