/*
 * trap.h - ldnrt_trap() support: a per-thread stack of setjmp frames.
 */
#ifndef LDNRT_CPU_TRAP_H
#define LDNRT_CPU_TRAP_H

#include <setjmp.h>

typedef struct ldnrt_trap_frame {
  jmp_buf env;
  struct ldnrt_trap_frame *prev;
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
 * frame->message holds the (possibly truncated) message. */
int ldnrt_call_guarded(void (*fn)(void **), void **args,
                       ldnrt_trap_frame *frame);

#endif /* LDNRT_CPU_TRAP_H */
