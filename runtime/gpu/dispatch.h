/*
 * dispatch.h - the GPU layer's handles and backend selection, shared by the
 * mgpu_*.c files and the rest of the runtime; not installed.
 *
 * Every handle the mgpu functions give out is one of these small structs
 * and remembers its backend, so that later calls on it go to the same
 * backend whatever else the process has loaded.
 */
#ifndef LDNRT_GPU_DISPATCH_H
#define LDNRT_GPU_DISPATCH_H

#include "backend.h"
#include "../core/internal.h"

#include <pthread.h>
#include <stdatomic.h>

typedef struct ldnrt_gpu_function {
  struct ldnrt_gpu_function *next; /* in the module's list; immutable once
                                      published */
  const ldnrt_gpu_backend *backend;
  void *native;
  char name[]; /* the kernel's name */
} ldnrt_gpu_function;

typedef struct ldnrt_gpu_module {
  const ldnrt_gpu_backend *backend;
  void *native;
  /* mgpuModuleGetFunction runs before every launch: kernels already looked
   * up are found in this list without locking; `lock` serialises adding. */
  _Atomic(ldnrt_gpu_function *) functions;
  pthread_mutex_t lock;
} ldnrt_gpu_module;

struct ldnrt_trap_frame;

/* A stream or an event. */
typedef struct ldnrt_gpu_handle {
  const ldnrt_gpu_backend *backend;
  void *native;
  int is_event;
  /* The call that created it while that call runs (calls.h), and the
   * neighbours in its list. */
  struct ldnrt_trap_frame *call;
  struct ldnrt_gpu_handle *prev, *next;
} ldnrt_gpu_handle;

/* What the emu slot reports while it is empty. */
#define LDNRT_EMU_NOT_BUILT                                                    \
  "emulator backend not built (this libldnrt cannot run artifacts "            \
  "compiled with --target=emu)"

/* The backend for a manifest target: `*out` is NULL for "cpu". Fails for an
 * unknown target (LDNRT_ERROR_FORMAT) or a backend that is not built or
 * cannot initialise here (LDNRT_ERROR_UNSUPPORTED, with the backend's own
 * message, e.g. "no CUDA driver found (...)"). */
ldnrt_error *ldnrt_gpu_backend_for_target(const char *target,
                                          const ldnrt_gpu_backend **out);

/* Initialises `backend`; on failure reports its message through
 * ldnrt_gpu_fail() (which may trap) and returns 0. */
int ldnrt_gpu_ready(const ldnrt_gpu_backend *backend);

/* The backend that mgpu calls without a handle (mgpuStreamCreate,
 * mgpuMemAlloc, ...) go to: the one of the artifact being invoked on this
 * thread, else the one that last loaded a module, else CUDA. NULL only if
 * the CUDA slot was emptied. */
const ldnrt_gpu_backend *ldnrt_gpu_current_backend(void);
/* Notes that `backend` loaded a module (see above). */
void ldnrt_gpu_note_backend(const ldnrt_gpu_backend *backend);

/* Waits for `backend`'s work; an error says what failed, for `what`
 * (e.g. "entry point 'f'"). */
ldnrt_error *ldnrt_gpu_synchronize(const ldnrt_gpu_backend *backend,
                                   const char *what);

#endif /* LDNRT_GPU_DISPATCH_H */
