/*
 * fiber.h - cooperative fibers for the emulator's GPU threads; not
 * installed.
 *
 * A fiber runs a function on its own stack and gives control back only by
 * switching to another fiber explicitly. On x86-64 the switch is a few
 * instructions saving the callee-saved registers (fiber.c); elsewhere it is
 * ucontext's swapcontext, which also saves the signal mask with a system
 * call and, on a barrier-heavy kernel, made up 85% of the time.
 *
 * Stacks come from one mapping per host thread, each above an inaccessible
 * guard page, so that a kernel overflowing its stack faults instead of
 * silently corrupting its neighbour's. The mapping is reserved, not
 * committed: only the pages a kernel touches cost memory.
 */
#ifndef LDNRT_EMU_FIBER_H
#define LDNRT_EMU_FIBER_H

#include <stddef.h>

/* LDNEMU_FORCE_UCONTEXT tests the portable path on x86-64. */
#if !defined(__x86_64__) || defined(LDNEMU_FORCE_UCONTEXT)
#include <ucontext.h>
#define LDNEMU_FIBER_UCONTEXT 1
#endif

typedef struct ldnemu_fiber {
#ifdef LDNEMU_FIBER_UCONTEXT
  ucontext_t context;
  int prepared; /* getcontext done once; makecontext may be redone */
#else
  void *sp; /* the saved stack pointer while not running */
#endif
  unsigned char *stack; /* lowest usable address, NULL for a host thread */
  size_t stack_bytes;
} ldnemu_fiber;

/* Stacks for up to `count` fibers of `bytes` each. */
typedef struct ldnemu_stacks {
  unsigned char *mapping;
  size_t mapping_bytes;
  size_t count;
  size_t stride; /* guard page + stack */
  size_t bytes;
} ldnemu_stacks;

/* Makes room for `count` stacks of at least `bytes` (rounded up to pages);
 * keeps existing stacks when they are large enough. 0 on success, else
 * errno. */
int ldnemu_stacks_reserve(ldnemu_stacks *stacks, size_t count, size_t bytes);
void ldnemu_stacks_release(ldnemu_stacks *stacks);

/* Readies `fiber` to run entry() on stack `index` when first switched to.
 * entry() must never return: it ends by switching away for good. */
void ldnemu_fiber_start(ldnemu_fiber *fiber, ldnemu_stacks *stacks,
                        size_t index, void (*entry)(void));

/* Saves the running context in `from` and resumes `to`. */
void ldnemu_fiber_switch(ldnemu_fiber *from, ldnemu_fiber *to);

#endif /* LDNRT_EMU_FIBER_H */
