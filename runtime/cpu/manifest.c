/*
 * manifest.c - parsing and validating the artifact manifest (ABI version 1).
 *
 * Every problem is reported with the JSON location of the offending value,
 * e.g. "entries[0].args[1].shape[2]: dimension -3 is < -1".
 */
#include "artifact.h"

#include <cjson/cJSON.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_EXACT_INT 9007199254740992.0 /* 2^53 */

static ldnrt_error *format_error(const char *where, const char *what) {
  return ldnrt_errorf(LDNRT_ERROR_FORMAT, "%s: %s", where, what);
}

/* An exact integer in [-2^53, 2^53]. */
static int json_int(const cJSON *item, int64_t *out) {
  if (!cJSON_IsNumber(item))
    return 0;
  double d = item->valuedouble;
  if (!(d >= -MAX_EXACT_INT && d <= MAX_EXACT_INT))
    return 0;
  int64_t i = (int64_t)d;
  if ((double)i != d)
    return 0;
  *out = i;
  return 1;
}

/* A required member; reports it missing. */
static ldnrt_error *member(const cJSON *object, const char *where,
                           const char *key, const cJSON **out) {
  *out = cJSON_GetObjectItemCaseSensitive(object, key);
  if (!*out)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT, "%s: missing field '%s'", where,
                        key);
  return NULL;
}

static ldnrt_error *string_member(const cJSON *object, const char *where,
                                  const char *key, int non_empty, char **out) {
  const cJSON *item;
  ldnrt_error *err = member(object, where, key, &item);
  if (err)
    return err;
  if (!cJSON_IsString(item) || !item->valuestring)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT, "%s.%s: expected a string", where,
                        key);
  if (non_empty && !item->valuestring[0])
    return ldnrt_errorf(LDNRT_ERROR_FORMAT, "%s.%s: must not be empty", where,
                        key);
  *out = ldnrt_strdup(item->valuestring);
  return *out ? NULL : ldnrt_error_oom();
}

static ldnrt_error *parse_value(const cJSON *json, const char *where,
                                ldnrt_value *value) {
  if (!cJSON_IsObject(json))
    return format_error(where, "expected an object");
  ldnrt_error *err = string_member(json, where, "name", 1, &value->name);
  if (err)
    return err;
  value->info.name = value->name;

  char *dtype_name = NULL;
  if ((err = string_member(json, where, "dtype", 0, &dtype_name)))
    return err;
  err = ldnrt_dtype_from_name(dtype_name, &value->info.dtype);
  if (err) {
    ldnrt_error_free(err);
    err = ldnrt_errorf(LDNRT_ERROR_FORMAT,
                       "%s.dtype: unknown dtype '%s' (expected one of f32, "
                       "f16, bf16, f64, i32, i64, i8, i1, index)",
                       where, dtype_name);
  }
  free(dtype_name);
  if (err)
    return err;

  const cJSON *shape;
  if ((err = member(json, where, "shape", &shape)))
    return err;
  if (!cJSON_IsArray(shape))
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "%s.shape: expected an array of integers", where);
  int rank = cJSON_GetArraySize(shape);
  if (rank > LDNRT_MAX_RANK)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "%s.shape: rank %d exceeds the maximum rank %d", where,
                        rank, LDNRT_MAX_RANK);
  int i = 0;
  const cJSON *dim;
  cJSON_ArrayForEach(dim, shape) {
    int64_t d;
    if (!json_int(dim, &d))
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "%s.shape[%d]: expected an integer", where, i);
    if (d < -1)
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "%s.shape[%d]: dimension %" PRId64
                          " is < -1 (-1 marks a dynamic dimension)",
                          where, i, d);
    value->shape[i++] = d;
  }
  value->info.rank = (size_t)rank;
  value->info.shape = value->shape;
  return NULL;
}

static ldnrt_error *parse_values(const cJSON *entry, const char *where,
                                 const char *key, ldnrt_value **out,
                                 size_t *count) {
  const cJSON *array;
  ldnrt_error *err = member(entry, where, key, &array);
  if (err)
    return err;
  if (!cJSON_IsArray(array))
    return ldnrt_errorf(LDNRT_ERROR_FORMAT, "%s.%s: expected an array", where,
                        key);
  int n = cJSON_GetArraySize(array);
  *out = calloc(n ? (size_t)n : 1, sizeof(ldnrt_value));
  if (!*out)
    return ldnrt_error_oom();
  *count = (size_t)n;
  int i = 0;
  const cJSON *item;
  cJSON_ArrayForEach(item, array) {
    char here[512];
    snprintf(here, sizeof here, "%s.%s[%d]", where, key, i);
    if ((err = parse_value(item, here, &(*out)[i])))
      return err;
    ++i;
  }
  return NULL;
}

