/*
 * fiber.c - fibers with guarded stacks: a hand-written switch on x86-64,
 * ucontext elsewhere (see fiber.h).
 */
#include "fiber.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t page_size(void) {
  long page = sysconf(_SC_PAGESIZE);
  return page > 0 ? (size_t)page : 4096;
}

int ldnemu_stacks_reserve(ldnemu_stacks *stacks, size_t count, size_t bytes) {
  size_t page = page_size();
  bytes = (bytes + page - 1) / page * page;
  if (stacks->mapping && stacks->count >= count && stacks->bytes >= bytes)
    return 0;
  if (stacks->count > count)
    count = stacks->count; /* never shrink */
  if (stacks->bytes > bytes)
    bytes = stacks->bytes;
  size_t stride = page + bytes;
  size_t total = stride * count;
  unsigned char *mapping = mmap(NULL, total, PROT_NONE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                                -1, 0);
  if (mapping == MAP_FAILED)
    return errno;
  /* Each stack above its guard page (stacks grow down). */
  for (size_t i = 0; i < count; ++i)
    if (mprotect(mapping + i * stride + page, bytes,
                 PROT_READ | PROT_WRITE) != 0) {
      int error = errno;
      munmap(mapping, total);
      return error;
    }
  ldnemu_stacks_release(stacks);
  stacks->mapping = mapping;
  stacks->mapping_bytes = total;
  stacks->count = count;
  stacks->stride = stride;
  stacks->bytes = bytes;
  return 0;
}

void ldnemu_stacks_release(ldnemu_stacks *stacks) {
  if (stacks->mapping)
    munmap(stacks->mapping, stacks->mapping_bytes);
  memset(stacks, 0, sizeof *stacks);
}

static unsigned char *stack_of(ldnemu_stacks *stacks, size_t index) {
  return stacks->mapping + index * stacks->stride +
         (stacks->stride - stacks->bytes);
}

#ifdef LDNEMU_FIBER_UCONTEXT

void ldnemu_fiber_start(ldnemu_fiber *fiber, ldnemu_stacks *stacks,
                        size_t index, void (*entry)(void)) {
  unsigned char *stack = stack_of(stacks, index);
  /* getcontext costs a system call (the signal mask): once per fiber. A
   * context that already ran can be made again with makecontext. */
  if (!fiber->prepared || fiber->stack != stack) {
    getcontext(&fiber->context);
    fiber->prepared = 1;
  }
  fiber->stack = stack;
  fiber->stack_bytes = stacks->bytes;
  fiber->context.uc_stack.ss_sp = stack;
  fiber->context.uc_stack.ss_size = stacks->bytes;
  fiber->context.uc_link = NULL; /* entry never returns */
  makecontext(&fiber->context, entry, 0);
}

void ldnemu_fiber_switch(ldnemu_fiber *from, ldnemu_fiber *to) {
  swapcontext(&from->context, &to->context);
}

#else /* x86-64 */

/* ldnemu_switch(&from->sp, to->sp): pushes the callee-saved registers and
 * the SSE/x87 control words, saves the stack pointer, loads the other one
 * and pops the same in reverse. Everything else is caller-saved in the
 * System V ABI, so the C caller has already saved what it needs. */
void ldnemu_switch(void **from_sp, void *to_sp);
/* Where a new fiber's first switch "returns" to: calls the entry in r12
 * with the stack aligned as at a call site. */
void ldnemu_fiber_trampoline(void);

__asm__(".text\n"
        ".p2align 4\n"
        ".globl ldnemu_switch\n"
        ".hidden ldnemu_switch\n"
        ".type ldnemu_switch, @function\n"
        "ldnemu_switch:\n"
        "  pushq %rbp\n"
        "  pushq %rbx\n"
        "  pushq %r12\n"
        "  pushq %r13\n"
        "  pushq %r14\n"
        "  pushq %r15\n"
        "  subq $8, %rsp\n"
        "  stmxcsr (%rsp)\n"
        "  fnstcw 4(%rsp)\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  ldmxcsr (%rsp)\n"
        "  fldcw 4(%rsp)\n"
        "  addq $8, %rsp\n"
        "  popq %r15\n"
        "  popq %r14\n"
        "  popq %r13\n"
        "  popq %r12\n"
        "  popq %rbx\n"
        "  popq %rbp\n"
        "  ret\n"
        ".size ldnemu_switch, .-ldnemu_switch\n"
        ".p2align 4\n"
        ".globl ldnemu_fiber_trampoline\n"
        ".hidden ldnemu_fiber_trampoline\n"
        ".type ldnemu_fiber_trampoline, @function\n"
        "ldnemu_fiber_trampoline:\n"
        "  callq *%r12\n"
        "  ud2\n"
        ".size ldnemu_fiber_trampoline, .-ldnemu_fiber_trampoline\n");

void ldnemu_fiber_start(ldnemu_fiber *fiber, ldnemu_stacks *stacks,
                        size_t index, void (*entry)(void)) {
  unsigned char *stack = stack_of(stacks, index);
  fiber->stack = stack;
  fiber->stack_bytes = stacks->bytes;
  /* What ldnemu_switch pops, from the lowest address: control words, r15,
   * r14, r13, r12 (the entry), rbx, rbp, return address (the trampoline).
   * The top is 16-byte aligned and `ret` leaves the stack pointer there, so
   * the trampoline's call aligns the entry like any other function. */
  uint64_t *top = (uint64_t *)(stack + stacks->bytes);
  uint64_t *sp = top - 8;
  uint32_t control = 0x1F80;           /* MXCSR: all exceptions masked */
  uint16_t x87 = 0x037F;               /* x87: default control word */
  memcpy(&sp[0], &control, sizeof control);
  memcpy((unsigned char *)&sp[0] + 4, &x87, sizeof x87);
  sp[1] = 0;                           /* r15 */
  sp[2] = 0;                           /* r14 */
  sp[3] = 0;                           /* r13 */
  sp[4] = (uint64_t)(uintptr_t)entry;  /* r12 */
  sp[5] = 0;                           /* rbx */
  sp[6] = 0;                           /* rbp */
  sp[7] = (uint64_t)(uintptr_t)ldnemu_fiber_trampoline;
  fiber->sp = sp;
}

void ldnemu_fiber_switch(ldnemu_fiber *from, ldnemu_fiber *to) {
  ldnemu_switch(&from->sp, to->sp);
}

#endif
