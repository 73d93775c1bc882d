/*
 * ldnrt.h - the ldn runtime's public C API.
 *
 * The runtime loads an artifact written by `ldn-compile` (a shared library
 * following docs/artifact-abi.md), checks inputs against the artifact's
 * manifest, calls an entry point and hands back the results as tensors. It is
 * plain C11 with no MLIR or LLVM dependency; this header is C99 and C++
 * compatible.
 *
 * Conventions
 * -----------
 * - Errors are values. Every fallible function returns `ldnrt_error *`: NULL
 *   on success, otherwise an error the caller must release with
 *   ldnrt_error_free(). On error, `out` parameters are set to NULL (or left
 *   untouched where stated) and nothing is leaked. The runtime never aborts on
 *   bad input (files, manifests, shapes); the one exception is ldnrt_trap()
 *   called outside of ldnrt_invoke(), see there.
 * - Objects returned through `**out` are owned by the caller and released
 *   with the matching `*_free` function; every `*_free` accepts NULL.
 * - Pointers returned by accessors (names, shapes, ...) are borrowed and stay
 *   valid as long as the object they come from.
 * - Thread safety: distinct objects may be used from distinct threads freely.
 *   A loaded artifact is immutable and may be invoked from several threads at
 *   once (as far as the compiled code allows). Tensors are not synchronised.
 * - GPU artifacts (compiled with --target=cuda or --target=emu) are loaded
 *   and invoked through the same calls, in a context of the matching
 *   backend. Their host code calls MLIR's `mgpu*` functions, which this
 *   library exports and forwards to the backend: `cuda` (the CUDA driver,
 *   found at run time as libcuda.so.1 or $LDNRT_CUDA_LIBRARY; building and
 *   CPU use need no CUDA) or `emu` (an emulator running the kernels on host
 *   threads, when built in). Backend failures are errors like any other:
 *   context creation says why a backend cannot run here ("no CUDA driver
 *   found (...)", "no CUDA device", "emulator backend not built ..."),
 *   ldnrt_artifact_load() fails when a device module does not load, and a
 *   failed launch, allocation or copy abandons the ldnrt_invoke() call with
 *   an LDNRT_ERROR_DEVICE error such as "CUDA launch of k failed: <driver
 *   message>". See ldnrt_take_gpu_error() for failures outside those calls.
 *
 * Minimal use
 * -----------
 *     ldnrt_context *ctx; ldnrt_artifact *model; ldnrt_error *err;
 *     if ((err = ldnrt_context_create(LDNRT_BACKEND_CPU, &ctx))) goto fail;
 *     if ((err = ldnrt_artifact_load(ctx, "model.so", &model))) goto fail;
 *     const ldnrt_tensor *in[1] = {x};
 *     ldnrt_tensor *out[1];
 *     if ((err = ldnrt_invoke(model, "forward", in, 1, out, 1))) goto fail;
 *     ...
 *   fail:
 *     fprintf(stderr, "%s\n", ldnrt_error_message(err));
 *     ldnrt_error_free(err);
 */
#ifndef LDNRT_LDNRT_H
#define LDNRT_LDNRT_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define LDNRT_API
#else
/* The library is built with -fvisibility=hidden; this marks the exports. */
#define LDNRT_API __attribute__((visibility("default")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#define LDNRT_NORETURN __attribute__((noreturn))
#else
#define LDNRT_NORETURN
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */

/* The maximum tensor rank the runtime handles (manifests, files, tensors). */
#define LDNRT_MAX_RANK 16

typedef struct ldnrt_error ldnrt_error;

