/*
 * backend.c - the CUDA backend: the GPU layer's operations on the driver
 * API (driver.h).
 *
 * Every operation first makes the runtime's context current on the calling
 * thread, since host code may call from any thread. Buffers that host code
 * and kernels share are managed memory (cuMemAllocManaged), which both may
 * access; the runtime synchronises before the host reads results.
 */
#include "driver.h"
#include "../gpu/backend.h"

#include <stdio.h>
#include <string.h>

/* Room for messages composed here (the JIT log); per thread, valid until
 * the thread's next call, as backend.h asks. */
static _Thread_local char message[2048];

static const char *check(CUresult result) {
  return result == CUDA_SUCCESS ? NULL : ldnrt_cuda_error_string(result);
}

#define API ldnrt_cuda_api()

/* Makes the context current; returns from the calling operation on error. */
#define BIND()                                                                 \
  do {                                                                         \
    const char *bind_error_ = ldnrt_cuda_bind();                               \
    if (bind_error_)                                                           \
      return bind_error_;                                                      \
  } while (0)

static const char *init(void) { return ldnrt_cuda_init(); }

static const char *module_load(const void *data, size_t size, void **module) {
  (void)size; /* a fatbin or cubin says how long it is */
  BIND();
  CUmodule m = NULL;
  const char *why = check(API->cuModuleLoadData(&m, data));
  if (!why)
    *module = m;
  return why;
}

static const char *module_load_jit(const void *ptx, int opt_level,
                                   void **module) {
  BIND();
  char log[1024] = "";
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER,
                            CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                            CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {log, (void *)(uintptr_t)sizeof log,
                    (void *)(uintptr_t)opt_level};
  CUmodule m = NULL;
  CUresult r = API->cuModuleLoadDataEx(&m, ptx, 3, options, values);
  if (r == CUDA_SUCCESS) {
    *module = m;
    return NULL;
  }
  if (!log[0])
    return ldnrt_cuda_error_string(r);
  /* Messages are one line: fold the PTX assembler's log. */
  for (char *c = log; *c; ++c)
    if (*c == '\n' || *c == '\r')
      *c = ' ';
  snprintf(message, sizeof message, "%s: %s", ldnrt_cuda_error_string(r),
           log);
  return message;
}

static const char *module_unload(void *module) {
  BIND();
  return check(API->cuModuleUnload((CUmodule)module));
}

static const char *module_get_function(void *module, const char *name,
                                       void **function) {
  BIND();
  CUfunction f = NULL;
  const char *why = check(API->cuModuleGetFunction(&f, (CUmodule)module, name));
  if (!why)
    *function = f;
  return why;
}

static const char *launch(void *function, const ldnrt_gpu_launch *l,
                          void *stream) {
  BIND();
  CUfunction f = (CUfunction)function;
  if (l->shared_bytes > LDNRT_CUDA_DEFAULT_SHARED_BYTES) {
    /* Past 48 KiB a kernel must opt in, up to the device's limit. */
    int limit = ldnrt_cuda_max_shared_bytes();
    if (limit > 0 && l->shared_bytes > (unsigned)limit) {
      snprintf(message, sizeof message,
               "it needs %u bytes of shared memory per block, the device "
               "allows %d",
               l->shared_bytes, limit);
      return message;
    }
    const char *why = check(API->cuFuncSetAttribute(
        f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
        (int)l->shared_bytes));
    if (why)
      return why;
  }
  return check(API->cuLaunchKernel(
      f, l->grid[0], l->grid[1], l->grid[2], l->block[0], l->block[1],
      l->block[2], l->shared_bytes, (CUstream)stream, l->params, l->extra));
}

static const char *stream_create(void **stream) {
  BIND();
  CUstream s = NULL;
  const char *why = check(API->cuStreamCreate(&s, CU_STREAM_NON_BLOCKING));
  if (!why)
    *stream = s;
  return why;
}

static const char *stream_destroy(void *stream) {
  BIND();
  return check(API->cuStreamDestroy_v2((CUstream)stream));
}

static const char *stream_synchronize(void *stream) {
  BIND();
  return check(API->cuStreamSynchronize((CUstream)stream));
}

