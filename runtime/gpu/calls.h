/*
 * calls.h - what a GPU artifact's call leaves behind when it traps; not
 * installed.
 *
 * Compiled code that traps (a failed launch, a run-time check) never
 * reaches its own gpu.dealloc or stream destruction. While a call runs, the
 * streams and events it creates are linked to its trap frame and the
 * mgpuMemAlloc blocks it allocates are marked as its own in the registry;
 * ldnrt_call_guarded() (cpu/trap.c) then releases them if the call traps,
 * as the allocator does for its blocks, and forgets them if it returns.
 */
#ifndef LDNRT_GPU_CALLS_H
#define LDNRT_GPU_CALLS_H

#include "dispatch.h"
#include "../cpu/trap.h"

/* The frame of the GPU call running on this thread, or NULL. */
ldnrt_trap_frame *ldnrt_gpu_current_call(void);

/* Links a new stream or event to `frame` / unlinks it when destroyed. */
void ldnrt_gpu_call_adopt(ldnrt_trap_frame *frame, ldnrt_gpu_handle *h);
void ldnrt_gpu_call_forget(ldnrt_gpu_handle *h);

/* The call trapped (its frame is already popped): waits for its kernels,
 * destroys its streams and events, frees its mgpuMemAlloc blocks. Failures
 * are recorded, never trapped. */
void ldnrt_gpu_call_abandoned(ldnrt_trap_frame *frame);
/* The call returned: what it did not release is no longer tied to it. */
void ldnrt_gpu_call_returned(ldnrt_trap_frame *frame);

#endif /* LDNRT_GPU_CALLS_H */
