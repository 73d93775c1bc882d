/*
 * launch.c - running a grid: blocks on host threads, threads on fibers.
 *
 * Blocks are independent, so they run in parallel: a pool of worker
 * threads (LDN_EMU_THREADS - 1 of them, started at the first launch that
 * has more than one block) and the launching thread take block indices
 * from a shared counter. Within a block every GPU thread is a fiber; the
 * block's scheduler runs each runnable fiber in turn until it returns or
 * waits (at a barrier, or in a warp shuffle whose lanes have not all
 * arrived). A block in which nothing is runnable but some threads have not
 * returned is a deadlock: the launch fails saying so, instead of hanging.
 *
 * The first failure of a launch (a bounds-check violation, a failed
 * assertion, a deadlock) stops it: the failing fiber is abandoned, the
 * other blocks are not started, and the message is returned to the GPU
 * layer, which makes the runtime call fail with it.
 */
#include "emu.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Thread_local ldnemu_thread *ldnemu_current;

/* What one host thread needs to run blocks, kept for the next launch. */
typedef struct executor {
  ldnemu_stacks stacks;
  ldnemu_thread *threads;
  size_t thread_capacity;
  ldnemu_warp *warps;
  size_t warp_capacity;
  unsigned char *arena;
  size_t arena_capacity;
  ldnemu_shadow *shadow; /* under LDN_EMU_CHECK */
  size_t shadow_capacity;
  ldnemu_traffic traffic; /* under LDN_EMU_TRAFFIC, the launching thread's */
  ldnemu_block block;
} executor;

/* ---- failures ---- */

static void vrecord_failure(ldnemu_launch_state *launch, const char *fmt,
                            va_list ap) {
  int expected = 0;
  if (atomic_compare_exchange_strong(&launch->failed, &expected, 1))
    vsnprintf(launch->message, sizeof launch->message, fmt, ap);
}

static void record_failure(ldnemu_launch_state *launch, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vrecord_failure(launch, fmt, ap);
  va_end(ap);
}

_Noreturn void ldnemu_fail_current(const char *message) {
  ldnemu_thread *thread = ldnemu_current;
  if (!thread) {
    /* A kernel entry point called outside a launch: nowhere to report. */
    fprintf(stderr, "ldn emulator: %s\n", message);
    abort();
  }
  ldnemu_block *block = thread->block;
  record_failure(block->launch, "%s", message);
  /* Back to the scheduler, which sees the failure; this fiber is never
   * resumed (its stack is reused by the next block). */
  ldnemu_fiber_switch(&thread->fiber, &block->scheduler);
  abort(); /* unreachable */
}

/* "(x,y,z)" of a thread or a block. */
#define DIM3(v) (v)[0], (v)[1], (v)[2]

/* ---- barriers and shuffles ---- */

static ldnemu_thread *first_exited(ldnemu_block *block) {
  for (uint32_t i = 0; i < block->launch->threads; ++i)
    if (block->threads[i].state == LDNEMU_EXITED)
      return &block->threads[i];
  return NULL;
}

/* Fails when every thread still running waits at the barrier but some
 * have returned: on a GPU they would wait forever. */
static void check_barrier_reachable(ldnemu_block *block) {
  if (block->at_barrier == 0 || block->at_barrier != block->live)
    return;
  ldnemu_thread *gone = first_exited(block);
  char message[512];
  snprintf(message, sizeof message,
           "barrier deadlock in kernel %s, block (%u,%u,%u): %u of %u "
           "threads wait at a barrier that thread (%u,%u,%u) can no longer "
           "reach (it has returned)",
           block->launch->function->name, DIM3(block->id), block->at_barrier,
           block->launch->threads, DIM3(gone->id));
  ldnemu_fail_current(message);
}