static ldnrt_error *parse_entry(const cJSON *json, const char *where,
                                struct ldnrt_entry *entry) {
  if (!cJSON_IsObject(json))
    return format_error(where, "expected an object");
  ldnrt_error *err;
  if ((err = string_member(json, where, "name", 1, &entry->name)) ||
      (err = string_member(json, where, "symbol", 1, &entry->symbol)) ||
      (err =
           parse_values(json, where, "args", &entry->args, &entry->num_args)) ||
      (err = parse_values(json, where, "results", &entry->results,
                          &entry->num_results)))
    return err;
  return NULL;
}

/* `target`: what the artifact runs on, "cpu" (also when absent: artifacts
 * written before GPU targets existed), "cuda" or "emu". */
static ldnrt_error *parse_target(const cJSON *root, char **out) {
  const cJSON *item = cJSON_GetObjectItemCaseSensitive(root, "target");
  if (!item) {
    *out = ldnrt_strdup("cpu");
    return *out ? NULL : ldnrt_error_oom();
  }
  ldnrt_error *err = string_member(root, "manifest", "target", 1, out);
  if (err)
    return err;
  if (strcmp(*out, "cpu") != 0 && strcmp(*out, "cuda") != 0 &&
      strcmp(*out, "emu") != 0)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "target: unknown target '%s' (expected cpu, cuda or "
                        "emu)",
                        *out);
  return NULL;
}

static ldnrt_error *parse_root(const cJSON *root, ldnrt_manifest *m) {
  if (!cJSON_IsObject(root))
    return format_error("manifest", "expected a JSON object");
  const cJSON *abi;
  ldnrt_error *err = member(root, "manifest", "abi", &abi);
  if (err)
    return err;
  if (!json_int(abi, &m->abi))
    return format_error("abi", "expected an integer");
  if (m->abi != 1)
    return ldnrt_errorf(
        LDNRT_ERROR_UNSUPPORTED,
        "abi %" PRId64 " is not supported (this runtime reads abi 1)", m->abi);
  if ((err = string_member(root, "manifest", "producer", 0, &m->producer)))
    return err;
  if ((err = parse_target(root, &m->target)))
    return err;

  const cJSON *entries;
  if ((err = member(root, "manifest", "entries", &entries)))
    return err;
  if (!cJSON_IsArray(entries))
    return format_error("entries", "expected an array");
  int n = cJSON_GetArraySize(entries);
  m->entries = calloc(n ? (size_t)n : 1, sizeof(struct ldnrt_entry));
  if (!m->entries)
    return ldnrt_error_oom();
  m->num_entries = (size_t)n;
  int i = 0;
  const cJSON *item;
  cJSON_ArrayForEach(item, entries) {
    char here[64];
    snprintf(here, sizeof here, "entries[%d]", i);
    if ((err = parse_entry(item, here, &m->entries[i])))
      return err;
    for (int j = 0; j < i; ++j)
      if (strcmp(m->entries[j].name, m->entries[i].name) == 0)
        return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                            "%s.name: duplicate entry point '%s'", here,
                            m->entries[i].name);
    ++i;
  }
  return NULL;
}

ldnrt_error *ldnrt_manifest_parse(const char *json, ldnrt_manifest *out) {
  memset(out, 0, sizeof *out);
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithOpts(json, &end, 1);
  if (!root) {
    size_t pos = end && end >= json ? (size_t)(end - json) : 0;
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "manifest is not valid JSON (error near byte %zu)",
                        pos);
  }
  ldnrt_error *err = parse_root(root, out);
  cJSON_Delete(root);
  if (err)
    ldnrt_manifest_clear(out);
  return err;
}

static void free_values(ldnrt_value *values, size_t n) {
  if (!values)
    return;
  for (size_t i = 0; i < n; ++i)
    free(values[i].name);
  free(values);
}

void ldnrt_manifest_clear(ldnrt_manifest *m) {
  for (size_t i = 0; i < m->num_entries; ++i) {
    struct ldnrt_entry *e = &m->entries[i];
    free(e->name);
    free(e->symbol);
    free_values(e->args, e->num_args);
    free_values(e->results, e->num_results);
  }
  free(m->entries);
  free(m->producer);
  free(m->target);
  memset(m, 0, sizeof *m);
}
