/*
 * module.c - loading an emulator module: the payload after LDNEMU01 is an
 * ELF shared object for this host, written to an anonymous memory file and
 * dlopen'ed from there (nothing touches the file system). Its undefined
 * symbols, the ldnemu_* intrinsics, resolve against libldnrt.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create, dladdr, dlinfo, dl_iterate_phdr */
#endif

#include "emu.h"
#include "../core/internal.h"

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Kept until the calling thread's next call into the backend. */
static _Thread_local char message[512];

static const char *failf(const char *fmt, const char *detail) {
  snprintf(message, sizeof message, fmt, detail);
  return message;
}

static int write_all(int fd, const unsigned char *data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    data += n;
    size -= (size_t)n;
  }
  return 0;
}

typedef struct image_search {
  uintptr_t base; /* the link map's l_addr */
  uintptr_t begin, end;
} image_search;

static int find_image(struct dl_phdr_info *info, size_t size, void *data) {
  (void)size;
  image_search *search = data;
  if ((uintptr_t)info->dlpi_addr != search->base)
    return 0;
  uintptr_t begin = UINTPTR_MAX, end = 0;
  for (size_t i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
    if (ph->p_type != PT_LOAD)
      continue;
    uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
    uintptr_t hi = lo + ph->p_memsz;
    begin = lo < begin ? lo : begin;
    end = hi > end ? hi : end;
  }
  if (end <= begin)
    return 0;
  search->begin = begin;
  search->end = end;
  return 1;
}

const char *ldnemu_module_load(const void *data, size_t size, void **out) {
  *out = NULL;
  const unsigned char *bytes = data;
  if (size < LDNRT_EMU_MAGIC_BYTES ||
      memcmp(bytes, LDNRT_EMU_MAGIC, LDNRT_EMU_MAGIC_BYTES) != 0)
    return "not an emulator module (no LDNEMU01 header)";
  bytes += LDNRT_EMU_MAGIC_BYTES;
  size -= LDNRT_EMU_MAGIC_BYTES;
  if (size < SELFMAG || memcmp(bytes, ELFMAG, SELFMAG) != 0)
    return "the emulator module holds no ELF shared object after its header";

  ldnemu_module *m = calloc(1, sizeof *m);
  if (!m)
    return "out of memory";
  m->fd = memfd_create("ldn-emu-kernels", MFD_CLOEXEC);
  if (m->fd < 0) {
    free(m);
    return failf("cannot create a memory file for the kernels: %s",
                 strerror(errno));
  }
  int error = write_all(m->fd, bytes, size);
  if (error) {
    close(m->fd);
    free(m);
    return failf("cannot write the kernels to a memory file: %s",
                 strerror(error));
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", m->fd);
  ldnrt_make_runtime_global();
  dlerror();
  m->handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!m->handle) {
    const char *why = dlerror();
    close(m->fd);
    free(m);
    return failf("cannot load the kernels' shared object: %s",
                 why ? why : "unknown dlopen error");
  }
  struct link_map *map = NULL;
  if (dlinfo(m->handle, RTLD_DI_LINKMAP, &map) == 0 && map) {
    image_search search = {(uintptr_t)map->l_addr, 0, 0};
    if (dl_iterate_phdr(find_image, &search)) {
      m->image_begin = search.begin;
      m->image_end = search.end;
    }
  }
  pthread_mutex_init(&m->lock, NULL);
  *out = m;
  return NULL;
}

const char *ldnemu_module_unload(void *module) {
  ldnemu_module *m = module;
  if (!m)
    return NULL;
  const char *why = NULL;
  if (dlclose(m->handle) != 0) {
    const char *detail = dlerror();
    why = failf("cannot unload the kernels' shared object: %s",
                detail ? detail : "unknown dlclose error");
  }
  close(m->fd);
  for (ldnemu_function *f = m->functions; f;) {
    ldnemu_function *next = f->next;
    free(f);
    f = next;
  }
  pthread_mutex_destroy(&m->lock);
  free(m);
  return why;
}

const char *ldnemu_module_get_function(void *module, const char *name,
                                       void **out) {
  ldnemu_module *m = module;
  *out = NULL;
  static const char prefix[] = "__ldnemu_shared_bytes_";
  size_t n = strlen(name);
  char *symbol = malloc(sizeof prefix + n);
  if (!symbol)
    return "out of memory";
  memcpy(symbol, prefix, sizeof prefix - 1);
  memcpy(symbol + sizeof prefix - 1, name, n + 1);
  void *entry = dlsym(m->handle, name);
  const uint64_t *shared = dlsym(m->handle, symbol);
  free(symbol);
  if (!entry || !shared)
    return failf("the module has no emulator kernel named '%s'", name);

  ldnemu_function *f = malloc(sizeof *f + n + 1);
  if (!f)
    return "out of memory";
  f->module = m;
  memcpy(&f->entry, &entry, sizeof f->entry); /* object -> function */
  f->static_shared = *shared;
  memcpy(f->name, name, n + 1);
  pthread_mutex_lock(&m->lock);
  f->next = m->functions;
  m->functions = f;
  pthread_mutex_unlock(&m->lock);
  *out = f;
  return NULL;
}