void ldnemu_wait_barrier(ldnemu_thread *thread) {
  ldnemu_block *block = thread->block;
  ++block->at_barrier;
  if (block->at_barrier == block->live) {
    if (block->live != block->launch->threads)
      check_barrier_reachable(block);
    /* The last to arrive releases everybody and goes on. */
    ++block->epoch;
    for (uint32_t i = 0; i < block->launch->threads; ++i)
      if (block->threads[i].state == LDNEMU_AT_BARRIER)
        block->threads[i].state = LDNEMU_RUNNABLE;
    block->at_barrier = 0;
    return;
  }
  thread->state = LDNEMU_AT_BARRIER;
  ldnemu_fiber_switch(&thread->fiber, &block->scheduler);
}

static int round_complete(const ldnemu_warp *warp) {
  return (warp->required & ~warp->exited & ~warp->arrived) == 0;
}

static void complete_round(ldnemu_block *block, uint32_t warp_index) {
  ldnemu_warp *warp = &block->warps[warp_index];
  warp->took_part[warp->round & 1] = warp->arrived;
  warp->arrived = 0;
  ++warp->round;
  ldnemu_thread *lanes = &block->threads[warp_index * LDNEMU_WARP_SIZE];
  for (uint32_t lane = 0; lane < warp->lanes; ++lane)
    if (lanes[lane].state == LDNEMU_AT_SHUFFLE)
      lanes[lane].state = LDNEMU_RUNNABLE;
}

int32_t ldnemu_exchange(ldnemu_thread *thread, int32_t value, int32_t offset,
                        int32_t width, int32_t mode, int8_t *valid) {
  ldnemu_block *block = thread->block;
  uint32_t warp_index = thread->linear / LDNEMU_WARP_SIZE;
  uint32_t lane = thread->linear % LDNEMU_WARP_SIZE;
  ldnemu_warp *warp = &block->warps[warp_index];
  if (width < 1)
    width = 1;
  if (width > LDNEMU_WARP_SIZE)
    width = LDNEMU_WARP_SIZE;

  /* The lanes that must take part: the first `width` (gpu.shuffle's
   * contract), of those that exist. */
  if (warp->arrived == 0) {
    uint32_t members =
        width == LDNEMU_WARP_SIZE ? UINT32_MAX : (1u << width) - 1;
    uint32_t exist =
        warp->lanes == LDNEMU_WARP_SIZE ? UINT32_MAX : (1u << warp->lanes) - 1;
    warp->required = members & exist;
  }
  uint32_t round = warp->round;
  warp->values[round & 1][lane] = value;
  warp->arrived |= 1u << lane;
  if (round_complete(warp)) {
    complete_round(block, warp_index);
  } else {
    thread->state = LDNEMU_AT_SHUFFLE;
    ldnemu_fiber_switch(&thread->fiber, &block->scheduler);
  }

  /* NVVM's shfl.sync as MLIR lowers gpu.shuffle: the offset's low 5 bits,
   * a clamp of width - 1 (32 - width for up), no segment mask. */
  uint32_t b = (uint32_t)offset & 31u;
  int32_t j;
  int in_range;
  switch (mode) {
  case 1: /* up */
    j = (int32_t)lane - (int32_t)b;
    in_range = j >= LDNEMU_WARP_SIZE - width;
    break;
  case 2: /* down */
    j = (int32_t)(lane + b);
    in_range = j <= width - 1;
    break;
  case 3: /* idx */
    j = (int32_t)b;
    in_range = j <= width - 1;
    break;
  default: /* xor */
    j = (int32_t)(lane ^ b);
    in_range = j <= width - 1;
    break;
  }
  if (!in_range)
    j = (int32_t)lane;
  *valid = (int8_t)in_range;
  /* A source lane that did not take part (returned, or outside the warp)
   * has no value: hardware returns garbage, the emulator the caller's. */
  if (!(warp->took_part[round & 1] & (1u << j)))
    return value;
  return warp->values[round & 1][j];
}

