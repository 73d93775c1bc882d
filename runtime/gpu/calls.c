/*
 * calls.c - releasing what a trapped GPU call left behind (see calls.h).
 *
 * The list of a call's streams and events hangs off its trap frame, like
 * the allocator's list of its blocks: only the calling thread touches it,
 * so it needs no lock. Its mgpuMemAlloc blocks are found by owner in the
 * registry, which has to be searched anyway to free them.
 */
#include "calls.h"
#include "errors.h"
#include "mgpu.h"
#include "registry.h"

ldnrt_trap_frame *ldnrt_gpu_current_call(void) {
  ldnrt_trap_frame *frame = ldnrt_current_trap_frame();
  return frame && frame->gpu ? frame : NULL;
}

void ldnrt_gpu_call_adopt(ldnrt_trap_frame *frame, ldnrt_gpu_handle *h) {
  h->call = frame;
  h->prev = NULL;
  h->next = NULL;
  if (!frame)
    return;
  h->next = frame->gpu_handles;
  if (h->next)
    h->next->prev = h;
  frame->gpu_handles = h;
}

void ldnrt_gpu_call_forget(ldnrt_gpu_handle *h) {
  if (!h->call)
    return;
  if (h->prev)
    h->prev->next = h->next;
  else
    h->call->gpu_handles = h->next;
  if (h->next)
    h->next->prev = h->prev;
  h->call = NULL;
  h->prev = h->next = NULL;
}

void ldnrt_gpu_call_abandoned(ldnrt_trap_frame *frame) {
  const ldnrt_gpu_backend *gpu = frame->gpu;
  /* Kernels the call launched may still use what is released below; their
   * errors add nothing to the trap's. */
  if (gpu->synchronize)
    gpu->synchronize();
  /* The destroy functions unlink each handle and only record failures. */
  while (frame->gpu_handles) {
    ldnrt_gpu_handle *h = frame->gpu_handles;
    if (h->is_event)
      mgpuEventDestroy(h);
    else
      mgpuStreamDestroy(h);
  }
  ldnrt_gpu_allocation block;
  while (ldnrt_gpu_registry_take_owned(frame, &block)) {
    const char *why = block.backend->mem_free(block.base, NULL);
    if (why)
      ldnrt_gpu_record(LDNRT_ERROR_DEVICE, "%s free failed: %s",
                       block.backend->label, why);
  }
}

void ldnrt_gpu_call_returned(ldnrt_trap_frame *frame) {
  while (frame->gpu_handles)
    ldnrt_gpu_call_forget(frame->gpu_handles);
  ldnrt_gpu_registry_disown(frame);
}
