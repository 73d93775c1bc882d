/*
 * errors.h - how a failure inside an mgpu call reaches the runtime's caller;
 * not installed.
 *
 * The mgpu functions cannot return errors: compiled code ignores their
 * results. A failure is routed by where it happens, on the calling thread:
 * - inside ldnrt_artifact_load() (the artifact's global constructors load
 *   its device modules while dlopen runs): kept in the load scope, and the
 *   load fails with it;
 * - inside ldnrt_invoke() (launches, allocations, copies): the call traps
 *   (cpu/trap.c) and ldnrt_invoke() returns the message;
 * - anywhere else (an artifact's destructor during dlclose, host code called
 *   without the runtime): kept in a process-wide slot that
 *   ldnrt_take_gpu_error() returns.
 * In every case only the first error is kept.
 */
#ifndef LDNRT_GPU_ERRORS_H
#define LDNRT_GPU_ERRORS_H

#include "../core/internal.h"

typedef struct ldnrt_gpu_load_scope {
  struct ldnrt_gpu_load_scope *prev;
  ldnrt_error *error; /* the first failure while the scope was open */
} ldnrt_gpu_load_scope;

/* Opens a scope on the calling thread (scopes nest) / closes it, returning
 * its first error (the caller owns it) or NULL. */
void ldnrt_gpu_load_scope_begin(ldnrt_gpu_load_scope *scope);
ldnrt_error *ldnrt_gpu_load_scope_end(ldnrt_gpu_load_scope *scope);

/* A failure of an operation compiled code relies on: traps when called
 * inside ldnrt_invoke() (and then does not return), else records it. */
void ldnrt_gpu_fail(ldnrt_error_code code, const char *fmt, ...)
    LDNRT_PRINTF(2, 3);

/* A failure nothing relies on (unloading, destroying, freeing): recorded,
 * never trapped, so that it is safe on cleanup paths. */
void ldnrt_gpu_record(ldnrt_error_code code, const char *fmt, ...)
    LDNRT_PRINTF(2, 3);

#endif /* LDNRT_GPU_ERRORS_H */
