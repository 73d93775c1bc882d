/*
 * artifact.h - the loaded artifact and its parsed manifest; not installed.
 */
#ifndef LDNRT_CPU_ARTIFACT_H
#define LDNRT_CPU_ARTIFACT_H

#include "../core/internal.h"

/* `void ldn_entry_<name>(void **args)`, see docs/artifact-abi.md. */
typedef void (*ldnrt_entry_fn)(void **args);

/* An argument or result; `info` first so a pointer to it is a pointer to
 * the value. */
typedef struct ldnrt_value {
  ldnrt_value_info info;
  char *name;
  int64_t shape[LDNRT_MAX_RANK];
} ldnrt_value;

struct ldnrt_entry {
  char *name;
  char *symbol;
  ldnrt_entry_fn fn; /* resolved at load time */
  size_t num_args;
  size_t num_results;
  ldnrt_value *args;
  ldnrt_value *results;
};

typedef struct ldnrt_manifest {
  int64_t abi;
  char *producer;
  char *target;
  size_t num_entries;
  struct ldnrt_entry *entries;
} ldnrt_manifest;

struct ldnrt_gpu_backend;

struct ldnrt_artifact {
  ldnrt_context *context;
  /* The GPU backend the artifact's code runs on, NULL for target cpu. */
  const struct ldnrt_gpu_backend *gpu;
  void *handle; /* from dlopen */
  char *path;
  const char *manifest_json; /* owned by the loaded library */
  ldnrt_manifest manifest;
};

/* Parses and validates the manifest JSON (cpu/manifest.c). Does not resolve
 * symbols. On error `*out` is left empty. */
ldnrt_error *ldnrt_manifest_parse(const char *json, ldnrt_manifest *out);
void ldnrt_manifest_clear(ldnrt_manifest *manifest);

#endif /* LDNRT_CPU_ARTIFACT_H */
