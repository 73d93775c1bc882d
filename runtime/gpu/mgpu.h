/*
 * mgpu.h - the C ABI that host code lowered by MLIR's `gpu-to-llvm` calls
 * (the functions of upstream's mlir/lib/ExecutionEngine/
 * CudaRuntimeWrappers.cpp), implemented by the runtime's GPU layer and
 * exported from libldnrt so that GPU artifacts resolve them when loaded;
 * not installed.
 *
 * The void * handles are the GPU layer's own objects (gpu/dispatch.h), never
 * native driver handles. None of these functions returns an error: see
 * gpu/errors.h for where failures go.
 */
#ifndef LDNRT_GPU_MGPU_H
#define LDNRT_GPU_MGPU_H

#include "ldnrt/ldnrt.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A device binary (fatbin/cubin, or an emulator payload starting with
 * LDNEMU01), from a global constructor of the artifact. NULL on failure. */
LDNRT_API void *mgpuModuleLoad(void *data, size_t size);
/* PTX text (gpu-module-to-binary format=isa), always for CUDA. */
LDNRT_API void *mgpuModuleLoadJIT(void *data, int optLevel);
/* From a global destructor; accepts NULL. */
LDNRT_API void mgpuModuleUnload(void *module);
/* Called before every launch; the handle is cached per module and name. */
LDNRT_API void *mgpuModuleGetFunction(void *module, const char *name);

LDNRT_API void mgpuLaunchKernel(void *function, intptr_t gridX,
                                intptr_t gridY, intptr_t gridZ,
                                intptr_t blockX, intptr_t blockY,
                                intptr_t blockZ, int32_t smem, void *stream,
                                void **params, void **extra,
                                size_t paramsCount);

LDNRT_API void *mgpuStreamCreate(void);
LDNRT_API void mgpuStreamDestroy(void *stream);
LDNRT_API void mgpuStreamSynchronize(void *stream);
LDNRT_API void mgpuStreamWaitEvent(void *stream, void *event);

LDNRT_API void *mgpuEventCreate(void);
LDNRT_API void mgpuEventDestroy(void *event);
LDNRT_API void mgpuEventSynchronize(void *event);
LDNRT_API void mgpuEventRecord(void *event, void *stream);

LDNRT_API void *mgpuMemAlloc(uint64_t sizeBytes, void *stream,
                             bool isHostShared);
LDNRT_API void mgpuMemFree(void *ptr, void *stream);
LDNRT_API void mgpuMemcpy(void *dst, void *src, size_t sizeBytes,
                          void *stream);
LDNRT_API void mgpuMemset32(void *dst, uint32_t value, size_t count,
                            void *stream);
LDNRT_API void mgpuMemset16(void *dst, uint16_t value, size_t count,
                            void *stream);

LDNRT_API void mgpuSetDefaultDevice(int32_t device);

#endif /* LDNRT_GPU_MGPU_H */
