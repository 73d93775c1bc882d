/*
 * tensor_map.c - an ordered collection of uniquely named tensors.
 */
#include "io_internal.h"

#include <stdlib.h>
#include <string.h>

struct ldnrt_tensor_map {
  size_t count;
  size_t cap;
  char **names;
  ldnrt_tensor **tensors;
};

LDNRT_API ldnrt_error *ldnrt_tensor_map_create(ldnrt_tensor_map **out) {
  if (!out)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_tensor_map_create: out is NULL");
  *out = calloc(1, sizeof **out);
  return *out ? NULL : ldnrt_error_oom();
}

LDNRT_API void ldnrt_tensor_map_free(ldnrt_tensor_map *map) {
  if (!map)
    return;
  for (size_t i = 0; i < map->count; ++i) {
    free(map->names[i]);
    ldnrt_tensor_free(map->tensors[i]);
  }
  free(map->names);
  free(map->tensors);
  free(map);
}

static size_t find(const ldnrt_tensor_map *map, const char *name) {
  for (size_t i = 0; i < map->count; ++i)
    if (strcmp(map->names[i], name) == 0)
      return i;
  return (size_t)-1;
}

LDNRT_API ldnrt_error *ldnrt_tensor_map_insert(ldnrt_tensor_map *map,
                                               const char *name,
                                               ldnrt_tensor *tensor) {
  if (!map || !name || !tensor)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_tensor_map_insert: %s is NULL",
                        !map    ? "map"
                        : !name ? "name"
                                : "tensor");
  if (!name[0])
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "tensor map: empty tensor name");
  if (find(map, name) != (size_t)-1)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "tensor map: duplicate tensor name '%s'", name);
  if (map->count == map->cap) {
    size_t cap = map->cap ? map->cap * 2 : 8;
    char **names = realloc(map->names, cap * sizeof *names);
    if (!names)
      return ldnrt_error_oom();
    map->names = names;
    ldnrt_tensor **tensors = realloc(map->tensors, cap * sizeof *tensors);
    if (!tensors)
      return ldnrt_error_oom();
    map->tensors = tensors;
    map->cap = cap;
  }
  size_t n = strlen(name) + 1;
  char *copy = malloc(n);
  if (!copy)
    return ldnrt_error_oom();
  memcpy(copy, name, n);
  map->names[map->count] = copy;
  map->tensors[map->count] = tensor;
  ++map->count;
  return NULL;
}

LDNRT_API size_t ldnrt_tensor_map_size(const ldnrt_tensor_map *map) {
  return map->count;
}

LDNRT_API const char *ldnrt_tensor_map_name(const ldnrt_tensor_map *map,
                                            size_t index) {
  return index < map->count ? map->names[index] : NULL;
}

LDNRT_API ldnrt_tensor *ldnrt_tensor_map_tensor(const ldnrt_tensor_map *map,
                                                size_t index) {
  return index < map->count ? map->tensors[index] : NULL;
}

LDNRT_API ldnrt_tensor *ldnrt_tensor_map_lookup(const ldnrt_tensor_map *map,
                                                const char *name) {
  if (!name)
    return NULL;
  size_t i = find(map, name);
  return i == (size_t)-1 ? NULL : map->tensors[i];
}

LDNRT_API ldnrt_tensor *ldnrt_tensor_map_take(ldnrt_tensor_map *map,
                                              size_t index) {
  if (index >= map->count)
    return NULL;
  ldnrt_tensor *t = map->tensors[index];
  free(map->names[index]);
  size_t tail = map->count - index - 1;
  memmove(map->names + index, map->names + index + 1, tail * sizeof(char *));
  memmove(map->tensors + index, map->tensors + index + 1,
          tail * sizeof(ldnrt_tensor *));
  --map->count;
  return t;
}
