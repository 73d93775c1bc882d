/*
 * emu.h - the GPU emulator backend's internals; not installed.
 *
 * The emulator runs kernels compiled for the host by the compiler's
 * emulator target (docs/emulator.md): a module is a shared object loaded
 * from memory, a kernel `K` is `void K(void **params)` running one GPU
 * thread, plus the size of its static shared memory. A launch runs every
 * block of the grid on a small pool of host threads; inside a block each GPU
 * thread is a fiber (fiber.h), so that barriers and warp shuffles make every
 * thread of the block (of the warp) arrive before any goes on.
 *
 *   backend.c     the ldnrt_gpu_backend table (gpu/backend.h)
 *   module.c      loading the shared object, looking kernels up
 *   launch.c      the host-thread pool and the per-block scheduler
 *   fiber.c       fibers on ucontext with guarded stacks
 *   intrinsics.c  the functions compiled kernels call (ldnemu_*)
 *   check.c       the access hook: LDN_EMU_CHECK bounds checking
 *   traffic.c     LDN_EMU_TRAFFIC global-memory traffic per launch
 */
#ifndef LDNRT_EMU_EMU_H
#define LDNRT_EMU_EMU_H

#include "fiber.h"
#include "intrinsics.h"
#include "../gpu/backend.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

/* Threads per warp, as on NVIDIA GPUs. */
#define LDNEMU_WARP_SIZE 32
/* The most threads a block may have (CUDA's limit). */
#define LDNEMU_MAX_BLOCK_THREADS 1024

/* ---- modules (module.c) ---- */

typedef struct ldnemu_function ldnemu_function;

typedef struct ldnemu_module {
  void *handle; /* from dlopen */
  int fd;       /* the memfd holding the image; open while loaded, so that
                   its /proc/self/fd path names no other module */
  /* The loaded image's address range: kernels may read their own
   * constants even where the compiler could not tell. */
  uintptr_t image_begin, image_end;
  pthread_mutex_t lock; /* guards `functions` */
  ldnemu_function *functions; /* looked up so far, freed on unload */
} ldnemu_module;

struct ldnemu_function {
  ldnemu_function *next;
  ldnemu_module *module;
  void (*entry)(void **params);
  uint64_t static_shared; /* bytes of the block's static shared memory */
  char name[];
};

const char *ldnemu_module_load(const void *data, size_t size, void **out);
const char *ldnemu_module_unload(void *module);
const char *ldnemu_module_get_function(void *module, const char *name,
                                       void **out);

/* ---- launches (launch.c) ---- */

typedef struct ldnemu_block ldnemu_block;
typedef struct ldnemu_traffic ldnemu_traffic;

/* One emulated GPU thread. */
typedef struct ldnemu_thread {
  ldnemu_block *block;
  ldnemu_fiber fiber;
  uint32_t id[3];
  uint32_t linear; /* x + y * bx + z * bx * by */
  enum {
    LDNEMU_RUNNABLE,
    LDNEMU_AT_BARRIER,
    LDNEMU_AT_SHUFFLE,
    LDNEMU_EXITED
  } state;
  /* The last global allocation a bounds check found (check.c). */
  uintptr_t cached_begin, cached_end;
} ldnemu_thread;

/* One warp's shuffle exchange: lanes deposit their value, and once every
 * lane that must take part has, each reads its source lane. Two buffers,
 * because the last lane to arrive runs on into the next shuffle before the
 * others have read this one. */
typedef struct ldnemu_warp {
  int32_t values[2][LDNEMU_WARP_SIZE];
  uint32_t took_part[2]; /* lanes whose value is in values[r & 1] */
  uint32_t arrived;      /* lanes waiting in the current round */
  uint32_t required;     /* lanes that must arrive (set by the first) */
  uint32_t round;
  uint32_t lanes;        /* lanes that exist (the last warp may be short) */
  uint32_t exited;       /* lanes whose thread has returned */
} ldnemu_warp;

/* Everything about the launch a block is part of. */
typedef struct ldnemu_launch_state {
  const ldnemu_function *function;
  void **params;
  uint32_t grid[3];
  uint32_t block[3];
  uint32_t threads;     /* per block */
  size_t dynamic_shared; /* bytes after the static part */
  size_t arena_bytes;    /* static + dynamic */
  uint64_t num_blocks;
  _Atomic uint64_t next_block;
  _Atomic int failed;    /* set once, by the first failure */
  char message[768];
  /* Under LDN_EMU_TRAFFIC: the sectors the launch touched (traffic.c);
   * its blocks then all run on the launching host thread. */
  ldnemu_traffic *traffic;
} ldnemu_launch_state;