/* A coarse classification; the message always says what went wrong. */
typedef enum ldnrt_error_code {
  LDNRT_ERROR_INVALID_ARGUMENT = 1, /* bad call: NULL pointer, wrong count,
                                       dtype/shape mismatch, bad shape */
  LDNRT_ERROR_OUT_OF_MEMORY = 2,
  LDNRT_ERROR_IO = 3,          /* open/read/write failed */
  LDNRT_ERROR_FORMAT = 4,      /* malformed file, manifest or artifact */
  LDNRT_ERROR_UNSUPPORTED = 5, /* valid but not supported (backend, dtype) */
  LDNRT_ERROR_NOT_FOUND = 6,   /* unknown entry point, missing symbol */
  LDNRT_ERROR_TRAP = 7,        /* compiled code called ldnrt_trap() */
  LDNRT_ERROR_DEVICE = 8       /* a GPU backend failed: module load, launch,
                                  device memory, synchronisation */
} ldnrt_error_code;

/* The error's message: specific, one line, no trailing newline. Never NULL
 * for a non-NULL error; returns "success" for NULL. */
LDNRT_API const char *ldnrt_error_message(const ldnrt_error *error);

/* The error's code; 0 for NULL. */
LDNRT_API ldnrt_error_code ldnrt_error_get_code(const ldnrt_error *error);

/* Releases an error. Accepts NULL. */
LDNRT_API void ldnrt_error_free(ldnrt_error *error);

/* The first GPU failure since the last call that happened outside
 * ldnrt_artifact_load() and ldnrt_invoke() (which report their own), or
 * NULL; the caller owns it and the slot is emptied. Such failures come from
 * artifacts' destructors (module unload in ldnrt_artifact_free()), from
 * releasing GPU memory, or from code that calls the `mgpu*` functions
 * itself. Thread-safe; one slot per process. */
LDNRT_API ldnrt_error *ldnrt_take_gpu_error(void);

/* Releases a buffer the runtime allocated for the caller (e.g. by
 * ldnrt_npy_write_memory). Accepts NULL. */
LDNRT_API void ldnrt_free(void *buffer);

/* ------------------------------------------------------------------------ */
/* Element types                                                             */
/* ------------------------------------------------------------------------ */

typedef enum ldnrt_dtype {
  LDNRT_DTYPE_F32 = 0,  /* float */
  LDNRT_DTYPE_F16 = 1,  /* IEEE half, stored as 2 raw bytes */
  LDNRT_DTYPE_BF16 = 2, /* bfloat16, stored as 2 raw bytes */
  LDNRT_DTYPE_F64 = 3,  /* double */
  LDNRT_DTYPE_I32 = 4,  /* int32_t */
  LDNRT_DTYPE_I64 = 5,  /* int64_t */
  LDNRT_DTYPE_I8 = 6,   /* int8_t */
  LDNRT_DTYPE_I1 = 7,   /* bool, one byte per element (0 or 1) */
  LDNRT_DTYPE_INDEX = 8 /* MLIR `index`: int64_t */
} ldnrt_dtype;

/* Number of dtypes; valid dtypes are 0 .. LDNRT_DTYPE_COUNT - 1. */
#define LDNRT_DTYPE_COUNT 9

/* Bytes per element; 0 for an invalid dtype. */
LDNRT_API size_t ldnrt_dtype_size(ldnrt_dtype dtype);

/* The manifest spelling: "f32", "f16", "bf16", "f64", "i32", "i64", "i8",
 * "i1", "index"; "invalid" for an invalid dtype. */
LDNRT_API const char *ldnrt_dtype_name(ldnrt_dtype dtype);

/* Parses a manifest spelling (exact, case-sensitive). */
LDNRT_API ldnrt_error *ldnrt_dtype_from_name(const char *name,
                                             ldnrt_dtype *out);

/* ------------------------------------------------------------------------ */
/* Tensors                                                                   */
/* ------------------------------------------------------------------------ */

/*
 * A host tensor: dtype, rank (0 .. LDNRT_MAX_RANK), shape (every dimension
 * >= 0), strides in elements (any values, including 0 and negative), and a
 * pointer to element [0, ..., 0]. An owned tensor frees its data in
 * ldnrt_tensor_free(); a borrowed (wrapped) tensor never does.
 */
