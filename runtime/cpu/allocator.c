/*
 * allocator.c - the allocator compiled code calls for every buffer.
 *
 * Artifacts are lowered with MLIR's "generic" allocation functions, which
 * the runtime implements here (see docs/artifact-abi.md). Large blocks are
 * kept in a small cache when freed and handed out again to a request of
 * similar size: a model called repeatedly at the same shapes then reuses its
 * buffers instead of taking fresh pages from the kernel on every call, which
 * for large activations costs more than the computation itself.
 *
 * Every block carries a header just below the returned pointer with what
 * free() and the cache need; the returned pointer is aligned to at least 64
 * bytes (or the requested alignment).
 *
 * Blocks allocated inside ldnrt_invoke() are also linked to the call's trap
 * frame until it ends, so that a call abandoned by ldnrt_trap() (a failed
 * run-time check) releases them instead of leaking them.
 *
 * During a call of a GPU artifact (the trap frame names its backend) blocks
 * come from that backend's shared memory instead - CUDA managed memory, so
 * that host loops and kernels can both touch them - and are registered
 * (gpu/registry.h) while live, for the emulator's bounds checks. The header
 * remembers the backend, so freeing and the cache keep the two kinds apart;
 * a CPU artifact's path only gains a test of that field.
 */
#include "allocator.h"
#include "trap.h"
#include "../core/internal.h"
#include "../gpu/backend.h"
#include "../gpu/errors.h"
#include "../gpu/registry.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_BYTES 64
#define BLOCK_MAGIC 0x6c646e72746d656dull /* "ldnrtmem" */
/* Blocks at least this large are cached when freed. */
#define CACHE_MIN_BYTES ((size_t)1 << 20)
/* Default limit of the bytes held in the cache (LDNRT_CACHE_MB overrides). */
#define DEFAULT_CACHE_LIMIT_BYTES ((size_t)1 << 30)
#define MAX_CACHED_BLOCKS 64

typedef struct block_header {
  uint64_t magic;
  size_t capacity;  /* usable bytes from the returned pointer */
  size_t alignment; /* of the returned pointer */
  void *base;       /* what posix_memalign returned */
  /* The trap frame of the call that allocated it while that call runs
   * (else NULL), and the neighbours in that frame's list of live blocks. */
  ldnrt_trap_frame *frame;
  void *prev, *next;
  /* The GPU backend whose shared memory holds the block, NULL for host
   * memory from posix_memalign (every block of a CPU artifact). */
  const ldnrt_gpu_backend *gpu;
} block_header;

_Static_assert(sizeof(block_header) <= HEADER_BYTES,
               "the header must fit below the returned pointer");

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static void *cached[MAX_CACHED_BLOCKS];
static size_t num_cached;
static size_t cached_bytes;
static size_t cache_limit = (size_t)-1; /* read from the environment once */

static block_header *header_of(void *ptr) {
  return (block_header *)((char *)ptr - HEADER_BYTES);
}

/* A new block at `ptr`, inside the allocation `base` (from `gpu`'s shared
 * memory, or the host's when NULL), not yet tracked by a frame. */
static void init_header(void *ptr, size_t size, size_t alignment, void *base,
                        const ldnrt_gpu_backend *gpu) {
  block_header *h = header_of(ptr);
  h->magic = BLOCK_MAGIC;
  h->capacity = size;
  h->alignment = alignment;
  h->base = base;
  h->frame = NULL;
  h->prev = h->next = NULL;
  h->gpu = gpu;
}

static size_t cache_limit_bytes(void) {
  if (cache_limit == (size_t)-1) {
    const char *env = getenv("LDNRT_CACHE_MB");
    char *end = NULL;
    unsigned long long mb = env ? strtoull(env, &end, 10) : 0;
    cache_limit = env && end && *end == '\0' && mb < ((size_t)-1 >> 20)
                      ? (size_t)mb << 20
                      : DEFAULT_CACHE_LIMIT_BYTES;
  }
  return cache_limit;
}

/* A cached block of the same memory (`gpu`) that fits `size` bytes at
 * `alignment` without wasting more than half of it, removed from the cache;
 * NULL if none. */
static void *take_cached(size_t size, size_t alignment,
                         const ldnrt_gpu_backend *gpu) {
  void *found = NULL;
  pthread_mutex_lock(&cache_lock);
  for (size_t i = 0; i < num_cached; ++i) {
    block_header *h = header_of(cached[i]);
    if (h->capacity >= size && h->capacity / 2 <= size &&
        h->alignment % alignment == 0 && h->gpu == gpu) {
      found = cached[i];
      cached_bytes -= h->capacity;
      cached[i] = cached[--num_cached];
      break;
    }
  }
  pthread_mutex_unlock(&cache_lock);
  return found;
}

static void track(void *ptr, ldnrt_trap_frame *frame) {
  block_header *h = header_of(ptr);
  h->frame = frame;
  h->prev = NULL;
  h->next = frame ? frame->live : NULL;
  if (!frame)
    return;
  if (frame->live)
    header_of(frame->live)->prev = ptr;
  frame->live = ptr;
}

static void untrack(void *ptr) {
  block_header *h = header_of(ptr);
  if (!h->frame)
    return;
  if (h->prev)
    header_of(h->prev)->next = h->next;
  else
    h->frame->live = h->next;
  if (h->next)
    header_of(h->next)->prev = h->prev;
  h->frame = NULL;
  h->prev = h->next = NULL;
}

