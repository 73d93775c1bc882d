/*
 * intrinsics.c - what kernels ask of the emulator: their thread's position,
 * shared memory, barriers and shuffles (see intrinsics.h).
 *
 * Called outside a launch (a kernel entry point called directly), the
 * position queries return 0 and synchronisation does nothing: there is one
 * thread.
 */
#include "emu.h"
#include "intrinsics.h"

#include <stdio.h>

static int64_t component(const uint32_t *v, int32_t dim) {
  return dim >= 0 && dim < 3 ? (int64_t)v[dim] : 0;
}

LDNRT_API int64_t ldnemu_thread_id(int32_t dim) {
  ldnemu_thread *t = ldnemu_current;
  return t ? component(t->id, dim) : 0;
}

LDNRT_API int64_t ldnemu_block_id(int32_t dim) {
  ldnemu_thread *t = ldnemu_current;
  return t ? component(t->block->id, dim) : 0;
}

LDNRT_API int64_t ldnemu_block_dim(int32_t dim) {
  ldnemu_thread *t = ldnemu_current;
  return t ? component(t->block->launch->block, dim) : 1;
}

LDNRT_API int64_t ldnemu_grid_dim(int32_t dim) {
  ldnemu_thread *t = ldnemu_current;
  return t ? component(t->block->launch->grid, dim) : 1;
}

LDNRT_API int64_t ldnemu_lane_id(void) {
  ldnemu_thread *t = ldnemu_current;
  return t ? (int64_t)(t->linear % LDNEMU_WARP_SIZE) : 0;
}

LDNRT_API void ldnemu_barrier(void) {
  ldnemu_thread *t = ldnemu_current;
  if (t)
    ldnemu_wait_barrier(t);
}

LDNRT_API void *ldnemu_shared_base(void) {
  ldnemu_thread *t = ldnemu_current;
  return t ? t->block->arena : NULL;
}

LDNRT_API void *ldnemu_dynamic_shared_base(void) {
  ldnemu_thread *t = ldnemu_current;
  return t ? t->block->arena + t->block->launch->function->static_shared
           : NULL;
}

LDNRT_API int64_t ldnemu_dynamic_shared_bytes(void) {
  ldnemu_thread *t = ldnemu_current;
  return t ? (int64_t)t->block->launch->dynamic_shared : 0;
}

LDNRT_API int32_t ldnemu_shuffle_i32(int32_t value, int32_t offset,
                                     int32_t width, int32_t mode,
                                     int8_t *valid) {
  ldnemu_thread *t = ldnemu_current;
  if (!t) {
    *valid = 0;
    return value;
  }
  return ldnemu_exchange(t, value, offset, width, mode, valid);
}

LDNRT_API void ldnemu_assert_fail(const char *message) {
  ldnemu_thread *t = ldnemu_current;
  char text[768];
  if (t)
    snprintf(text, sizeof text,
             "assertion failed in kernel %s, block (%u,%u,%u), thread "
             "(%u,%u,%u): %s",
             t->block->launch->function->name, t->block->id[0],
             t->block->id[1], t->block->id[2], t->id[0], t->id[1], t->id[2],
             message);
  else
    snprintf(text, sizeof text, "assertion failed in a kernel: %s", message);
  ldnemu_fail_current(text);
}