static void thread_main(void) {
  ldnemu_thread *thread = ldnemu_current;
  ldnemu_block *block = thread->block;
  block->launch->function->entry(block->launch->params);

  thread->state = LDNEMU_EXITED;
  --block->live;
  ldnemu_warp *warp = &block->warps[thread->linear / LDNEMU_WARP_SIZE];
  warp->exited |= 1u << (thread->linear % LDNEMU_WARP_SIZE);
  if (warp->arrived && round_complete(warp))
    complete_round(block, thread->linear / LDNEMU_WARP_SIZE);
  check_barrier_reachable(block);
  /* Done: back to the scheduler for good. */
  ldnemu_fiber_switch(&thread->fiber, &block->scheduler);
  abort(); /* unreachable */
}

/* ---- blocks ---- */

static int executor_reserve(executor *e, const ldnemu_launch_state *launch) {
  const ldnemu_config *config = ldnemu_get_config();
  size_t threads = launch->threads;
  size_t warps = (threads + LDNEMU_WARP_SIZE - 1) / LDNEMU_WARP_SIZE;
  int error = ldnemu_stacks_reserve(&e->stacks, threads, config->stack_bytes);
  if (error)
    return error;
  if (e->thread_capacity < threads) {
    ldnemu_thread *grown = realloc(e->threads, threads * sizeof *grown);
    if (!grown)
      return ENOMEM;
    /* Fibers hold their own contexts: start over in the new array. */
    memset(grown, 0, threads * sizeof *grown);
    e->threads = grown;
    e->thread_capacity = threads;
  }
  if (e->warp_capacity < warps) {
    ldnemu_warp *grown = realloc(e->warps, warps * sizeof *grown);
    if (!grown)
      return ENOMEM;
    e->warps = grown;
    e->warp_capacity = warps;
  }
  if (e->arena_capacity < launch->arena_bytes) {
    size_t bytes = (launch->arena_bytes + 63) / 64 * 64;
    unsigned char *arena = aligned_alloc(64, bytes);
    if (!arena)
      return ENOMEM;
    free(e->arena);
    e->arena = arena;
    e->arena_capacity = bytes;
  }
  size_t words = (launch->arena_bytes + 3) / 4;
  if ((ldnemu_check_enabled & LDNEMU_HOOK_CHECK) && words > 0 &&
      e->shadow_capacity < words) {
    ldnemu_shadow *shadow = calloc(words, sizeof *shadow);
    if (!shadow)
      return ENOMEM;
    free(e->shadow);
    e->shadow = shadow;
    e->shadow_capacity = words;
  }
  return 0;
}