typedef struct ldnrt_tensor ldnrt_tensor;

/* A new owned, zero-filled, row-major tensor. `shape` may be NULL iff
 * rank == 0. Fails on rank > LDNRT_MAX_RANK, a negative dimension, or a size
 * in bytes that overflows. The data is 64-byte aligned and non-NULL even when
 * the tensor has no elements. */
LDNRT_API ldnrt_error *ldnrt_tensor_create(ldnrt_dtype dtype, size_t rank,
                                           const int64_t *shape,
                                           ldnrt_tensor **out);

/* A borrowed view of caller-owned memory. `strides` (in elements) may be
 * NULL for row-major. `data` may be NULL only if the tensor has no elements.
 * The shape and strides are copied; the data is not, and must outlive the
 * tensor. Fails on the same shapes as ldnrt_tensor_create() and on strides
 * whose byte extent overflows. */
LDNRT_API ldnrt_error *ldnrt_tensor_wrap(ldnrt_dtype dtype, size_t rank,
                                         const int64_t *shape,
                                         const int64_t *strides, void *data,
                                         ldnrt_tensor **out);

/* Releases a tensor (and its data if owned). Accepts NULL. */
LDNRT_API void ldnrt_tensor_free(ldnrt_tensor *tensor);

LDNRT_API ldnrt_dtype ldnrt_tensor_dtype(const ldnrt_tensor *tensor);
LDNRT_API size_t ldnrt_tensor_rank(const ldnrt_tensor *tensor);
/* Arrays of ldnrt_tensor_rank() values (non-NULL even for rank 0). */
LDNRT_API const int64_t *ldnrt_tensor_shape(const ldnrt_tensor *tensor);
LDNRT_API const int64_t *ldnrt_tensor_strides(const ldnrt_tensor *tensor);
/* Dimension `axis`, or -1 if axis >= rank. */
LDNRT_API int64_t ldnrt_tensor_dim(const ldnrt_tensor *tensor, size_t axis);
/* Pointer to element [0, ..., 0]. */
LDNRT_API void *ldnrt_tensor_data(const ldnrt_tensor *tensor);
/* 1 if the tensor frees its data, 0 if it borrows it. */
LDNRT_API int ldnrt_tensor_is_owned(const ldnrt_tensor *tensor);
/* Product of the shape (1 for rank 0). */
LDNRT_API int64_t ldnrt_tensor_num_elements(const ldnrt_tensor *tensor);
/* num_elements * dtype size. */
LDNRT_API size_t ldnrt_tensor_size_bytes(const ldnrt_tensor *tensor);
/* 1 if the elements are laid out row-major without gaps (strides of
 * dimensions of size 1 are ignored), else 0. */
LDNRT_API int ldnrt_tensor_is_contiguous(const ldnrt_tensor *tensor);

/* A new owned row-major copy of any tensor (contiguous or not). */
LDNRT_API ldnrt_error *ldnrt_tensor_to_contiguous(const ldnrt_tensor *tensor,
                                                  ldnrt_tensor **out);

/* ------------------------------------------------------------------------ */
/* Contexts                                                                  */
/* ------------------------------------------------------------------------ */

typedef enum ldnrt_backend {
  LDNRT_BACKEND_CPU = 0,  /* artifacts compiled with --target=cpu */
  LDNRT_BACKEND_CUDA = 1, /* --target=cuda: NVIDIA GPUs, driver API */
  LDNRT_BACKEND_EMU = 2   /* --target=emu: GPU kernels run on the host */
} ldnrt_backend;

typedef struct ldnrt_context ldnrt_context;

/* "cpu", "cuda", "emu" (the manifest's `target` spelling), else "invalid". */
LDNRT_API const char *ldnrt_backend_name(ldnrt_backend backend);

/* 1 if this library was built with `backend` (cpu and cuda always are; the
 * emulator is optional), else 0. Built does not mean usable: CUDA also
 * needs a driver and a device, which ldnrt_context_create() checks. */
