/*
 * context.h - the context object, shared with the backends; not installed.
 */
#ifndef LDNRT_CORE_CONTEXT_H
#define LDNRT_CORE_CONTEXT_H

#include "internal.h"

struct ldnrt_gpu_backend;

struct ldnrt_context {
  ldnrt_backend backend;
  /* The initialised GPU backend of a cuda or emu context, else NULL. */
  const struct ldnrt_gpu_backend *gpu;
};

#endif /* LDNRT_CORE_CONTEXT_H */
