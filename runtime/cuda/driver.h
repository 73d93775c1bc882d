/*
 * driver.h - the part of the CUDA driver API the runtime uses, declared
 * here so that building needs no CUDA header or library; not installed.
 *
 * The types, constants and signatures follow the driver's cuda.h (stable
 * C ABI since CUDA 4). Functions are called through `ldnrt_cuda_driver`,
 * filled by dlsym from libcuda.so.1 (driver.c), under the exported symbol
 * names: cuda.h maps several API names to `_v2` symbols, which is what the
 * `_v2` suffixes below are.
 */
#ifndef LDNRT_CUDA_DRIVER_H
#define LDNRT_CUDA_DRIVER_H

#include <stddef.h>
#include <stdint.h>

typedef int CUresult; /* enum cudaError_enum */
typedef int CUdevice;
typedef unsigned long long CUdeviceptr; /* 64-bit hosts only */
typedef struct CUctx_st *CUcontext;
typedef struct CUmod_st *CUmodule;
typedef struct CUfunc_st *CUfunction;
typedef struct CUstream_st *CUstream;
typedef struct CUevent_st *CUevent;
typedef int CUjit_option;

enum {
  CUDA_SUCCESS = 0,
  CUDA_ERROR_NO_DEVICE = 100,
};

enum {
  CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY = 83,
  CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97,
  CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8,
  CU_MEM_ATTACH_GLOBAL = 0x1,
  CU_STREAM_NON_BLOCKING = 0x1,
  CU_EVENT_DISABLE_TIMING = 0x2,
  CU_JIT_ERROR_LOG_BUFFER = 5,
  CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6,
  CU_JIT_OPTIMIZATION_LEVEL = 7,
};

/* Kernels may use this much dynamic shared memory without opting in. */
#define LDNRT_CUDA_DEFAULT_SHARED_BYTES (48u * 1024u)

typedef struct ldnrt_cuda_driver {
  CUresult (*cuInit)(unsigned flags);
  CUresult (*cuGetErrorString)(CUresult error, const char **str);
  CUresult (*cuDeviceGetCount)(int *count);
  CUresult (*cuDeviceGet)(CUdevice *device, int ordinal);
  CUresult (*cuDeviceGetAttribute)(int *value, int attribute,
                                   CUdevice device);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *ctx, CUdevice device);
  CUresult (*cuCtxSetCurrent)(CUcontext ctx);
  CUresult (*cuCtxSynchronize)(void);
  CUresult (*cuModuleLoadData)(CUmodule *module, const void *image);
  CUresult (*cuModuleLoadDataEx)(CUmodule *module, const void *image,
                                 unsigned num_options, CUjit_option *options,
                                 void **values);
  CUresult (*cuModuleUnload)(CUmodule module);
  CUresult (*cuModuleGetFunction)(CUfunction *function, CUmodule module,
                                  const char *name);
  CUresult (*cuFuncSetAttribute)(CUfunction function, int attribute,
                                 int value);
  CUresult (*cuLaunchKernel)(CUfunction f, unsigned grid_x, unsigned grid_y,
                             unsigned grid_z, unsigned block_x,
                             unsigned block_y, unsigned block_z,
                             unsigned shared_bytes, CUstream stream,
                             void **params, void **extra);
  CUresult (*cuStreamCreate)(CUstream *stream, unsigned flags);
  CUresult (*cuStreamDestroy_v2)(CUstream stream);
  CUresult (*cuStreamSynchronize)(CUstream stream);
  CUresult (*cuStreamWaitEvent)(CUstream stream, CUevent event,
                                unsigned flags);
  CUresult (*cuEventCreate)(CUevent *event, unsigned flags);
  CUresult (*cuEventDestroy_v2)(CUevent event);
  CUresult (*cuEventSynchronize)(CUevent event);
  CUresult (*cuEventRecord)(CUevent event, CUstream stream);
  CUresult (*cuMemAlloc_v2)(CUdeviceptr *ptr, size_t size);
  CUresult (*cuMemAllocManaged)(CUdeviceptr *ptr, size_t size,
                                unsigned flags);
  CUresult (*cuMemFree_v2)(CUdeviceptr ptr);
  CUresult (*cuMemcpyAsync)(CUdeviceptr dst, CUdeviceptr src, size_t size,
                            CUstream stream);
  CUresult (*cuMemsetD32Async)(CUdeviceptr dst, unsigned value, size_t count,
                               CUstream stream);
  CUresult (*cuMemsetD16Async)(CUdeviceptr dst, unsigned short value,
                               size_t count, CUstream stream);
} ldnrt_cuda_driver;

/* Loads the driver (LDNRT_CUDA_LIBRARY, default libcuda.so.1), initialises
 * it and retains the primary context of the chosen device, once per
 * process; later calls return the first result. NULL on success, else e.g.
 * "no CUDA driver found (libcuda.so.1: cannot open shared object file: No
 * such file or directory)" or "no CUDA device". */
const char *ldnrt_cuda_init(void);

/* The driver's functions; only valid after ldnrt_cuda_init() succeeded. */
const ldnrt_cuda_driver *ldnrt_cuda_api(void);

/* Makes the runtime's context current on the calling thread (the driver's
 * current context is per thread); NULL or an error message. */
const char *ldnrt_cuda_bind(void);

/* cuGetErrorString's text for `result` ("CUDA error N" if it has none). */
const char *ldnrt_cuda_error_string(CUresult result);

/* Chooses the device ldnrt_cuda_init() uses (default 0); after it ran, only
 * that same device is accepted. NULL or an error message. */
const char *ldnrt_cuda_set_device(int device);

/* The chosen device's largest opt-in dynamic shared memory per block. */
int ldnrt_cuda_max_shared_bytes(void);

#endif /* LDNRT_CUDA_DRIVER_H */