static const char *stream_wait_event(void *stream, void *event) {
  BIND();
  return check(API->cuStreamWaitEvent((CUstream)stream, (CUevent)event, 0));
}

static const char *event_create(void **event) {
  BIND();
  CUevent e = NULL;
  const char *why = check(API->cuEventCreate(&e, CU_EVENT_DISABLE_TIMING));
  if (!why)
    *event = e;
  return why;
}

static const char *event_destroy(void *event) {
  BIND();
  return check(API->cuEventDestroy_v2((CUevent)event));
}

static const char *event_synchronize(void *event) {
  BIND();
  return check(API->cuEventSynchronize((CUevent)event));
}

static const char *event_record(void *event, void *stream) {
  BIND();
  return check(API->cuEventRecord((CUevent)event, (CUstream)stream));
}

static const char *synchronize(void) {
  BIND();
  return check(API->cuCtxSynchronize());
}

static const char *mem_alloc(uint64_t size, void *stream, int host_shared,
                             void **ptr) {
  (void)stream; /* allocation is not stream-ordered here */
  *ptr = NULL;
  if (size == 0)
    return NULL; /* the driver rejects empty allocations */
  BIND();
  CUdeviceptr p = 0;
  const char *why =
      host_shared
          ? check(API->cuMemAllocManaged(&p, size, CU_MEM_ATTACH_GLOBAL))
          : check(API->cuMemAlloc_v2(&p, size));
  if (!why)
    *ptr = (void *)(uintptr_t)p;
  return why;
}

static const char *mem_free(void *ptr, void *stream) {
  (void)stream;
  BIND();
  return check(API->cuMemFree_v2((CUdeviceptr)(uintptr_t)ptr));
}

static const char *mem_copy(void *dst, const void *src, size_t size,
                            void *stream) {
  BIND();
  return check(API->cuMemcpyAsync((CUdeviceptr)(uintptr_t)dst,
                                  (CUdeviceptr)(uintptr_t)src, size,
                                  (CUstream)stream));
}

static const char *mem_set32(void *dst, uint32_t value, size_t count,
                             void *stream) {
  BIND();
  return check(API->cuMemsetD32Async((CUdeviceptr)(uintptr_t)dst, value,
                                     count, (CUstream)stream));
}

static const char *mem_set16(void *dst, uint16_t value, size_t count,
                             void *stream) {
  BIND();
  return check(API->cuMemsetD16Async((CUdeviceptr)(uintptr_t)dst, value,
                                     count, (CUstream)stream));
}

static const char *set_default_device(int32_t device) {
  return ldnrt_cuda_set_device(device);
}

static const char *host_alloc(size_t size, void **ptr) {
  BIND();
  CUdeviceptr p = 0;
  const char *why =
      check(API->cuMemAllocManaged(&p, size, CU_MEM_ATTACH_GLOBAL));
  if (!why)
    *ptr = (void *)(uintptr_t)p;
  return why;
}

static void host_free(void *ptr) {
  /* Nothing to report to: a failure here means the context is gone (e.g.
   * at process exit), and the memory with it. */
  if (ldnrt_cuda_bind() == NULL)
    API->cuMemFree_v2((CUdeviceptr)(uintptr_t)ptr);
}

const ldnrt_gpu_backend ldnrt_cuda_backend = {
    .kind = LDNRT_GPU_CUDA,
    .name = "cuda",
    .label = "CUDA",
    .init = init,
    .module_load = module_load,
    .module_load_jit = module_load_jit,
    .module_unload = module_unload,
    .module_get_function = module_get_function,
    .launch = launch,
    .stream_create = stream_create,
    .stream_destroy = stream_destroy,
    .stream_synchronize = stream_synchronize,
    .stream_wait_event = stream_wait_event,
    .event_create = event_create,
    .event_destroy = event_destroy,
    .event_synchronize = event_synchronize,
    .event_record = event_record,
    .synchronize = synchronize,
    .mem_alloc = mem_alloc,
    .mem_free = mem_free,
    .mem_copy = mem_copy,
    .mem_set32 = mem_set32,
    .mem_set16 = mem_set16,
    .set_default_device = set_default_device,
    .host_alloc = host_alloc,
    .host_free = host_free,
    .on_alloc = NULL,
    .on_free = NULL,
};
