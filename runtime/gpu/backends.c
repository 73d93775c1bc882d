/*
 * backends.c - the one place GPU backends are registered.
 *
 * A slot per backend kind, filled with the built-in backends the first time
 * any is asked for. Only the CUDA backend is always built: it needs nothing
 * at build time, since it loads the driver with dlopen when first used. The
 * emulator is built in when runtime/CMakeLists.txt defines LDNRT_HAVE_EMU.
 */
#include "backend.h"

#include <pthread.h>
#include <stdatomic.h>

static _Atomic(const ldnrt_gpu_backend *) slots[LDNRT_GPU_NUM_KINDS];
static pthread_once_t builtins_once = PTHREAD_ONCE_INIT;

static void register_builtins(void) {
  atomic_store(&slots[LDNRT_GPU_CUDA], &ldnrt_cuda_backend);
#ifdef LDNRT_HAVE_EMU
  atomic_store(&slots[LDNRT_GPU_EMU], &ldnrt_emu_backend);
#endif
}

const ldnrt_gpu_backend *ldnrt_gpu_backend_get(ldnrt_gpu_kind kind) {
  if ((unsigned)kind >= LDNRT_GPU_NUM_KINDS)
    return NULL;
  pthread_once(&builtins_once, register_builtins);
  return atomic_load(&slots[kind]);
}

const ldnrt_gpu_backend *ldnrt_gpu_set_backend(ldnrt_gpu_kind kind,
                                               const ldnrt_gpu_backend *b) {
  if ((unsigned)kind >= LDNRT_GPU_NUM_KINDS)
    return NULL;
  pthread_once(&builtins_once, register_builtins);
  return atomic_exchange(&slots[kind], b);
}
