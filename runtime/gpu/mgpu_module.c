/*
 * mgpu_module.c - device modules, their kernels and launches.
 *
 * An artifact's global constructor loads each device binary it embeds with
 * mgpuModuleLoad; the payload's first bytes say which backend it is for (an
 * emulator payload starts with LDNEMU01, anything else is a CUDA fatbin or
 * cubin). Host code then calls mgpuModuleGetFunction before every launch,
 * so kernel handles are cached per module.
 */
#include "dispatch.h"
#include "errors.h"
#include "mgpu.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void *wrap_module(const ldnrt_gpu_backend *backend, void *native) {
  ldnrt_gpu_module *m = calloc(1, sizeof *m);
  if (!m) {
    backend->module_unload(native);
    ldnrt_gpu_fail(LDNRT_ERROR_OUT_OF_MEMORY,
                   "out of memory loading a %s module", backend->label);
    return NULL;
  }
  m->backend = backend;
  m->native = native;
  atomic_init(&m->functions, NULL);
  pthread_mutex_init(&m->lock, NULL);
  ldnrt_gpu_note_backend(backend);
  return m;
}

LDNRT_API void *mgpuModuleLoad(void *data, size_t size) {
  if (!data) {
    ldnrt_gpu_fail(LDNRT_ERROR_FORMAT, "GPU module load: the binary is NULL");
    return NULL;
  }
  int emu = size >= LDNRT_EMU_MAGIC_BYTES &&
            memcmp(data, LDNRT_EMU_MAGIC, LDNRT_EMU_MAGIC_BYTES) == 0;
  const ldnrt_gpu_backend *backend =
      ldnrt_gpu_backend_get(emu ? LDNRT_GPU_EMU : LDNRT_GPU_CUDA);
  if (!backend) {
    ldnrt_gpu_fail(LDNRT_ERROR_UNSUPPORTED, "%s",
                   emu ? LDNRT_EMU_NOT_BUILT : "CUDA backend not built");
    return NULL;
  }
  if (!ldnrt_gpu_ready(backend))
    return NULL;
  void *native = NULL;
  const char *why = backend->module_load(data, size, &native);
  if (why) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "%s module load failed: %s",
                   backend->label, why);
    return NULL;
  }
  return wrap_module(backend, native);
}

LDNRT_API void *mgpuModuleLoadJIT(void *data, int optLevel) {
  const ldnrt_gpu_backend *backend = ldnrt_gpu_backend_get(LDNRT_GPU_CUDA);
  if (!data || !backend) {
    ldnrt_gpu_fail(data ? LDNRT_ERROR_UNSUPPORTED : LDNRT_ERROR_FORMAT, "%s",
                   data ? "CUDA backend not built"
                        : "GPU module load: the PTX is NULL");
    return NULL;
  }
  if (!ldnrt_gpu_ready(backend))
    return NULL;
  if (!backend->module_load_jit) {
    ldnrt_gpu_fail(LDNRT_ERROR_UNSUPPORTED,
                   "the %s backend cannot load PTX", backend->label);
    return NULL;
  }
  void *native = NULL;
  const char *why = backend->module_load_jit(data, optLevel, &native);
  if (why) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "%s PTX module load failed: %s",
                   backend->label, why);
    return NULL;
  }
  return wrap_module(backend, native);
}

LDNRT_API void mgpuModuleUnload(void *module) {
  ldnrt_gpu_module *m = module;
  if (!m)
    return; /* its load failed, and that was reported then */
  const char *why = m->backend->module_unload(m->native);
  if (why)
    ldnrt_gpu_record(LDNRT_ERROR_DEVICE, "%s module unload failed: %s",
                     m->backend->label, why);
  ldnrt_gpu_function *f = atomic_load(&m->functions);
  while (f) {
    ldnrt_gpu_function *next = f->next;
    free(f);
    f = next;
  }
  pthread_mutex_destroy(&m->lock);
  free(m);
}

