/*
 * context.h - the context object, shared with the backends; not installed.
 */
#ifndef LDNRT_CORE_CONTEXT_H
#define LDNRT_CORE_CONTEXT_H

#include "internal.h"

struct ldnrt_context {
  ldnrt_backend backend;
};

#endif /* LDNRT_CORE_CONTEXT_H */