LDNRT_API int ldnrt_backend_is_built(ldnrt_backend backend);

/* Creates a context. For a GPU backend this readies it, once per process:
 * CUDA loads the driver and retains the primary context of device 0. Fails
 * with LDNRT_ERROR_UNSUPPORTED when the backend cannot run here, e.g.
 *     no CUDA driver found (libcuda.so.1: cannot open shared object file:
 *     No such file or directory)
 *     no CUDA device
 *     emulator backend not built (...) */
LDNRT_API ldnrt_error *ldnrt_context_create(ldnrt_backend backend,
                                            ldnrt_context **out);
LDNRT_API ldnrt_backend ldnrt_context_backend(const ldnrt_context *context);
/* Releases a context. Free every artifact loaded in it first. */
LDNRT_API void ldnrt_context_free(ldnrt_context *context);

/* ------------------------------------------------------------------------ */
/* Artifacts                                                                 */
/* ------------------------------------------------------------------------ */

typedef struct ldnrt_artifact ldnrt_artifact;
typedef struct ldnrt_entry ldnrt_entry;

/* One argument or result of an entry point, as the manifest declares it. */
typedef struct ldnrt_value_info {
  const char *name; /* "x", "result0", ... */
  ldnrt_dtype dtype;
  size_t rank;          /* <= LDNRT_MAX_RANK */
  const int64_t *shape; /* rank values; -1 marks a dynamic dimension */
} ldnrt_value_info;

/* The backend the artifact at `path` was compiled for (its manifest's
 * `target`), read from the file without loading it: loading runs the
 * artifact's constructors, which for a GPU artifact load device code. Use it
 * to create the right context first. */
LDNRT_API ldnrt_error *ldnrt_artifact_peek_backend(const char *path,
                                                   ldnrt_backend *out);

/*
 * Loads an artifact: dlopen(path, RTLD_NOW | RTLD_LOCAL) (a path without '/'
 * is taken relative to the working directory, not searched for), reads the
 * `ldn_artifact_manifest` JSON, validates it (abi == 1, target matching the
 * context's backend, every field present and well-typed, known dtypes, rank
 * <= LDNRT_MAX_RANK, dimensions >= -1, unique entry names) and resolves every
 * entry's symbol. The artifact must be freed before its context.
 *
 * A GPU artifact loads its device modules from global constructors while
 * dlopen runs; if one fails, so does the load, with the backend's message
 * (e.g. "CUDA module load failed: device kernel image is invalid").
 */
LDNRT_API ldnrt_error *ldnrt_artifact_load(ldnrt_context *context,
                                           const char *path,
                                           ldnrt_artifact **out);
/* Unloads an artifact. Tensors returned by ldnrt_invoke() stay valid (they
 * are copies). Accepts NULL. */
LDNRT_API void ldnrt_artifact_free(ldnrt_artifact *artifact);

/* The path given to ldnrt_artifact_load() and the manifest's fields; the
 * target is "cpu", "cuda" or "emu" (a manifest without one is "cpu"). */
LDNRT_API const char *ldnrt_artifact_path(const ldnrt_artifact *artifact);
LDNRT_API const char *ldnrt_artifact_producer(const ldnrt_artifact *artifact);
LDNRT_API const char *ldnrt_artifact_target(const ldnrt_artifact *artifact);
/* The manifest JSON exactly as the artifact embeds it (valid while the
 * artifact is loaded); it also carries fields the runtime itself does not
 * use, such as the model's source for ldn-run --check. */
LDNRT_API const char *
ldnrt_artifact_manifest_json(const ldnrt_artifact *artifact);

/* Entry points in manifest order. */
LDNRT_API size_t ldnrt_artifact_num_entries(const ldnrt_artifact *artifact);
/* The entry at `index`, or NULL if out of range. */
LDNRT_API const ldnrt_entry *
ldnrt_artifact_entry(const ldnrt_artifact *artifact, size_t index);
/* The entry called `name`, or NULL. */
LDNRT_API const ldnrt_entry *
ldnrt_artifact_find_entry(const ldnrt_artifact *artifact, const char *name);