static void *allocate_untracked(size_t size, size_t alignment) {
  if (alignment < HEADER_BYTES)
    alignment = HEADER_BYTES;
  if (alignment & (alignment - 1))
    return NULL; /* not a power of two */
  if (size >= CACHE_MIN_BYTES) {
    void *reused = take_cached(size, alignment, NULL);
    if (reused)
      return reused;
  }
  /* The header sits in the `alignment` bytes before the returned pointer. */
  size_t total;
  if (__builtin_add_overflow(size, alignment, &total))
    return NULL;
  void *base = NULL;
  if (posix_memalign(&base, alignment, total ? total : alignment) != 0)
    return NULL;
  void *ptr = (char *)base + alignment;
  init_header(ptr, size, alignment, base, NULL);
  return ptr;
}

/* Gives a block's memory back to where it came from. */
static void release(block_header *h) {
  h->magic = 0;
  if (h->gpu && h->gpu->host_free)
    h->gpu->host_free(h->base);
  else
    free(h->base);
}

/* A block of `gpu`'s shared memory, registered; not tracked by a frame. */
static ldnrt_error *allocate_shared(const ldnrt_gpu_backend *gpu, size_t size,
                                    size_t alignment, void **out) {
  *out = NULL;
  if (alignment < HEADER_BYTES)
    alignment = HEADER_BYTES;
  if (alignment & (alignment - 1))
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "allocation alignment %zu is not a power of two",
                        alignment);
  void *ptr = size >= CACHE_MIN_BYTES ? take_cached(size, alignment, gpu)
                                      : NULL;
  if (!ptr) {
    void *base = NULL;
    size_t total;
    if (gpu->host_alloc) {
      /* The backend's alignment is unknown: leave room for the header and
       * for rounding the pointer up. */
      if (__builtin_add_overflow(size, 2 * alignment - 1, &total))
        return ldnrt_errorf(LDNRT_ERROR_OUT_OF_MEMORY,
                            "%s shared allocation of %zu bytes is too large",
                            gpu->label, size);
      const char *why = gpu->host_alloc(total, &base);
      if (why)
        return ldnrt_errorf(LDNRT_ERROR_DEVICE,
                            "%s shared allocation of %zu bytes failed: %s",
                            gpu->label, size, why);
      ptr = (void *)(((uintptr_t)base + HEADER_BYTES + alignment - 1) &
                     ~(uintptr_t)(alignment - 1));
    } else {
      if (__builtin_add_overflow(size, alignment, &total) ||
          posix_memalign(&base, alignment, total) != 0)
        return ldnrt_errorf(LDNRT_ERROR_OUT_OF_MEMORY,
                            "out of memory allocating %zu bytes", size);
      ptr = (char *)base + alignment;
    }
    init_header(ptr, size, alignment, base, gpu);
  }
  ldnrt_error *err =
      ldnrt_gpu_registry_add(ptr, size, gpu, LDNRT_GPU_ALLOC_SHARED, NULL);
  if (err) {
    release(header_of(ptr));
    return err;
  }
  *out = ptr;
  return NULL;
}

/* A block for compiled code of a GPU artifact; a failure traps the call
 * (compiled code does not check for NULL). */
static void *allocate_for_gpu_call(ldnrt_trap_frame *frame, size_t size,
                                   size_t alignment) {
  void *ptr = NULL;
  ldnrt_error *err = allocate_shared(frame->gpu, size, alignment, &ptr);
  if (err) {
    ldnrt_gpu_fail(ldnrt_error_get_code(err), "%s", ldnrt_error_message(err));
    ldnrt_error_free(err);
    return NULL;
  }
  track(ptr, frame);
  return ptr;
}

static void *allocate(size_t size, size_t alignment) {
  ldnrt_trap_frame *frame = ldnrt_current_trap_frame();
  if (frame && frame->gpu)
    return allocate_for_gpu_call(frame, size, alignment);
  void *ptr = allocate_untracked(size, alignment);
  if (ptr)
    track(ptr, frame);
  return ptr;
}

ldnrt_error *ldnrt_allocator_alloc_shared(const ldnrt_gpu_backend *gpu,
                                          size_t size, void **out) {
  return allocate_shared(gpu, size, HEADER_BYTES, out);
}

LDNRT_API void *_mlir_memref_to_llvm_alloc(uint64_t size) {
  return allocate((size_t)size, HEADER_BYTES);
}

LDNRT_API void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment,
                                                    uint64_t size) {
  return allocate((size_t)size, (size_t)alignment);
}

LDNRT_API void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  block_header *h = header_of(ptr);
  if (h->magic != BLOCK_MAGIC)
    return; /* not ours (best effort: it reads the bytes below ptr) */
  untrack(ptr);
  /* Before the memory can be handed out again (see registry.c). */
  if (h->gpu)
    ldnrt_gpu_registry_remove(ptr, NULL);
  if (h->capacity >= CACHE_MIN_BYTES) {
    pthread_mutex_lock(&cache_lock);
    int keep = num_cached < MAX_CACHED_BLOCKS &&
               cached_bytes + h->capacity <= cache_limit_bytes();
    if (keep) {
      cached[num_cached++] = ptr;
      cached_bytes += h->capacity;
    }
    pthread_mutex_unlock(&cache_lock);
    if (keep)
      return;
  }
  release(h);
}

void ldnrt_allocator_release_frame(ldnrt_trap_frame *frame) {
  while (frame->live)
    _mlir_memref_to_llvm_free(frame->live); /* unlinks it */
}

void ldnrt_allocator_detach_frame(ldnrt_trap_frame *frame) {
  while (frame->live)
    untrack(frame->live);
}

LDNRT_API void ldnrt_release_cached_memory(void) {
  pthread_mutex_lock(&cache_lock);
  for (size_t i = 0; i < num_cached; ++i)
    release(header_of(cached[i]));
  num_cached = 0;
  cached_bytes = 0;
  pthread_mutex_unlock(&cache_lock);
}
