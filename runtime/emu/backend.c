/*
 * backend.c - the emulator as a GPU backend (gpu/backend.h).
 *
 * Device memory is host memory, so allocation, copies and memsets are plain
 * C; every launch has finished when it returns, so streams and events have
 * nothing to order and are tokens. The environment is read once, by init():
 *   LDN_EMU_CHECK=1      bounds-check every kernel access (check.c)
 *   LDN_EMU_TRAFFIC=PATH append each launch's global-memory traffic to PATH
 *                        (traffic.c)
 *   LDN_EMU_THREADS=N    host threads running blocks (default: the cores)
 *   LDN_EMU_STACK_KB=N   stack of each emulated GPU thread (default 64)
 */
#include "emu.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ldnemu_config config;
static pthread_once_t config_once = PTHREAD_ONCE_INIT;

static long env_number(const char *name, long fallback, long lo, long hi) {
  const char *text = getenv(name);
  if (!text || !*text)
    return fallback;
  char *end = NULL;
  long value = strtol(text, &end, 10);
  if (*end || value < lo || value > hi)
    return fallback;
  return value;
}

static void read_config(void) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  if (cores < 1)
    cores = 1;
  config.host_threads = (unsigned)env_number("LDN_EMU_THREADS", cores, 1, 256);
  config.stack_bytes =
      (size_t)env_number("LDN_EMU_STACK_KB", 64, 16, 1 << 20) * 1024;
  const char *check = getenv("LDN_EMU_CHECK");
  const char *traffic = getenv("LDN_EMU_TRAFFIC");
  /* A copy: a later setenv() may free the environment's string. */
  config.traffic_path = traffic && *traffic ? strdup(traffic) : NULL;
  /* Both need the kernels' access hook. */
  ldnemu_check_enabled =
      (check && *check && strcmp(check, "0") != 0 ? LDNEMU_HOOK_CHECK : 0) |
      (config.traffic_path ? LDNEMU_HOOK_TRAFFIC : 0);
}

const ldnemu_config *ldnemu_get_config(void) {
  pthread_once(&config_once, read_config);
  return &config;
}

static const char *init(void) {
  ldnemu_get_config();
  return NULL;
}

/* Streams and events: every operation is complete when it returns. */
static char token;

static const char *make_token(void **out) {
  *out = &token;
  return NULL;
}
static const char *ignore(void *handle) {
  (void)handle;
  return NULL;
}
static const char *ignore2(void *a, void *b) {
  (void)a;
  (void)b;
  return NULL;
}
static const char *nothing(void) { return NULL; }

static const char *mem_alloc(uint64_t size, void *stream, int host_shared,
                             void **ptr) {
  (void)stream;
  (void)host_shared;
  if (size > SIZE_MAX - 63)
    return "out of memory";
  /* Aligned like CUDA's allocations, and never NULL. */
  size_t bytes = size ? ((size_t)size + 63) / 64 * 64 : 64;
  *ptr = aligned_alloc(64, bytes);
  return *ptr ? NULL : "out of memory";
}

static const char *mem_free(void *ptr, void *stream) {
  (void)stream;
  free(ptr);
  return NULL;
}

static const char *mem_copy(void *dst, const void *src, size_t size,
                            void *stream) {
  (void)stream;
  if (size)
    memmove(dst, src, size);
  return NULL;
}

static const char *mem_set32(void *dst, uint32_t value, size_t count,
                             void *stream) {
  (void)stream;
  uint32_t *p = dst;
  for (size_t i = 0; i < count; ++i)
    p[i] = value;
  return NULL;
}

static const char *mem_set16(void *dst, uint16_t value, size_t count,
                             void *stream) {
  (void)stream;
  uint16_t *p = dst;
  for (size_t i = 0; i < count; ++i)
    p[i] = value;
  return NULL;
}

static const char *set_default_device(int32_t device) {
  (void)device; /* one emulated device */
  return NULL;
}

const ldnrt_gpu_backend ldnrt_emu_backend = {
    .kind = LDNRT_GPU_EMU,
    .name = "emu",
    .label = "emulator",
    .init = init,
    .module_load = ldnemu_module_load,
    .module_load_jit = NULL,
    .module_unload = ldnemu_module_unload,
    .module_get_function = ldnemu_module_get_function,
    .launch = ldnemu_launch,
    .stream_create = make_token,
    .stream_destroy = ignore,
    .stream_synchronize = ignore,
    .stream_wait_event = ignore2,
    .event_create = make_token,
    .event_destroy = ignore,
    .event_synchronize = ignore,
    .event_record = ignore2,
    .synchronize = nothing,
    .mem_alloc = mem_alloc,
    .mem_free = mem_free,
    .mem_copy = mem_copy,
    .mem_set32 = mem_set32,
    .mem_set16 = mem_set16,
    .set_default_device = set_default_device,
    /* Kernels read and write host memory directly, and the bounds checker
     * asks the GPU layer's registry about allocations. */
    .host_alloc = NULL,
    .host_free = NULL,
    .on_alloc = NULL,
    .on_free = NULL,
};
