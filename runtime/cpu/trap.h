/*
 * trap.h - ldnrt_trap() support: a per-thread stack of setjmp frames.
 */
#ifndef LDNRT_CPU_TRAP_H
#define LDNRT_CPU_TRAP_H

#include "ldnrt/ldnrt.h"

#include <setjmp.h>

struct ldnrt_gpu_backend;

typedef struct ldnrt_trap_frame {
  jmp_buf env;
  struct ldnrt_trap_frame *prev;
  /* The GPU backend of the artifact being called, NULL for a CPU artifact:
   * compiled code's buffers then come from that backend's shared memory
   * (allocator.c) and mgpu calls without a handle go to it. Set by the
   * caller of ldnrt_call_guarded(). */
  const struct ldnrt_gpu_backend *gpu;
  /* LDNRT_ERROR_TRAP, or the code a GPU failure trapped with. */
  ldnrt_error_code code;
  /* The streams and events a GPU call created and has not destroyed yet
   * (gpu/calls.c): destroyed if the call traps. */
  void *gpu_handles;
  /* Blocks the compiled code allocated during this call and has not freed
   * (allocator.c): released if the call traps, handed to the caller if it
   * returns. */
  void *live;
  char message[1024];
} ldnrt_trap_frame;

/* The calling thread's innermost frame, or NULL outside ldnrt_invoke. */
ldnrt_trap_frame *ldnrt_current_trap_frame(void);

/* Calls fn(args) with `frame` as this thread's innermost trap frame.
 * Returns 0 if fn returned, 1 if it called ldnrt_trap(); then
 * frame->message holds the (possibly truncated) message and frame->code
 * the error code. */
int ldnrt_call_guarded(void (*fn)(void **), void **args,
                       ldnrt_trap_frame *frame);

/* ldnrt_trap() with another error code than LDNRT_ERROR_TRAP (the GPU layer
 * traps with LDNRT_ERROR_DEVICE). Only call it inside a trap frame. */
LDNRT_NORETURN void ldnrt_trap_with_code(ldnrt_error_code code,
                                         const char *message);

#endif /* LDNRT_CPU_TRAP_H */
