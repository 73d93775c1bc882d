/*
 * driver.c - finding and initialising the CUDA driver at run time.
 *
 * The runtime must load and run CPU artifacts on machines without CUDA, so
 * it never links libcuda: the first GPU use dlopen()s it (the path in
 * LDNRT_CUDA_LIBRARY, default libcuda.so.1, the name the driver package
 * installs), resolves the functions it needs, initialises the driver and
 * retains the primary context of one device - the context the CUDA runtime
 * API would use, so an application mixing both shares it. This happens once
 * per process; its outcome, success or the message saying why not, is
 * returned to every later caller.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include "driver.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every driver function the runtime calls, by its exported name. */
#define LDNRT_CUDA_FUNCTIONS(X)                                                \
  X(cuInit)                                                                    \
  X(cuGetErrorString)                                                          \
  X(cuDeviceGetCount)                                                          \
  X(cuDeviceGet)                                                               \
  X(cuDeviceGetAttribute)                                                      \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuCtxSetCurrent)                                                           \
  X(cuCtxSynchronize)                                                          \
  X(cuModuleLoadData)                                                          \
  X(cuModuleLoadDataEx)                                                        \
  X(cuModuleUnload)                                                            \
  X(cuModuleGetFunction)                                                       \
  X(cuFuncSetAttribute)                                                        \
  X(cuLaunchKernel)                                                            \
  X(cuStreamCreate)                                                            \
  X(cuStreamDestroy_v2)                                                        \
  X(cuStreamSynchronize)                                                       \
  X(cuStreamWaitEvent)                                                         \
  X(cuEventCreate)                                                             \
  X(cuEventDestroy_v2)                                                         \
  X(cuEventSynchronize)                                                        \
  X(cuEventRecord)                                                             \
  X(cuMemAlloc_v2)                                                             \
  X(cuMemAllocManaged)                                                         \
  X(cuMemFree_v2)                                                              \
  X(cuMemcpyAsync)                                                             \
  X(cuMemsetD32Async)                                                          \
  X(cuMemsetD16Async)

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int started;     /* init has begun: the device is fixed */
static atomic_int wanted = 0;  /* device ordinal set before init */
static const char *init_error; /* NULL once initialised successfully */
static char init_message[1024];
static ldnrt_cuda_driver api;
static CUcontext context;
static int max_shared_bytes;

static _Thread_local char error_text[64];

const char *ldnrt_cuda_error_string(CUresult result) {
  const char *text = NULL;
  if (api.cuGetErrorString && api.cuGetErrorString(result, &text) == 0 &&
      text)
    return text;
  /* The driver could not say (a stub, or a driver too broken to): name the
   * errors met while setting up. */
  switch (result) {
  case 34:
    return "CUDA driver is a stub library (no real driver is installed)";
  case 35:
    return "CUDA driver version is insufficient";
  case 999:
    return "unknown CUDA error";
  }
  snprintf(error_text, sizeof error_text, "CUDA error %d", result);
  return error_text;
}

static const char *fail(const char *fmt, const char *detail) {
  snprintf(init_message, sizeof init_message, fmt, detail);
  return init_message;
}

static const char *fail_call(const char *what, CUresult result) {
  snprintf(init_message, sizeof init_message, "CUDA %s failed: %s", what,
           ldnrt_cuda_error_string(result));
  return init_message;
}

static const char *open_library(void) {
  const char *path = getenv("LDNRT_CUDA_LIBRARY");
  if (!path || !*path)
    path = "libcuda.so.1";
  dlerror();
  void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *why = dlerror();
    if (!why)
      why = "unknown dlopen error";
    /* dlerror() starts with the file name, except for some failures. */
    if (strncmp(why, path, strlen(path)) == 0)
      return fail("no CUDA driver found (%s)", why);
    snprintf(init_message, sizeof init_message,
             "no CUDA driver found (%s: %s)", path, why);
    return init_message;
  }
  /* The library stays loaded for the life of the process, whatever the
   * outcome: unloading a driver that may have started threads is unsafe. */
  void *sym;
#define LDNRT_RESOLVE(name)                                                    \
  sym = dlsym(library, #name);                                                 \
  if (!sym)                                                                    \
    return fail("the CUDA driver has no " #name                                \
                " (%s is too old or not a CUDA driver)",                       \
                path);                                                         \
  memcpy(&api.name, &sym, sizeof sym); /* object -> function pointer */
  LDNRT_CUDA_FUNCTIONS(LDNRT_RESOLVE)
#undef LDNRT_RESOLVE
  return NULL;
}

static const char *initialise(void) {
  const char *why = open_library();
  if (why)
    return why;
  CUresult r = api.cuInit(0);
  if (r == CUDA_ERROR_NO_DEVICE)
    return "no CUDA device";
  if (r != CUDA_SUCCESS)
    return fail_call("driver initialisation", r);
  int count = 0;
  if ((r = api.cuDeviceGetCount(&count)) != CUDA_SUCCESS)
    return fail_call("device count", r);
  if (count <= 0)
    return "no CUDA device";
  int ordinal = atomic_load(&wanted);
  if (ordinal >= count) {
    snprintf(init_message, sizeof init_message,
             "CUDA device %d does not exist (the machine has %d)", ordinal,
             count);
    return init_message;
  }
  CUdevice device;
  if ((r = api.cuDeviceGet(&device, ordinal)) != CUDA_SUCCESS)
    return fail_call("device lookup", r);
  int managed = 0;
  r = api.cuDeviceGetAttribute(&managed, CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY,
                               device);
  if (r != CUDA_SUCCESS)
    return fail_call("device query", r);
  if (!managed) {
    snprintf(init_message, sizeof init_message,
             "CUDA device %d does not support managed memory, which the "
             "runtime shares between host code and kernels",
             ordinal);
    return init_message;
  }
  if (api.cuDeviceGetAttribute(
          &max_shared_bytes,
          CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN,
          device) != CUDA_SUCCESS)
    max_shared_bytes = 0; /* unknown: let the launch report it */
  if ((r = api.cuDevicePrimaryCtxRetain(&context, device)) != CUDA_SUCCESS)
    return fail_call("context creation", r);
  return NULL;
}

static void initialise_once(void) {
  atomic_store(&started, 1);
  init_error = initialise();
}

const char *ldnrt_cuda_init(void) {
  pthread_once(&once, initialise_once);
  return init_error;
}

const ldnrt_cuda_driver *ldnrt_cuda_api(void) { return &api; }

const char *ldnrt_cuda_bind(void) {
  CUresult r = api.cuCtxSetCurrent(context);
  return r == CUDA_SUCCESS ? NULL : ldnrt_cuda_error_string(r);
}

const char *ldnrt_cuda_set_device(int device) {
  static _Thread_local char message[128];
  if (device < 0) {
    snprintf(message, sizeof message, "invalid device ordinal %d", device);
    return message;
  }
  if (!atomic_load(&started)) {
    atomic_store(&wanted, device);
    return NULL;
  }
  int in_use = atomic_load(&wanted);
  if (device == in_use)
    return NULL;
  snprintf(message, sizeof message,
           "the runtime already uses CUDA device %d for this process",
           in_use);
  return message;
}

int ldnrt_cuda_max_shared_bytes(void) { return max_shared_bytes; }