LDNRT_API const char *ldnrt_entry_name(const ldnrt_entry *entry);
LDNRT_API const char *ldnrt_entry_symbol(const ldnrt_entry *entry);
LDNRT_API size_t ldnrt_entry_num_args(const ldnrt_entry *entry);
LDNRT_API size_t ldnrt_entry_num_results(const ldnrt_entry *entry);
/* The argument / result at `index`, or NULL if out of range. */
LDNRT_API const ldnrt_value_info *ldnrt_entry_arg(const ldnrt_entry *entry,
                                                  size_t index);
LDNRT_API const ldnrt_value_info *ldnrt_entry_result(const ldnrt_entry *entry,
                                                     size_t index);

/*
 * Calls entry point `entry_name`.
 *
 * `inputs` holds `num_inputs` tensors, one per manifest argument, in order.
 * Each is checked against the manifest (dtype, rank, every static dimension);
 * a mismatch fails naming the argument, e.g.
 *     input 'x': expected dtype f32, got f16
 *     input 'x' dimension 2: expected 64, got 32
 * Non-contiguous inputs are copied to row-major temporaries first.
 *
 * `outputs` is an array of `num_outputs` slots, which must equal the entry's
 * number of results. On success each slot receives a new owned row-major
 * tensor (copied out of the compiled code's result buffers, which are then
 * released per the ABI's ownership rule). On failure every slot is NULL.
 *
 * If the compiled code calls ldnrt_trap(msg), the call is abandoned and the
 * error (code LDNRT_ERROR_TRAP) has exactly `msg` as its message. Buffers the
 * compiled code had allocated before trapping are released.
 *
 * GPU artifacts: inputs are first copied into memory kernels can reach (for
 * CUDA, managed memory; the caller's tensors are never touched), and every
 * buffer the call allocates lives there too. A backend failure during the
 * call abandons it like a trap, with code LDNRT_ERROR_DEVICE (its buffers,
 * streams, events and gpu.alloc blocks are released). The call
 * waits for all GPU work before returning. Result tensors may then point
 * into managed memory: they are ordinary tensors to read and to free with
 * ldnrt_tensor_free(), but their data belongs to the driver's context.
 */
LDNRT_API ldnrt_error *ldnrt_invoke(const ldnrt_artifact *artifact,
                                    const char *entry_name,
                                    const ldnrt_tensor *const *inputs,
                                    size_t num_inputs, ldnrt_tensor **outputs,
                                    size_t num_outputs);

/* Same as ldnrt_invoke() with an entry obtained from `artifact`. */
LDNRT_API ldnrt_error *
ldnrt_invoke_entry(const ldnrt_artifact *artifact, const ldnrt_entry *entry,
                   const ldnrt_tensor *const *inputs, size_t num_inputs,
                   ldnrt_tensor **outputs, size_t num_outputs);

/*
 * Called by compiled code when a run-time check fails (see the ABI). Does
 * not return: it longjmps back into the ldnrt_invoke() running on the calling
 * thread, which returns `message` as an LDNRT_ERROR_TRAP error. Called on a
 * thread with no ldnrt_invoke() in progress (a programming error: e.g. from a
 * worker thread the compiled code started), it prints the message to stderr
 * and aborts, since it has nowhere to return to.
 */
LDNRT_API LDNRT_NORETURN void ldnrt_trap(const char *message);

/*
 * Compiled code allocates its buffers through the runtime, which keeps large
 * freed blocks for reuse by later calls (up to LDNRT_CACHE_MB megabytes,
 * default 1024; host and GPU-shared blocks alike). This returns every cached
 * block to the system (or to the GPU driver).
 */
LDNRT_API void ldnrt_release_cached_memory(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* LDNRT_LDNRT_H */