static ldnrt_gpu_function *find_function(ldnrt_gpu_module *m,
                                         const char *name) {
  for (ldnrt_gpu_function *f = atomic_load(&m->functions); f; f = f->next)
    if (strcmp(f->name, name) == 0)
      return f;
  return NULL;
}

LDNRT_API void *mgpuModuleGetFunction(void *module, const char *name) {
  ldnrt_gpu_module *m = module;
  if (!name)
    name = "(null)";
  if (!m) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "GPU kernel %s: its module was not loaded", name);
    return NULL;
  }
  ldnrt_gpu_function *f = find_function(m, name);
  if (f)
    return f;

  /* Failures are reported after unlocking: reporting may trap. */
  const char *why = NULL;
  int out_of_memory = 0;
  pthread_mutex_lock(&m->lock);
  f = find_function(m, name);
  if (!f) {
    size_t n = strlen(name);
    void *native = NULL;
    why = m->backend->module_get_function(m->native, name, &native);
    if (!why) {
      f = malloc(sizeof *f + n + 1);
      if (f) {
        f->next = atomic_load(&m->functions);
        f->backend = m->backend;
        f->native = native;
        memcpy(f->name, name, n + 1);
        atomic_store(&m->functions, f);
      } else {
        out_of_memory = 1;
      }
    }
  }
  pthread_mutex_unlock(&m->lock);
  if (why)
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "%s kernel %s not found: %s",
                   m->backend->label, name, why);
  else if (out_of_memory)
    ldnrt_gpu_fail(LDNRT_ERROR_OUT_OF_MEMORY,
                   "out of memory looking up GPU kernel %s", name);
  return f;
}

/* Checks one launch dimension; reports and returns 0 if out of range. */
static int check_dim(const ldnrt_gpu_function *f, const char *what, int axis,
                     intptr_t value, uint32_t *out) {
  if (value >= 1 && (uintmax_t)value <= UINT32_MAX) {
    *out = (uint32_t)value;
    return 1;
  }
  ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                 "%s launch of %s failed: %s size in %c is %" PRIdPTR
                 " (must be in [1, 4294967295])",
                 f->backend->label, f->name, what, "xyz"[axis], value);
  return 0;
}

LDNRT_API void mgpuLaunchKernel(void *function, intptr_t gridX,
                                intptr_t gridY, intptr_t gridZ,
                                intptr_t blockX, intptr_t blockY,
                                intptr_t blockZ, int32_t smem, void *stream,
                                void **params, void **extra,
                                size_t paramsCount) {
  ldnrt_gpu_function *f = function;
  ldnrt_gpu_handle *s = stream;
  if (!f) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "GPU launch of a kernel that was not found (see the "
                   "error its lookup reported)");
    return;
  }
  const ldnrt_gpu_backend *b = f->backend;
  if (s && s->backend != b) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "%s launch of %s failed: the stream belongs to the %s "
                   "backend",
                   b->label, f->name, s->backend->name);
    return;
  }
  /* A grid with no blocks has nothing to run (a dynamic size of 0);
   * drivers reject it, so it never reaches the backend. */
  if (gridX == 0 || gridY == 0 || gridZ == 0)
    return;
  ldnrt_gpu_launch l = {0};
  const intptr_t grid[3] = {gridX, gridY, gridZ};
  const intptr_t block[3] = {blockX, blockY, blockZ};
  for (int i = 0; i < 3; ++i)
    if (!check_dim(f, "grid", i, grid[i], &l.grid[i]) ||
        !check_dim(f, "block", i, block[i], &l.block[i]))
      return;
  if (smem < 0) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "%s launch of %s failed: negative shared memory size "
                   "%" PRId32,
                   b->label, f->name, smem);
    return;
  }
  l.kernel = f->name;
  l.shared_bytes = (uint32_t)smem;
  l.params = params;
  l.num_params = paramsCount;
  l.extra = extra;
  const char *why = b->launch(f->native, &l, s ? s->native : NULL);
  if (why)
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "%s launch of %s failed: %s", b->label,
                   f->name, why);
}