static void run_block(executor *e, ldnemu_launch_state *launch,
                      uint64_t index) {
  ldnemu_block *block = &e->block;
  block->launch = launch;
  block->id[0] = (uint32_t)(index % launch->grid[0]);
  block->id[1] = (uint32_t)(index / launch->grid[0] % launch->grid[1]);
  block->id[2] = (uint32_t)(index / launch->grid[0] / launch->grid[1]);
  block->arena = e->arena;
  block->threads = e->threads;
  block->warps = e->warps;
  block->live = launch->threads;
  block->at_barrier = 0;
  block->epoch = 1;
  block->shadow = ldnemu_check_enabled & LDNEMU_HOOK_CHECK ? e->shadow : NULL;
  if (block->shadow)
    memset(block->shadow, 0,
           (launch->arena_bytes + 3) / 4 * sizeof *block->shadow);

  uint32_t bx = launch->block[0], by = launch->block[1];
  for (uint32_t i = 0; i < launch->threads; ++i) {
    ldnemu_thread *t = &block->threads[i];
    t->block = block;
    t->linear = i;
    t->id[0] = i % bx;
    t->id[1] = i / bx % by;
    t->id[2] = i / bx / by;
    t->state = LDNEMU_RUNNABLE;
    t->cached_begin = t->cached_end = 0;
    ldnemu_fiber_start(&t->fiber, &e->stacks, i, thread_main);
  }
  uint32_t warps = (launch->threads + LDNEMU_WARP_SIZE - 1) / LDNEMU_WARP_SIZE;
  for (uint32_t w = 0; w < warps; ++w) {
    ldnemu_warp *warp = &block->warps[w];
    memset(warp, 0, sizeof *warp);
    uint32_t first = w * LDNEMU_WARP_SIZE;
    warp->lanes = launch->threads - first < LDNEMU_WARP_SIZE
                      ? launch->threads - first
                      : LDNEMU_WARP_SIZE;
  }

  /* Round robin over the runnable threads; each runs until it returns,
   * waits, or fails. */
  int ran = 1;
  while (block->live > 0 && ran) {
    ran = 0;
    for (uint32_t i = 0; i < launch->threads; ++i) {
      ldnemu_thread *t = &block->threads[i];
      if (t->state != LDNEMU_RUNNABLE)
        continue;
      ran = 1;
      block->current = t;
      ldnemu_current = t;
      ldnemu_fiber_switch(&block->scheduler, &t->fiber);
      ldnemu_current = NULL;
      if (atomic_load_explicit(&launch->failed, memory_order_relaxed))
        return;
    }
  }
  if (block->live > 0) {
    uint32_t at_shuffle = 0, example = 0;
    for (uint32_t i = 0; i < launch->threads; ++i)
      if (block->threads[i].state == LDNEMU_AT_SHUFFLE && at_shuffle++ == 0)
        example = i;
    const uint32_t *id = block->threads[example].id;
    record_failure(launch,
                   "deadlock in kernel %s, block (%u,%u,%u): %u threads wait "
                   "at a barrier and %u in a warp shuffle (e.g. thread "
                   "(%u,%u,%u)) that other lanes of its warp never reach",
                   launch->function->name, DIM3(block->id),
                   block->at_barrier, at_shuffle, DIM3(id));
  }
}

static void run_blocks(executor *e, ldnemu_launch_state *launch) {
  int error = executor_reserve(e, launch);
  if (error) {
    record_failure(launch, "cannot set up a host thread to run blocks: %s",
                   strerror(error));
    return;
  }
  for (;;) {
    if (atomic_load_explicit(&launch->failed, memory_order_relaxed))
      return;
    uint64_t index = atomic_fetch_add(&launch->next_block, 1);
    if (index >= launch->num_blocks)
      return;
    run_block(e, launch, index);
  }
}

/* ---- the host threads ---- */

static struct {
  pthread_mutex_t use; /* one launch at a time uses the workers */
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
  unsigned workers;
  uint64_t generation;
  unsigned busy;
  ldnemu_launch_state *launch;
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER,
          PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, NULL};

/* `start` is the pool's generation when the worker was created: launches
 * after it are the worker's to help with. */
static void *worker_main(void *start) {
  executor e;
  memset(&e, 0, sizeof e);
  uint64_t seen = (uint64_t)(uintptr_t)start;
  pthread_mutex_lock(&pool.lock);
  for (;;) {
    while (pool.generation == seen)
      pthread_cond_wait(&pool.wake, &pool.lock);
    seen = pool.generation;
    ldnemu_launch_state *launch = pool.launch;
    pthread_mutex_unlock(&pool.lock);
    run_blocks(&e, launch);
    pthread_mutex_lock(&pool.lock);
    if (--pool.busy == 0)
      pthread_cond_signal(&pool.done);
  }
  return NULL;
}

/* Starts workers up to `wanted`; returns how many there are. Called with
 * pool.use held. */