/* What the race checker (check.c) remembers about one 4-byte word of
 * shared memory since the last barrier. */
typedef struct ldnemu_shadow {
  uint32_t epoch;  /* the block's epoch when this was last reset */
  uint16_t writer; /* linear id + 1 of the thread that wrote, else 0 */
  uint16_t reader; /* linear id + 1 of the one thread that read, 0 for
                      none, LDNEMU_MANY_READERS for several */
} ldnemu_shadow;

#define LDNEMU_MANY_READERS UINT16_MAX

/* A block being run on one host thread: its threads, warps and shared
 * arena. The storage is reused by the next block that host thread runs. */
struct ldnemu_block {
  ldnemu_launch_state *launch;
  uint32_t id[3];
  unsigned char *arena; /* 64-byte aligned, launch->arena_bytes long */
  /* Under LDN_EMU_CHECK: one entry per word of the arena, and the number
   * of barriers the block has passed plus one. */
  ldnemu_shadow *shadow;
  uint32_t epoch;
  ldnemu_thread *threads;
  ldnemu_warp *warps;
  uint32_t live;       /* threads that have not exited */
  uint32_t at_barrier;
  ldnemu_fiber scheduler;
  ldnemu_thread *current;
};

/* The emulated thread running on this host thread, NULL outside kernels. */
extern _Thread_local ldnemu_thread *ldnemu_current;

/* Runs every block of the launch; returns NULL or the first failure. */
const char *ldnemu_launch(void *function, const ldnrt_gpu_launch *launch,
                          void *stream);

/* Fails the launch the current thread belongs to with `message` (the first
 * failure wins) and never returns to the kernel: the thread's fiber is
 * abandoned. */
_Noreturn void ldnemu_fail_current(const char *message);

/* Called from a kernel: the current thread waits at a barrier / takes part
 * in a shuffle (the intrinsics' implementations). */
void ldnemu_wait_barrier(ldnemu_thread *thread);
int32_t ldnemu_exchange(ldnemu_thread *thread, int32_t value, int32_t offset,
                        int32_t width, int32_t mode, int8_t *valid);

/* ---- the access hook (check.c) ---- */

/* The bits of ldnemu_check_enabled (declared in intrinsics.h, since kernels
 * test it before every access; set once, by init()): what the hook does. */
#define LDNEMU_HOOK_CHECK 1u   /* LDN_EMU_CHECK=1: bounds and races */
#define LDNEMU_HOOK_TRAFFIC 2u /* LDN_EMU_TRAFFIC=<path>: count sectors */

/* ---- traffic (traffic.c) ---- */

/* A set of 32-byte sector numbers: open addressing, linear probing. */
typedef struct ldnemu_sector_set {
  uint64_t *slots; /* sector + 1, 0 for empty */
  size_t capacity; /* 1 << bits, or 0 before the first sector */
  unsigned bits;
  size_t count;
  uint64_t last;   /* the slot value added last, a one-entry cache */
} ldnemu_sector_set;

/* What one launch read and wrote; owned by the launching host thread and
 * reused by its next launches. */
struct ldnemu_traffic {
  ldnemu_sector_set read, written;
};

/* Empties the sets for a new launch. */
void ldnemu_traffic_begin(ldnemu_traffic *traffic);
void ldnemu_traffic_release(ldnemu_traffic *traffic);
/* Counts an access of `thread` to global memory [begin, end); kind as for
 * ldnemu_check_access. Fails the launch if out of memory. */
void ldnemu_traffic_count(ldnemu_thread *thread, uintptr_t begin,
                          uintptr_t end, int32_t kind);
/* Appends the launch's line to the file at `path`; NULL, or the failure
 * (formatted into `message`). */
const char *ldnemu_traffic_report(const ldnemu_launch_state *launch,
                                  const char *path, char *message,
                                  size_t message_size);

/* ---- configuration (backend.c) ---- */

typedef struct ldnemu_config {
  unsigned host_threads; /* LDN_EMU_THREADS, default: the machine's cores */
  size_t stack_bytes;    /* LDN_EMU_STACK_KB, default 64 KiB */
  const char *traffic_path; /* LDN_EMU_TRAFFIC, or NULL */
} ldnemu_config;

const ldnemu_config *ldnemu_get_config(void);

#endif /* LDNRT_EMU_EMU_H */
