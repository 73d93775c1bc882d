/*
 * traffic.c - LDN_EMU_TRAFFIC=<path>: the global memory each launch moves.
 *
 * A model of DRAM traffic: a launch reads (writes) every distinct 32-byte
 * sector of global memory it loads from (stores to) once, as if the cache
 * held the launch's whole working set: re-reads within a launch are free,
 * across launches they are not. A sector both read and written counts in
 * both; an atomic update reads and writes its sector. Shared memory, the
 * threads' stacks (private memory) and the kernels' own constants are not
 * global memory and are not counted.
 *
 * The access hook (check.c) reports each global access here. Blocks of a
 * counted launch all run on the launching host thread (launch.c), so the
 * sets need no lock and the count does not depend on scheduling. At the end
 * of the launch one line is appended to the file:
 *   <kernel>\t<gx>,<gy>,<gz>\t<bx>,<by>,<bz>\t<bytes read>\t<bytes written>
 */
#include "emu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The sector size of NVIDIA GPUs' L2 and DRAM transactions. */
#define SECTOR_SHIFT 5

/* Slot i of a set holds sector + 1, 0 for an empty slot: sector numbers are
 * addresses >> 5, so + 1 never wraps. */
static size_t slot_of(uint64_t key, unsigned bits) {
  /* Fibonacci hashing (the product's top bits): consecutive sectors spread
   * over the table. */
  return (size_t)((key * 0x9E3779B97F4A7C15ull) >> (64 - bits));
}

static int sector_set_grow(ldnemu_sector_set *set) {
  unsigned bits = set->capacity ? set->bits + 1 : 12;
  size_t capacity = (size_t)1 << bits;
  uint64_t *slots = calloc(capacity, sizeof *slots);
  if (!slots)
    return ENOMEM;
  for (size_t i = 0; i < set->capacity; ++i) {
    uint64_t key = set->slots[i];
    if (!key)
      continue;
    size_t j = slot_of(key, bits);
    while (slots[j])
      j = (j + 1) & (capacity - 1);
    slots[j] = key;
  }
  free(set->slots);
  set->slots = slots;
  set->capacity = capacity;
  set->bits = bits;
  return 0;
}

/* Adds `sector`; ENOMEM when the table cannot grow. */
static int sector_set_add(ldnemu_sector_set *set, uint64_t sector) {
  uint64_t key = sector + 1;
  /* Neighbouring threads mostly touch the sector the previous access did. */
  if (key == set->last)
    return 0;
  /* At most half full: probes stay short. */
  if (2 * (set->count + 1) > set->capacity) {
    int error = sector_set_grow(set);
    if (error)
      return error;
  }
  size_t i = slot_of(key, set->bits);
  while (set->slots[i] && set->slots[i] != key)
    i = (i + 1) & (set->capacity - 1);
  if (!set->slots[i]) {
    set->slots[i] = key;
    ++set->count;
  }
  set->last = key;
  return 0;
}

static void sector_set_clear(ldnemu_sector_set *set) {
  if (set->count)
    memset(set->slots, 0, set->capacity * sizeof *set->slots);
  set->count = 0;
  set->last = 0;
}

void ldnemu_traffic_begin(ldnemu_traffic *traffic) {
  sector_set_clear(&traffic->read);
  sector_set_clear(&traffic->written);
}

void ldnemu_traffic_release(ldnemu_traffic *traffic) {
  free(traffic->read.slots);
  free(traffic->written.slots);
  memset(traffic, 0, sizeof *traffic);
}

void ldnemu_traffic_count(ldnemu_thread *thread, uintptr_t begin,
                          uintptr_t end, int32_t kind) {
  ldnemu_traffic *traffic = thread->block->launch->traffic;
  if (!traffic || end <= begin)
    return;
  for (uint64_t s = begin >> SECTOR_SHIFT; s <= (end - 1) >> SECTOR_SHIFT;
       ++s) {
    int error = 0;
    if (kind != 1)
      error = sector_set_add(&traffic->read, s);
    if (!error && kind != 0)
      error = sector_set_add(&traffic->written, s);
    if (error)
      ldnemu_fail_current("out of memory counting the launch's memory "
                          "traffic (LDN_EMU_TRAFFIC)");
  }
}

const char *ldnemu_traffic_report(const ldnemu_launch_state *launch,
                                  const char *path, char *message,
                                  size_t message_size) {
  const ldnemu_traffic *traffic = launch->traffic;
  const char *format = "%s\t%u,%u,%u\t%u,%u,%u\t%llu\t%llu\n";
  unsigned long long read = (unsigned long long)traffic->read.count
                            << SECTOR_SHIFT;
  unsigned long long written = (unsigned long long)traffic->written.count
                               << SECTOR_SHIFT;
#define TRAFFIC_FIELDS                                                         \
  launch->function->name, launch->grid[0], launch->grid[1], launch->grid[2],   \
      launch->block[0], launch->block[1], launch->block[2], read, written
  int length = snprintf(NULL, 0, format, TRAFFIC_FIELDS);
  char *line = length >= 0 ? malloc((size_t)length + 1) : NULL;
  if (!line)
    return "out of memory writing the launch's traffic (LDN_EMU_TRAFFIC)";
  snprintf(line, (size_t)length + 1, format, TRAFFIC_FIELDS);
#undef TRAFFIC_FIELDS
  /* Opened per launch, in append mode, and written with one write(): lines
   * from concurrent launches (or processes) do not interleave. */
  int error = 0;
  int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = errno;
  } else {
    ssize_t done = write(fd, line, (size_t)length);
    if (done < 0)
      error = errno;
    else if (done != length)
      error = EIO;
    if (close(fd) != 0 && !error)
      error = errno;
  }
  free(line);
  if (!error)
    return NULL;
  snprintf(message, message_size, "cannot append to LDN_EMU_TRAFFIC file %s: %s",
           path, strerror(error));
  return message;
}
