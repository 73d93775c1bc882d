/*
 * context.c - backend selection.
 *
 * Creating a cuda or emu context readies its GPU backend (for CUDA: finds
 * the driver and a device), so that a machine that cannot run the backend
 * says so here, before any artifact is loaded.
 */
#include "context.h"
#include "../gpu/backend.h"
#include "../gpu/dispatch.h"

#include <stdlib.h>

LDNRT_API const char *ldnrt_backend_name(ldnrt_backend backend) {
  switch (backend) {
  case LDNRT_BACKEND_CPU:
    return "cpu";
  case LDNRT_BACKEND_CUDA:
    return "cuda";
  case LDNRT_BACKEND_EMU:
    return "emu";
  }
  return "invalid";
}

LDNRT_API ldnrt_error *ldnrt_context_create(ldnrt_backend backend,
                                            ldnrt_context **out) {
  if (!out)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_context_create: out is NULL");
  *out = NULL;
  const ldnrt_gpu_backend *gpu = NULL;
  switch (backend) {
  case LDNRT_BACKEND_CPU:
    break;
  case LDNRT_BACKEND_CUDA:
  case LDNRT_BACKEND_EMU: {
    ldnrt_error *err =
        ldnrt_gpu_backend_for_target(ldnrt_backend_name(backend), &gpu);
    if (err)
      return err;
    break;
  }
  default:
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT, "invalid backend %d",
                        (int)backend);
  }
  ldnrt_context *ctx = calloc(1, sizeof *ctx);
  if (!ctx)
    return ldnrt_error_oom();
  ctx->backend = backend;
  ctx->gpu = gpu;
  *out = ctx;
  return NULL;
}

LDNRT_API int ldnrt_backend_is_built(ldnrt_backend backend) {
  switch (backend) {
  case LDNRT_BACKEND_CPU:
    return 1;
  case LDNRT_BACKEND_CUDA:
    return ldnrt_gpu_backend_get(LDNRT_GPU_CUDA) != NULL;
  case LDNRT_BACKEND_EMU:
    return ldnrt_gpu_backend_get(LDNRT_GPU_EMU) != NULL;
  }
  return 0;
}

LDNRT_API ldnrt_backend ldnrt_context_backend(const ldnrt_context *context) {
  return context->backend;
}

LDNRT_API void ldnrt_context_free(ldnrt_context *context) { free(context); }
