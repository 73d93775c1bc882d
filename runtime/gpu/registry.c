/*
 * registry.c - live GPU-visible allocations, sorted by base address.
 *
 * A sorted array under a read-write lock: a model has tens of live buffers,
 * lookups (one per kernel argument in the emulator) outnumber changes, and
 * binary search on a flat array is as fast as anything for that size.
 * Backend hooks run after the lock is released, so they may query the
 * registry; the memory is not handed out again before they return (see
 * allocator.c), so hooks for one address cannot be reordered.
 */
#include "registry.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static pthread_rwlock_t lock = PTHREAD_RWLOCK_INITIALIZER;
static ldnrt_gpu_allocation *items;
static size_t count, capacity;

/* Index of the first allocation whose base is > `address`. */
static size_t upper_bound(uintptr_t address) {
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if ((uintptr_t)items[mid].base <= address)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

ldnrt_error *ldnrt_gpu_registry_add(void *base, size_t size,
                                    const ldnrt_gpu_backend *backend,
                                    ldnrt_gpu_alloc_kind kind,
                                    const void *owner) {
  pthread_rwlock_wrlock(&lock);
  size_t i = upper_bound((uintptr_t)base);
  if (i > 0 && items[i - 1].base == base) {
    items[i - 1].size = size;
    items[i - 1].backend = backend;
    items[i - 1].kind = kind;
    items[i - 1].owner = owner;
  } else {
    if (count == capacity) {
      size_t cap = capacity ? 2 * capacity : 64;
      ldnrt_gpu_allocation *grown = realloc(items, cap * sizeof *items);
      if (!grown) {
        pthread_rwlock_unlock(&lock);
        return ldnrt_errorf(LDNRT_ERROR_OUT_OF_MEMORY,
                            "out of memory registering a GPU allocation");
      }
      items = grown;
      capacity = cap;
    }
    memmove(&items[i + 1], &items[i], (count - i) * sizeof *items);
    items[i].base = base;
    items[i].size = size;
    items[i].backend = backend;
    items[i].kind = kind;
    items[i].owner = owner;
    ++count;
  }
  pthread_rwlock_unlock(&lock);
  if (backend && backend->on_alloc)
    backend->on_alloc(base, size);
  return NULL;
}

int ldnrt_gpu_registry_remove(void *base, ldnrt_gpu_allocation *removed) {
  ldnrt_gpu_allocation found;
  pthread_rwlock_wrlock(&lock);
  size_t i = upper_bound((uintptr_t)base);
  int hit = i > 0 && items[i - 1].base == base;
  if (hit) {
    found = items[i - 1];
    memmove(&items[i - 1], &items[i], (count - i) * sizeof *items);
    --count;
  }
  pthread_rwlock_unlock(&lock);
  if (!hit)
    return 0;
  if (found.backend && found.backend->on_free)
    found.backend->on_free(found.base, found.size);
  if (removed)
    *removed = found;
  return 1;
}

int ldnrt_gpu_registry_take_owned(const void *owner,
                                  ldnrt_gpu_allocation *removed) {
  void *base = NULL;
  pthread_rwlock_rdlock(&lock);
  for (size_t i = 0; i < count && !base; ++i)
    if (items[i].owner == owner)
      base = items[i].base;
  pthread_rwlock_unlock(&lock);
  /* Only the owner's thread removes owned entries, so `base` is still
   * there. */
  return base && ldnrt_gpu_registry_remove(base, removed);
}

void ldnrt_gpu_registry_disown(const void *owner) {
  /* Most calls own nothing: look before taking the write lock. */
  int any = 0;
  pthread_rwlock_rdlock(&lock);
  for (size_t i = 0; i < count && !any; ++i)
    any = items[i].owner == owner;
  pthread_rwlock_unlock(&lock);
  if (!any)
    return;
  pthread_rwlock_wrlock(&lock);
  for (size_t i = 0; i < count; ++i)
    if (items[i].owner == owner)
      items[i].owner = NULL;
  pthread_rwlock_unlock(&lock);
}

int ldnrt_gpu_registry_find(const void *address, ldnrt_gpu_allocation *out) {
  uintptr_t a = (uintptr_t)address;
  pthread_rwlock_rdlock(&lock);
  size_t i = upper_bound(a);
  int hit = 0;
  if (i > 0) {
    const ldnrt_gpu_allocation *c = &items[i - 1];
    uintptr_t start = (uintptr_t)c->base;
    hit = a == start || a - start < c->size;
    if (hit && out)
      *out = *c;
  }
  pthread_rwlock_unlock(&lock);
  return hit;
}

size_t ldnrt_gpu_registry_count(void) {
  pthread_rwlock_rdlock(&lock);
  size_t n = count;
  pthread_rwlock_unlock(&lock);
  return n;
}
