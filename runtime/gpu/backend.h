/*
 * backend.h - what a GPU backend provides to the runtime's GPU layer; not
 * installed.
 *
 * Host code of a GPU artifact calls MLIR's `mgpu*` C ABI (gpu/mgpu.h). The
 * GPU layer (gpu/) implements that ABI once and forwards every call to a
 * backend: `cuda` (cuda/, the CUDA driver API loaded at run time) or `emu`
 * (emu/, kernels run on host threads). A backend is this table of function
 * pointers; it never sees the mgpu handles, only its own native objects.
 *
 * Conventions for the operations:
 * - Every operation returns NULL on success, else a message saying what went
 *   wrong (one line, no trailing newline, e.g. cuGetErrorString's text). The
 *   message must stay valid until the calling thread's next call into the
 *   backend (a static string or a thread-local buffer). The GPU layer adds
 *   the context ("CUDA launch of k failed: <message>") and decides how the
 *   error surfaces (gpu/errors.h); backends never print, exit or abort.
 * - The GPU layer calls init() before any other operation of a backend
 *   except set_default_device(); init() runs on any thread, any number of
 *   times, and must do its work once and then return the same result.
 * - Operations may be called from several threads at once.
 * - Optional operations may be NULL; the GPU layer then reports them as not
 *   supported by the backend (or, for the memory hooks, does without them).
 *
 * Registration: backends.c holds one slot per kind, filled at first use with
 * the built-in backends. The emu slot holds `ldnrt_emu_backend` when the
 * runtime is built with LDNRT_HAVE_EMU defined (emu/ defines that object and
 * runtime/CMakeLists.txt adds the define with its sources); without it the
 * slot is empty and everything that needs it fails with "emulator backend
 * not built". ldnrt_gpu_set_backend() replaces a slot (tests use it to
 * install fakes).
 */
#ifndef LDNRT_GPU_BACKEND_H
#define LDNRT_GPU_BACKEND_H

#include <stddef.h>
#include <stdint.h>

typedef enum ldnrt_gpu_kind {
  LDNRT_GPU_CUDA = 0,
  LDNRT_GPU_EMU = 1,
  LDNRT_GPU_NUM_KINDS = 2
} ldnrt_gpu_kind;

/* The first bytes of an emulator module payload (what mgpuModuleLoad gets
 * for an artifact compiled with --target=emu); anything else is CUDA. */
#define LDNRT_EMU_MAGIC "LDNEMU01"
#define LDNRT_EMU_MAGIC_BYTES 8

/* One kernel launch, as mgpuLaunchKernel describes it. The GPU layer has
 * checked that every dimension is >= 1 and fits 32 bits (launches with an
 * empty grid never reach the backend). */
typedef struct ldnrt_gpu_launch {
  const char *kernel;      /* the kernel's name, for messages */
  uint32_t grid[3];        /* blocks in x, y, z */
  uint32_t block[3];       /* threads per block in x, y, z */
  uint32_t shared_bytes;   /* dynamic shared memory per block */
  void **params;           /* params[i] points to argument i's value */
  size_t num_params;
  void **extra;            /* CUDA's `extra` launch options; usually NULL */
} ldnrt_gpu_launch;

typedef struct ldnrt_gpu_backend {
  ldnrt_gpu_kind kind;
  const char *name;  /* the manifest's target spelling: "cuda", "emu" */
  const char *label; /* starts messages: "CUDA", "emulator" */

  /* Readies the backend (driver, device, context). Its message is the whole
   * error, e.g. "no CUDA device". */
  const char *(*init)(void);

  /* Modules: a device binary embedded in an artifact, and its kernels. The
   * payload is only borrowed for the call. `module_load_jit` (PTX text,
   * NUL-terminated) may be NULL. */
  const char *(*module_load)(const void *data, size_t size, void **module);
  const char *(*module_load_jit)(const void *ptx, int opt_level,
                                 void **module);
  const char *(*module_unload)(void *module);
  const char *(*module_get_function)(void *module, const char *name,
                                     void **function);

  /* Runs `function`; `stream` NULL means the backend's default stream. */
  const char *(*launch)(void *function, const ldnrt_gpu_launch *launch,
                        void *stream);

  /* Streams and events (native handles). */
  const char *(*stream_create)(void **stream);
  const char *(*stream_destroy)(void *stream);
  const char *(*stream_synchronize)(void *stream);
  const char *(*stream_wait_event)(void *stream, void *event);
  const char *(*event_create)(void **event);
  const char *(*event_destroy)(void *event);
  const char *(*event_synchronize)(void *event);
  const char *(*event_record)(void *event, void *stream);

  /* Waits for all work the process submitted to the backend; the runtime
   * calls it when an entry point returns, before reading its results. */
  const char *(*synchronize)(void);

  /* Device memory for gpu.alloc / gpu.dealloc / gpu.memcpy / gpu.memset
   * (mgpuMemAlloc & co.). `host_shared`: the host must be able to touch it. */
  const char *(*mem_alloc)(uint64_t size, void *stream, int host_shared,
                           void **ptr);
  const char *(*mem_free)(void *ptr, void *stream);
  const char *(*mem_copy)(void *dst, const void *src, size_t size,
                          void *stream);
  const char *(*mem_set32)(void *dst, uint32_t value, size_t count,
                           void *stream);
  const char *(*mem_set16)(void *dst, uint16_t value, size_t count,
                           void *stream);
  /* May be called before init(); selects the device init() will use. */
  const char *(*set_default_device)(int32_t device);

  /* Memory that host code and kernels share: every buffer the compiled host
   * code allocates during a call (allocator.c's _mlir_memref_to_llvm_*),
   * the copies of the call's inputs and its results. NULL means plain host
   * memory (what the emulator uses). CUDA returns managed memory. The
   * runtime over-allocates to place its block header and honour any
   * alignment; `host_free` cannot fail visibly (it runs on free paths). */
  const char *(*host_alloc)(size_t size, void **ptr);
  void (*host_free)(void *ptr);

  /* Told about every buffer kernels of this backend may touch, as it becomes
   * live and as it dies: the blocks above (base = the pointer compiled code
   * sees, size = the bytes it asked for) and mgpuMemAlloc's blocks. Called
   * outside any runtime lock, on the allocating / freeing thread, and before
   * the memory can be handed out again; they must not fail. The same set is
   * kept in the registry (gpu/registry.h), which a bounds checker can query
   * instead of keeping its own. */
  void (*on_alloc)(void *base, size_t size);
  void (*on_free)(void *base, size_t size);
} ldnrt_gpu_backend;

/* The backend in `kind`'s slot, or NULL when that backend is not built. */
const ldnrt_gpu_backend *ldnrt_gpu_backend_get(ldnrt_gpu_kind kind);

/* Replaces `kind`'s slot (NULL empties it); returns the previous backend.
 * Not synchronised with calls in flight: for start-up and tests. */
const ldnrt_gpu_backend *ldnrt_gpu_set_backend(ldnrt_gpu_kind kind,
                                               const ldnrt_gpu_backend *b);

/* The built-in backends (cuda/backend.c; emu/ with LDNRT_HAVE_EMU). */
extern const ldnrt_gpu_backend ldnrt_cuda_backend;
#ifdef LDNRT_HAVE_EMU
extern const ldnrt_gpu_backend ldnrt_emu_backend;
#endif

#endif /* LDNRT_GPU_BACKEND_H */
