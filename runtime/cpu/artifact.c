/*
 * artifact.c - loading an artifact (dlopen + manifest) and introspection.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr, RTLD_NOLOAD */
#endif

#include "artifact.h"
#include "../core/context.h"
#include "../gpu/errors.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static const char runtime_anchor; /* any address inside this library */

void ldnrt_make_runtime_global(void) {
  Dl_info info;
  if (!dladdr(&runtime_anchor, &info) || !info.dli_fname)
    return;
  void *self = dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL);
  if (self)
    dlclose(self);
}

static void artifact_destroy(ldnrt_artifact *a) {
  if (!a)
    return;
  ldnrt_manifest_clear(&a->manifest);
  if (a->handle)
    dlclose(a->handle);
  free(a->path);
  free(a);
}

static ldnrt_error *check_contents(ldnrt_artifact *a);

static ldnrt_error *load(ldnrt_artifact *a, const char *path) {
  struct stat st;
  if (stat(path, &st) != 0)
    return ldnrt_errorf(LDNRT_ERROR_IO, "cannot open: %s", strerror(errno));
  if (S_ISDIR(st.st_mode))
    return ldnrt_errorf(LDNRT_ERROR_IO, "cannot open: is a directory");

  /* dlopen searches the library path for names without a slash. */
  char *open_path = NULL;
  if (!strchr(path, '/')) {
    size_t n = strlen(path);
    open_path = malloc(n + 3);
    if (!open_path)
      return ldnrt_error_oom();
    memcpy(open_path, "./", 2);
    memcpy(open_path + 2, path, n + 1);
  }
  ldnrt_make_runtime_global();
  /* A GPU artifact's global constructors load its device modules while
   * dlopen runs; the scope catches their failures (gpu/errors.h). */
  ldnrt_gpu_load_scope scope;
  ldnrt_gpu_load_scope_begin(&scope);
  dlerror();
  a->handle = dlopen(open_path ? open_path : path, RTLD_NOW | RTLD_LOCAL);
  ldnrt_error *module_error = ldnrt_gpu_load_scope_end(&scope);
  free(open_path);
  if (!a->handle) {
    ldnrt_error_free(module_error);
    const char *why = dlerror();
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "cannot load as a shared library: %s",
                        why ? why : "unknown dlopen error");
  }
  ldnrt_error *err = check_contents(a);
  if (err) {
    ldnrt_error_free(module_error);
    return err;
  }
  /* Reported after the manifest checks: a wrong target explains a module
   * that failed to load better than the driver's message does. */
  if (module_error)
    return module_error;
  a->gpu = a->context->gpu;
  return NULL;
}

/* Reads and checks the manifest of the loaded library `a->handle`, and
 * resolves its entry points. */
static ldnrt_error *check_contents(ldnrt_artifact *a) {
  dlerror();
  void *sym = dlsym(a->handle, "ldn_artifact_manifest");
  if (!sym)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "not an ldn artifact (no ldn_artifact_manifest "
                        "symbol)");
  const char *(*manifest_fn)(void);
  memcpy(&manifest_fn, &sym, sizeof manifest_fn); /* object -> function */
  const char *json = manifest_fn();
  if (!json)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "ldn_artifact_manifest() returned NULL");

  a->manifest_json = json;
  ldnrt_error *err = ldnrt_manifest_parse(json, &a->manifest);
  if (err)
    return ldnrt_error_prefix(err, "invalid manifest");

  const char *want = ldnrt_backend_name(a->context->backend);
  if (strcmp(a->manifest.target, want) != 0)
    return ldnrt_errorf(LDNRT_ERROR_UNSUPPORTED,
                        "artifact was compiled for target '%s', but the "
                        "context's backend is '%s'",
                        a->manifest.target, want);

  for (size_t i = 0; i < a->manifest.num_entries; ++i) {
    struct ldnrt_entry *e = &a->manifest.entries[i];
    dlerror();
    sym = dlsym(a->handle, e->symbol);
    if (!sym)
      return ldnrt_errorf(LDNRT_ERROR_NOT_FOUND,
                          "entry point '%s': symbol '%s' not found", e->name,
                          e->symbol);
    memcpy(&e->fn, &sym, sizeof e->fn);
  }
  return NULL;
}

LDNRT_API ldnrt_error *ldnrt_artifact_load(ldnrt_context *context,
                                           const char *path,
                                           ldnrt_artifact **out) {
  if (!out)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_artifact_load: out is NULL");
  *out = NULL;
  if (!context || !path)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_artifact_load: %s is NULL",
                        context ? "path" : "context");
  ldnrt_artifact *a = calloc(1, sizeof *a);
  if (!a)
    return ldnrt_error_oom();
  a->context = context;
  a->path = ldnrt_strdup(path);
  if (!a->path) {
    free(a);
    return ldnrt_error_oom();
  }
  ldnrt_error *err = load(a, path);
  if (err) {
    artifact_destroy(a);
    return ldnrt_error_prefix(err, "%s", path);
  }
  *out = a;
  return NULL;
}

LDNRT_API void ldnrt_artifact_free(ldnrt_artifact *artifact) {
  artifact_destroy(artifact);
}

LDNRT_API const char *ldnrt_artifact_path(const ldnrt_artifact *a) {
  return a->path;
}
LDNRT_API const char *ldnrt_artifact_producer(const ldnrt_artifact *a) {
  return a->manifest.producer;
}
LDNRT_API const char *ldnrt_artifact_target(const ldnrt_artifact *a) {
  return a->manifest.target;
}
LDNRT_API const char *ldnrt_artifact_manifest_json(const ldnrt_artifact *a) {
  return a->manifest_json;
}
LDNRT_API size_t ldnrt_artifact_num_entries(const ldnrt_artifact *a) {
  return a->manifest.num_entries;
}

LDNRT_API const ldnrt_entry *ldnrt_artifact_entry(const ldnrt_artifact *a,
                                                  size_t index) {
  return index < a->manifest.num_entries ? &a->manifest.entries[index] : NULL;
}

LDNRT_API const ldnrt_entry *ldnrt_artifact_find_entry(const ldnrt_artifact *a,
                                                       const char *name) {
  if (!name)
    return NULL;
  for (size_t i = 0; i < a->manifest.num_entries; ++i)
    if (strcmp(a->manifest.entries[i].name, name) == 0)
      return &a->manifest.entries[i];
  return NULL;
}

LDNRT_API const char *ldnrt_entry_name(const ldnrt_entry *e) { return e->name; }
LDNRT_API const char *ldnrt_entry_symbol(const ldnrt_entry *e) {
  return e->symbol;
}
LDNRT_API size_t ldnrt_entry_num_args(const ldnrt_entry *e) {
  return e->num_args;
}
LDNRT_API size_t ldnrt_entry_num_results(const ldnrt_entry *e) {
  return e->num_results;
}
LDNRT_API const ldnrt_value_info *ldnrt_entry_arg(const ldnrt_entry *e,
                                                  size_t index) {
  return index < e->num_args ? &e->args[index].info : NULL;
}
LDNRT_API const ldnrt_value_info *ldnrt_entry_result(const ldnrt_entry *e,
                                                     size_t index) {
  return index < e->num_results ? &e->results[index].info : NULL;
}
