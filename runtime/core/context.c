/*
 * context.c - backend selection.
 */
#include "context.h"

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
  switch (backend) {
  case LDNRT_BACKEND_CPU:
    break;
  case LDNRT_BACKEND_CUDA:
  case LDNRT_BACKEND_EMU:
    return ldnrt_errorf(LDNRT_ERROR_UNSUPPORTED,
                        "unsupported backend '%s': this runtime only "
                        "implements the cpu backend",
                        ldnrt_backend_name(backend));
  default:
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT, "invalid backend %d",
                        (int)backend);
  }
  ldnrt_context *ctx = calloc(1, sizeof *ctx);
  if (!ctx)
    return ldnrt_error_oom();
  ctx->backend = backend;
  *out = ctx;
  return NULL;
}

LDNRT_API ldnrt_backend ldnrt_context_backend(const ldnrt_context *context) {
  return context->backend;
}

LDNRT_API void ldnrt_context_free(ldnrt_context *context) { free(context); }
