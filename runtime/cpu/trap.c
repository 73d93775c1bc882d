/*
 * trap.c - ldnrt_trap(): run-time check failures in compiled code.
 *
 * ldnrt_invoke() calls the entry point through ldnrt_call_guarded(), which
 * pushes a frame holding a jmp_buf onto a thread-local stack and setjmp()s
 * into it. ldnrt_trap() copies the message into the innermost frame of the
 * calling thread and longjmp()s there; ldnrt_call_guarded() then pops the
 * frame and reports the trap. The stack makes nested invocations (an entry
 * point that calls back into ldnrt_invoke) unwind to the right place, and
 * thread-locality lets any number of threads invoke concurrently.
 */
#include "trap.h"
#include "allocator.h"
#include "../core/internal.h"
#include "../gpu/calls.h"

#include <stdio.h>
#include <stdlib.h>

static _Thread_local ldnrt_trap_frame *current_frame;

ldnrt_trap_frame *ldnrt_current_trap_frame(void) { return current_frame; }

int ldnrt_call_guarded(void (*fn)(void **), void **args,
                       ldnrt_trap_frame *frame) {
  frame->prev = current_frame;
  frame->live = NULL;
  frame->gpu_handles = NULL;
  frame->code = LDNRT_ERROR_TRAP;
  frame->message[0] = '\0';
  current_frame = frame;
  /* Nothing local to this function changes between setjmp and longjmp. */
  if (setjmp(frame->env) != 0) {
    current_frame = frame->prev;
    /* The abandoned call cannot free what it allocated: do it here. */
    if (frame->gpu)
      ldnrt_gpu_call_abandoned(frame);
    ldnrt_allocator_release_frame(frame);
    return 1;
  }
  fn(args);
  current_frame = frame->prev;
  if (frame->gpu)
    ldnrt_gpu_call_returned(frame);
  ldnrt_allocator_detach_frame(frame);
  return 0;
}

LDNRT_API void ldnrt_trap(const char *message) {
  ldnrt_trap_with_code(LDNRT_ERROR_TRAP, message);
}

void ldnrt_trap_with_code(ldnrt_error_code code, const char *message) {
  ldnrt_trap_frame *frame = current_frame;
  if (!message)
    message = "ldnrt_trap called with a NULL message";
  if (!frame) {
    fprintf(stderr,
            "ldnrt_trap: called outside of ldnrt_invoke on this thread: %s\n",
            message);
    fflush(stderr);
    abort();
  }
  frame->code = code;
  snprintf(frame->message, sizeof frame->message, "%s", message);
  longjmp(frame->env, 1);
}
