/*
 * check.c - bounds checking (LDN_EMU_CHECK=1).
 *
 * Compiled kernels call ldnemu_check_access() before every access to memory
 * that may be global or shared. With checking on, the bytes must lie in one
 * of: the block's shared arena (static + dynamic shared memory), a live
 * allocation kernels may touch (the GPU layer's registry, gpu/registry.h:
 * mgpuMemAlloc blocks and the buffers of the call), the emulated thread's
 * own stack (private memory the compiler could not prove local), or the
 * kernels' own image (constants). Anything else stops the launch with a
 * message naming the kernel, block, thread, address and size. Accesses to
 * shared memory are also checked for races between barriers.
 *
 * The same hook serves LDN_EMU_TRAFFIC (traffic.c): an access that is in
 * none of the shared arena, the stack or the image is to global memory, and
 * is counted, whether or not bounds are checked.
 */
#include "emu.h"
#include "intrinsics.h"
#include "../gpu/registry.h"

#include <inttypes.h>
#include <stdio.h>

LDNRT_API int32_t ldnemu_check_enabled;

/* Threads are named by their (x,y,z) in messages. */
static void thread_position(const ldnemu_block *block, uint32_t linear,
                            uint32_t id[3]) {
  const uint32_t *dim = block->launch->block;
  id[0] = linear % dim[0];
  id[1] = linear / dim[0] % dim[1];
  id[2] = linear / dim[0] / dim[1];
}

/* Fails on an access to shared memory that another thread of the block
 * wrote (or, for a store, read) since the last barrier: with GPU threads
 * running concurrently, its result would depend on their timing, which the
 * emulator's fixed schedule would otherwise hide. Tracked per 4-byte word;
 * atomics are not tracked. */
static void check_race(ldnemu_thread *t, uintptr_t offset, uintptr_t bytes,
                       int32_t kind) {
  ldnemu_block *block = t->block;
  if (!block->shadow || kind == 2)
    return;
  uint16_t me = (uint16_t)(t->linear + 1);
  for (uintptr_t w = offset / 4; w <= (offset + bytes - 1) / 4; ++w) {
    ldnemu_shadow *s = &block->shadow[w];
    if (s->epoch != block->epoch) {
      s->epoch = block->epoch;
      s->writer = 0;
      s->reader = 0;
    }
    uint16_t other = 0;
    const char *what = NULL;
    if (s->writer && s->writer != me) {
      other = s->writer;
      what = "wrote";
    } else if (kind == 1 && s->reader && s->reader != me) {
      other = s->reader;
      what = "read";
    }
    if (what) {
      char whom[64];
      if (other == LDNEMU_MANY_READERS) {
        snprintf(whom, sizeof whom, "other threads");
      } else {
        uint32_t id[3];
        thread_position(block, other - 1u, id);
        snprintf(whom, sizeof whom, "thread (%u,%u,%u)", id[0], id[1], id[2]);
      }
      char message[512];
      snprintf(message, sizeof message,
               "shared-memory race in kernel %s, block (%u,%u,%u): thread "
               "(%u,%u,%u) %s %" PRIuPTR " bytes at offset %" PRIuPTR
               " of shared memory, which %s %s since the last barrier",
               block->launch->function->name, block->id[0], block->id[1],
               block->id[2], t->id[0], t->id[1], t->id[2],
               kind == 1 ? "writes" : "reads", bytes, offset, whom, what);
      ldnemu_fail_current(message);
    }
    if (kind == 1)
      s->writer = me;
    else
      s->reader = s->reader == 0 || s->reader == me ? me : LDNEMU_MANY_READERS;
  }
}

/* Whether [begin, end) lies in [lo, hi). */
static int inside(uintptr_t begin, uintptr_t end, uintptr_t lo, uintptr_t hi) {
  return begin >= lo && end <= hi;
}

LDNRT_API void ldnemu_check_access(const void *address, int64_t bytes,
                                   int32_t kind) {
  if (!ldnemu_check_enabled || bytes == 0)
    return;
  ldnemu_thread *t = ldnemu_current;
  if (!t)
    return;
  int checking = ldnemu_check_enabled & LDNEMU_HOOK_CHECK;
  int counting = ldnemu_check_enabled & LDNEMU_HOOK_TRAFFIC;
  uintptr_t begin = (uintptr_t)address;
  uintptr_t end = begin + (uintptr_t)bytes;
  int wraps = bytes < 0 || end < begin;
  if (!wraps) {
    if (inside(begin, end, t->cached_begin, t->cached_end)) {
      if (counting)
        ldnemu_traffic_count(t, begin, end, kind);
      return;
    }
    ldnemu_block *block = t->block;
    uintptr_t arena = (uintptr_t)block->arena;
    if (inside(begin, end, arena, arena + block->launch->arena_bytes)) {
      check_race(t, begin - arena, end - begin, kind);
      return;
    }
    uintptr_t stack = (uintptr_t)t->fiber.stack;
    if (inside(begin, end, stack, stack + t->fiber.stack_bytes))
      return;
    const ldnemu_module *module = block->launch->function->module;
    if (inside(begin, end, module->image_begin, module->image_end))
      return;
    /* Global memory, in bounds or not: it is what the kernel touches. */
    if (counting)
      ldnemu_traffic_count(t, begin, end, kind);
  }
  if (!checking)
    return;

  ldnrt_gpu_allocation found;
  int hit = !wraps && ldnrt_gpu_registry_find(address, &found);
  uintptr_t base = hit ? (uintptr_t)found.base : 0;
  if (hit && inside(begin, end, base, base + found.size)) {
    t->cached_begin = base;
    t->cached_end = base + found.size;
    return;
  }

  /* Most overruns start right at an allocation's end: name it. */
  if (!hit && !wraps && begin > 0 &&
      ldnrt_gpu_registry_find((const void *)(begin - 1), &found)) {
    hit = 1;
    base = (uintptr_t)found.base;
  }
  char detail[160];
  if (hit && begin < base + found.size)
    snprintf(detail, sizeof detail,
             "it overruns the %zu-byte allocation at %p by %" PRIuPTR
             " bytes",
             found.size, found.base, end - (base + found.size));
  else if (hit)
    snprintf(detail, sizeof detail,
             "it starts right after the end of the %zu-byte allocation at %p",
             found.size, found.base);
  else
    snprintf(detail, sizeof detail,
             "it is in no live allocation and not in the block's %zu bytes "
             "of shared memory",
             t->block->launch->arena_bytes);
  char message[512];
  snprintf(message, sizeof message,
           "out-of-bounds %s of %" PRId64 " bytes at %p in kernel %s, block "
           "(%u,%u,%u), thread (%u,%u,%u): %s",
           kind == 2 ? "atomic update" : kind == 1 ? "store" : "load", bytes,
           address,
           t->block->launch->function->name, t->block->id[0],
           t->block->id[1], t->block->id[2], t->id[0], t->id[1], t->id[2],
           detail);
  ldnemu_fail_current(message);
}
