/*
 * intrinsics.h - the functions kernels compiled for the emulator call;
 * not installed.
 *
 * Exported from libldnrt: the kernels' shared object leaves them undefined
 * and the dynamic loader binds them to these. The contract (names,
 * signatures, meaning) is docs/emulator.md; the compiler declares them in
 * compiler/Target/EmuIntrinsics.cpp. They act on the emulated GPU thread
 * running on the calling host thread.
 */
#ifndef LDNRT_EMU_INTRINSICS_H
#define LDNRT_EMU_INTRINSICS_H

#include "ldnrt/ldnrt.h"

#include <stdint.h>

/* gpu.thread_id / block_id / block_dim / grid_dim; dim 0, 1, 2 is x, y, z. */
LDNRT_API int64_t ldnemu_thread_id(int32_t dim);
LDNRT_API int64_t ldnemu_block_id(int32_t dim);
LDNRT_API int64_t ldnemu_block_dim(int32_t dim);
LDNRT_API int64_t ldnemu_grid_dim(int32_t dim);
/* gpu.lane_id: the linear thread index in the block, modulo 32. */
LDNRT_API int64_t ldnemu_lane_id(void);
/* gpu.barrier: returns once every thread of the block has called it. */
LDNRT_API void ldnemu_barrier(void);
/* The block's shared arena: static workgroup buffers from offset 0, the
 * dynamic shared memory after them. */
LDNRT_API void *ldnemu_shared_base(void);
LDNRT_API void *ldnemu_dynamic_shared_base(void);
LDNRT_API int64_t ldnemu_dynamic_shared_bytes(void);
/* gpu.shuffle on 32 bits, mode 0 xor, 1 up, 2 down, 3 idx; `*valid` gets
 * gpu.shuffle's second result. */
LDNRT_API int32_t ldnemu_shuffle_i32(int32_t value, int32_t offset,
                                     int32_t width, int32_t mode,
                                     int8_t *valid);
/* Non-zero under LDN_EMU_CHECK=1 or LDN_EMU_TRAFFIC (the bits of emu.h's
 * LDNEMU_HOOK_*). Kernels test it before every access to global or shared
 * memory, and only then call ldnemu_check_access(). With checking, the
 * `bytes` at `address` must lie in a live allocation, the block's shared
 * arena or the thread's own stack, and shared memory must not be raced on
 * between barriers; with traffic counting, global accesses are counted.
 * `kind` is 0 for a load, 1 for a store, 2 for an atomic read-modify-write
 * (which never races). */
LDNRT_API extern int32_t ldnemu_check_enabled;
LDNRT_API void ldnemu_check_access(const void *address, int64_t bytes,
                                   int32_t kind);
/* A failed cf.assert: fails the launch with `message`. */
LDNRT_API LDNRT_NORETURN void ldnemu_assert_fail(const char *message);

#endif /* LDNRT_EMU_INTRINSICS_H */