static unsigned start_workers(unsigned wanted) {
  while (pool.workers < wanted) {
    /* Workers take no signals: those are the application's business. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_mutex_lock(&pool.lock);
    void *start = (void *)(uintptr_t)pool.generation;
    pthread_mutex_unlock(&pool.lock);
    pthread_t thread;
    int error = pthread_create(&thread, NULL, worker_main, start);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (error)
      break;
    pthread_detach(thread);
    pthread_mutex_lock(&pool.lock);
    ++pool.workers;
    pthread_mutex_unlock(&pool.lock);
  }
  return pool.workers;
}

/* The launching thread's executor, freed when the thread exits. */
static pthread_key_t executor_key;
static pthread_once_t executor_key_once = PTHREAD_ONCE_INIT;

static void free_executor(void *p) {
  executor *e = p;
  ldnemu_stacks_release(&e->stacks);
  free(e->threads);
  free(e->warps);
  free(e->arena);
  free(e->shadow);
  ldnemu_traffic_release(&e->traffic);
  free(e);
}

static void make_executor_key(void) {
  pthread_key_create(&executor_key, free_executor);
}

static executor *local_executor(void) {
  pthread_once(&executor_key_once, make_executor_key);
  executor *e = pthread_getspecific(executor_key);
  if (!e && (e = calloc(1, sizeof *e)))
    pthread_setspecific(executor_key, e);
  return e;
}

/* Kept until the calling thread's next call into the backend. */
static _Thread_local char launch_message[sizeof(((ldnemu_launch_state *)0)->message)];

const char *ldnemu_launch(void *function, const ldnrt_gpu_launch *desc,
                          void *stream) {
  (void)stream; /* every launch completes before it returns */
  const ldnemu_function *f = function;
  if (desc->extra)
    return "the emulator does not support CUDA's extra launch options";
  uint64_t threads = (uint64_t)desc->block[0] * desc->block[1] * desc->block[2];
  if (threads > LDNEMU_MAX_BLOCK_THREADS) {
    snprintf(launch_message, sizeof launch_message,
             "a block of %u x %u x %u threads exceeds the %d threads a block "
             "may have",
             desc->block[0], desc->block[1], desc->block[2],
             LDNEMU_MAX_BLOCK_THREADS);
    return launch_message;
  }
  ldnemu_launch_state launch;
  memset(&launch, 0, sizeof launch);
  launch.function = f;
  launch.params = desc->params;
  memcpy(launch.grid, desc->grid, sizeof launch.grid);
  memcpy(launch.block, desc->block, sizeof launch.block);
  launch.threads = (uint32_t)threads;
  launch.dynamic_shared = desc->shared_bytes;
  launch.arena_bytes = f->static_shared + desc->shared_bytes;
  launch.num_blocks = (uint64_t)desc->grid[0] * desc->grid[1] * desc->grid[2];
  atomic_init(&launch.next_block, 0);
  atomic_init(&launch.failed, 0);

  executor *e = local_executor();
  if (!e)
    return "out of memory";
  const ldnemu_config *config = ldnemu_get_config();
  if (config->traffic_path) {
    launch.traffic = &e->traffic;
    ldnemu_traffic_begin(launch.traffic);
  }
  /* Counted launches run every block here: the sets need no lock, and the
   * count does not depend on how blocks were spread over threads. */
  unsigned wanted = launch.traffic ? 1 : config->host_threads;
  int use_pool = wanted > 1 && launch.num_blocks > 1 &&
                 pthread_mutex_trylock(&pool.use) == 0;
  unsigned workers = 0;
  if (use_pool) {
    workers = start_workers(wanted - 1);
    pthread_mutex_lock(&pool.lock);
    pool.launch = &launch;
    pool.busy = workers;
    ++pool.generation;
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);
  }
  run_blocks(e, &launch);
  if (use_pool) {
    pthread_mutex_lock(&pool.lock);
    while (pool.busy > 0)
      pthread_cond_wait(&pool.done, &pool.lock);
    pool.launch = NULL;
    pthread_mutex_unlock(&pool.lock);
    pthread_mutex_unlock(&pool.use);
  }
  if (!atomic_load(&launch.failed))
    return launch.traffic
               ? ldnemu_traffic_report(&launch, config->traffic_path,
                                       launch_message, sizeof launch_message)
               : NULL;
  memcpy(launch_message, launch.message, sizeof launch_message);
  return launch_message;
}
