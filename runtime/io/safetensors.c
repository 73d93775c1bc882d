/*
 * safetensors.c - Hugging Face .safetensors files.
 *
 * Layout: uint64 LE header length N, N bytes of JSON
 *     {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]},
 *      ..., "__metadata__": {...}}
 * (padded with spaces), then the data section. Offsets are relative to the
 * data section. Like the reference implementation, the reader requires the
 * tensors to tile the data section exactly.
 */
#include "io_internal.h"

#include <cjson/cJSON.h>

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The reference implementation's limit. */
#define ST_MAX_HEADER 100000000u
#define MAX_EXACT_INT 9007199254740992.0 /* 2^53 */

static const struct {
  const char *name;
  ldnrt_dtype dtype;
} st_dtypes[] = {
    {"F32", LDNRT_DTYPE_F32},   {"F16", LDNRT_DTYPE_F16},
    {"BF16", LDNRT_DTYPE_BF16}, {"F64", LDNRT_DTYPE_F64},
    {"I32", LDNRT_DTYPE_I32},   {"I64", LDNRT_DTYPE_I64},
    {"I8", LDNRT_DTYPE_I8},     {"BOOL", LDNRT_DTYPE_I1},
};

typedef struct st_info {
  const char *name; /* points into the cJSON tree */
  ldnrt_dtype dtype;
  size_t rank;
  int64_t shape[LDNRT_MAX_RANK];
  uint64_t begin, end;
} st_info;

/* A non-negative exact integer. */
static int json_uint(const cJSON *item, uint64_t *out) {
  if (!cJSON_IsNumber(item))
    return 0;
  double d = item->valuedouble;
  if (!(d >= 0 && d <= MAX_EXACT_INT))
    return 0;
  uint64_t u = (uint64_t)d;
  if ((double)u != d)
    return 0;
  *out = u;
  return 1;
}

static ldnrt_error *parse_info(const cJSON *item, uint64_t data_size,
                               st_info *info) {
  const char *name = item->string;
  info->name = name;
  if (!cJSON_IsObject(item))
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "tensor '%s': expected a JSON object", name);
  const cJSON *dtype = cJSON_GetObjectItemCaseSensitive(item, "dtype");
  const cJSON *shape = cJSON_GetObjectItemCaseSensitive(item, "shape");
  const cJSON *offsets = cJSON_GetObjectItemCaseSensitive(item, "data_offsets");
  if (!dtype || !shape || !offsets)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT, "tensor '%s': missing field '%s'",
                        name,
                        !dtype   ? "dtype"
                        : !shape ? "shape"
                                 : "data_offsets");
  if (!cJSON_IsString(dtype) || !dtype->valuestring)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "tensor '%s': dtype must be a string", name);
  size_t k = 0, nd = sizeof st_dtypes / sizeof st_dtypes[0];
  while (k < nd && strcmp(dtype->valuestring, st_dtypes[k].name) != 0)
    ++k;
  if (k == nd)
    return ldnrt_errorf(LDNRT_ERROR_UNSUPPORTED,
                        "tensor '%s': unsupported dtype '%s' (supported: F32 "
                        "F16 BF16 F64 I32 I64 I8 BOOL)",
                        name, dtype->valuestring);
  info->dtype = st_dtypes[k].dtype;

  if (!cJSON_IsArray(shape))
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "tensor '%s': shape must be an array", name);
  int rank = cJSON_GetArraySize(shape);
  if (rank > LDNRT_MAX_RANK)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "tensor '%s': rank %d exceeds the maximum rank %d",
                        name, rank, LDNRT_MAX_RANK);
  info->rank = 0;
  const cJSON *dim;
  cJSON_ArrayForEach(dim, shape) {
    uint64_t d;
    if (!json_uint(dim, &d))
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "tensor '%s': shape[%zu] is not a non-negative "
                          "integer",
                          name, info->rank);
    info->shape[info->rank++] = (int64_t)d;
  }
  size_t nbytes;
  ldnrt_error *err =
      ldnrt_check_shape("tensor", info->rank, info->shape,
                        ldnrt_dtype_size(info->dtype), NULL, &nbytes);
  if (err) {
    /* "tensor: shape ... is too large" -> "tensor 'a': shape ...". */
    const char *msg = ldnrt_error_message(err);
    const char *rest = strncmp(msg, "tensor: ", 8) == 0 ? msg + 8 : msg;
    ldnrt_error *tagged =
        ldnrt_errorf(LDNRT_ERROR_FORMAT, "tensor '%s': %s", name, rest);
    ldnrt_error_free(err);
    return tagged;
  }

  if (!cJSON_IsArray(offsets) || cJSON_GetArraySize(offsets) != 2 ||
      !json_uint(cJSON_GetArrayItem(offsets, 0), &info->begin) ||
      !json_uint(cJSON_GetArrayItem(offsets, 1), &info->end))
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "tensor '%s': data_offsets must be two non-negative "
                        "integers [begin, end]",
                        name);
  if (info->begin > info->end)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64
                        "] end before they begin",
                        name, info->begin, info->end);
  if (info->end > data_size)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64
                        "] exceed the data section (%" PRIu64 " bytes)",
                        name, info->begin, info->end, data_size);
  if (info->end - info->begin != (uint64_t)nbytes) {
    char buf[256];
    return ldnrt_errorf(
        LDNRT_ERROR_FORMAT,
        "tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64 "] hold %" PRIu64
        " bytes, but %s %s needs %zu",
        name, info->begin, info->end, info->end - info->begin,
        dtype->valuestring,
        ldnrt_format_shape(buf, sizeof buf, info->rank, info->shape), nbytes);
  }
  return NULL;
}

static int by_offset(const void *a, const void *b) {
  const st_info *x = *(const st_info *const *)a,
                *y = *(const st_info *const *)b;
  if (x->begin != y->begin)
    return x->begin < y->begin ? -1 : 1;
  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp((*(const st_info *const *)a)->name,
                (*(const st_info *const *)b)->name);
}

/* Names unique; offsets tile [0, data_size) exactly. */
static ldnrt_error *check_layout(st_info *infos, size_t n, uint64_t data_size) {
  st_info **order = malloc((n ? n : 1) * sizeof *order);
  if (!order)
    return ldnrt_error_oom();
  for (size_t i = 0; i < n; ++i)
    order[i] = &infos[i];
  ldnrt_error *err = NULL;
  qsort(order, n, sizeof *order, by_name);
  for (size_t i = 1; i < n && !err; ++i)
    if (strcmp(order[i - 1]->name, order[i]->name) == 0)
      err = ldnrt_errorf(LDNRT_ERROR_FORMAT, "duplicate tensor name '%s'",
                         order[i]->name);
  qsort(order, n, sizeof *order, by_offset);
  uint64_t cursor = 0;
  for (size_t i = 0; i < n && !err; ++i) {
    const st_info *t = order[i];
    if (t->begin < cursor)
      err = ldnrt_errorf(LDNRT_ERROR_FORMAT,
                         "tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64
                         "] overlap tensor '%s' [%" PRIu64 ", %" PRIu64 "]",
                         t->name, t->begin, t->end, order[i - 1]->name,
                         order[i - 1]->begin, order[i - 1]->end);
    else if (t->begin > cursor)
      err = ldnrt_errorf(LDNRT_ERROR_FORMAT,
                         "tensor '%s': data_offsets [%" PRIu64 ", %" PRIu64
                         "] leave a gap after offset %" PRIu64,
                         t->name, t->begin, t->end, cursor);
    cursor = t->end;
  }
  if (!err && cursor != data_size)
    err = ldnrt_errorf(LDNRT_ERROR_FORMAT,
                       "the data section has %" PRIu64
                       " bytes not covered by any tensor",
                       data_size - cursor);
  free(order);
  return err;
}

static ldnrt_error *st_read(ldnrt_source *src, ldnrt_tensor_map **out) {
  unsigned char len_bytes[8];
  if (src->size < 8)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "not a .safetensors file (%" PRIu64
                        " bytes is shorter than the 8-byte header length)",
                        src->size);
  ldnrt_error *err = ldnrt_source_read(src, 0, 8, len_bytes);
  if (err)
    return err;
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i)
    header_len = header_len << 8 | len_bytes[i];
  if (header_len > src->size - 8)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "header length %" PRIu64
                        " exceeds the file size (%" PRIu64 " bytes)",
                        header_len, src->size);
  if (header_len > ST_MAX_HEADER)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "header length %" PRIu64 " exceeds the limit of %u",
                        header_len, ST_MAX_HEADER);
  char *text = malloc((size_t)header_len + 1);
  if (!text)
    return ldnrt_error_oom();
  if ((err = ldnrt_source_read(src, 8, (size_t)header_len, text))) {
    free(text);
    return err;
  }
  text[header_len] = '\0';
  if (header_len == 0 || text[0] != '{') {
    free(text);
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "header is not a JSON object (it must start with "
                        "'{')");
  }
  /* JSON allows no raw control characters; cJSON would skip them. */
  for (uint64_t i = 0; i < header_len; ++i) {
    unsigned char c = (unsigned char)text[i];
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      free(text);
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "header has a control byte (0x%02x) at offset "
                          "%" PRIu64,
                          c, i);
    }
  }
  const char *end = NULL;
  cJSON *root = cJSON_ParseWithLengthOpts(text, (size_t)header_len, &end, 0);
  if (!root) {
    size_t pos = end && end >= text ? (size_t)(end - text) : 0;
    free(text);
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "header is not valid JSON (error near byte %zu)", pos);
  }
  for (const char *p = end; p < text + header_len && !err; ++p)
    if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
      err = ldnrt_errorf(LDNRT_ERROR_FORMAT,
                         "header has unexpected bytes after the JSON object");
  free(text);
  if (!err && !cJSON_IsObject(root))
    err = ldnrt_errorf(LDNRT_ERROR_FORMAT, "header is not a JSON object");
  if (err) {
    cJSON_Delete(root);
    return err;
  }

  uint64_t data_start = 8 + header_len;
  uint64_t data_size = src->size - data_start;
  size_t n = 0;
  const cJSON *item;
  cJSON_ArrayForEach(item, root) {
    if (strcmp(item->string, "__metadata__") != 0)
      ++n;
  }
  st_info *infos = calloc(n ? n : 1, sizeof *infos);
  ldnrt_tensor_map *map = NULL;
  if (!infos)
    err = ldnrt_error_oom();
  size_t i = 0;
  cJSON_ArrayForEach(item, root) {
    if (err)
      break;
    if (strcmp(item->string, "__metadata__") == 0)
      continue;
    err = parse_info(item, data_size, &infos[i++]);
  }
  if (!err)
    err = check_layout(infos, n, data_size);
  if (!err)
    err = ldnrt_tensor_map_create(&map);
  for (i = 0; i < n && !err; ++i) {
    const st_info *info = &infos[i];
    ldnrt_tensor *t = NULL;
    err = ldnrt_tensor_create_uninit(info->dtype, info->rank, info->shape, &t);
    if (!err)
      err = ldnrt_source_read(src, data_start + info->begin,
                              (size_t)(info->end - info->begin), t->data);
    if (!err)
      err = ldnrt_tensor_map_insert(map, info->name, t);
    if (err)
      ldnrt_tensor_free(t);
  }
  free(infos);
  cJSON_Delete(root);
  if (err) {
    ldnrt_tensor_map_free(map);
    return err;
  }
  *out = map;
  return NULL;
}

LDNRT_API ldnrt_error *ldnrt_safetensors_read_memory(const void *data,
                                                     size_t size,
                                                     ldnrt_tensor_map **out) {
  if (!out)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_safetensors_read_memory: out is NULL");
  *out = NULL;
  ldnrt_source src;
  ldnrt_source_memory(&src, data, size);
  return st_read(&src, out);
}

LDNRT_API ldnrt_error *ldnrt_safetensors_read(const char *path,
                                              ldnrt_tensor_map **out) {
  if (!out || !path)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_safetensors_read: %s is NULL",
                        path ? "out" : "path");
  *out = NULL;
  ldnrt_source src;
  ldnrt_error *err = ldnrt_source_open(&src, path);
  if (!err)
    err = st_read(&src, out);
  ldnrt_source_close(&src);
  return ldnrt_error_prefix(err, "%s", path);
}

/* ---- writing ------------------------------------------------------------ */

static const char *dtype_to_st(ldnrt_dtype dtype) {
  switch (dtype) {
  case LDNRT_DTYPE_F32:
    return "F32";
  case LDNRT_DTYPE_F16:
    return "F16";
  case LDNRT_DTYPE_BF16:
    return "BF16";
  case LDNRT_DTYPE_F64:
    return "F64";
  case LDNRT_DTYPE_I32:
    return "I32";
  case LDNRT_DTYPE_I64:
  case LDNRT_DTYPE_INDEX:
    return "I64";
  case LDNRT_DTYPE_I8:
    return "I8";
  case LDNRT_DTYPE_I1:
    return "BOOL";
  }
  return NULL;
}

static int valid_utf8(const unsigned char *s) {
  while (*s) {
    unsigned c = *s++;
    int extra;
    unsigned min;
    if (c < 0x80)
      continue;
    if ((c & 0xe0) == 0xc0) {
      extra = 1, min = 0x80, c &= 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      extra = 2, min = 0x800, c &= 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      extra = 3, min = 0x10000, c &= 0x07;
    } else {
      return 0;
    }
    for (int i = 0; i < extra; ++i, ++s) {
      if ((*s & 0xc0) != 0x80)
        return 0;
      c = c << 6 | (*s & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
      return 0;
  }
  return 1;
}

static void json_string(ldnrt_strbuf *sb, const char *s) {
  ldnrt_strbuf_puts(sb, "\"");
  for (; *s; ++s) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      ldnrt_strbuf_append(sb, esc, 2);
    } else if (c < 0x20) {
      ldnrt_strbuf_printf(sb, "\\u%04x", c);
    } else {
      ldnrt_strbuf_append(sb, (const char *)&c, 1);
    }
  }
  ldnrt_strbuf_puts(sb, "\"");
}

static ldnrt_error *build_header(const ldnrt_tensor_map *map, ldnrt_strbuf *sb,
                                 uint64_t *data_size) {
  size_t n = ldnrt_tensor_map_size(map);
  uint64_t offset = 0;
  ldnrt_strbuf_append(sb, "\0\0\0\0\0\0\0\0", 8); /* length, patched below */
  ldnrt_strbuf_puts(sb, "{");
  for (size_t i = 0; i < n; ++i) {
    const char *name = ldnrt_tensor_map_name(map, i);
    const ldnrt_tensor *t = ldnrt_tensor_map_tensor(map, i);
    const char *dtype = dtype_to_st(t->dtype);
    if (strcmp(name, "__metadata__") == 0)
      return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                          "tensor name '__metadata__' is reserved");
    if (!valid_utf8((const unsigned char *)name))
      return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                          "tensor name '%s' is not valid UTF-8", name);
    if (!dtype)
      return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                          "tensor '%s': invalid dtype", name);
    uint64_t bytes = ldnrt_tensor_size_bytes(t);
    if (i)
      ldnrt_strbuf_puts(sb, ",");
    json_string(sb, name);
    ldnrt_strbuf_printf(sb, ":{\"dtype\":\"%s\",\"shape\":", dtype);
    ldnrt_strbuf_shape(sb, t->rank, t->shape);
    ldnrt_strbuf_printf(sb, ",\"data_offsets\":[%" PRIu64 ",%" PRIu64 "]}",
                        offset, offset + bytes);
    offset += bytes;
  }
  ldnrt_strbuf_puts(sb, "}");
  while ((sb->len - 8) % 8)
    ldnrt_strbuf_puts(sb, " ");
  if (sb->failed)
    return ldnrt_error_oom();
  uint64_t header_len = sb->len - 8;
  for (int i = 0; i < 8; ++i)
    sb->data[i] = (char)(header_len >> (8 * i));
  *data_size = offset;
  return NULL;
}

static ldnrt_error *st_write(const ldnrt_tensor_map *map, const char *path,
                             void **data, size_t *size) {
  if (!map)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT, "map is NULL");
  ldnrt_strbuf header;
  ldnrt_strbuf_init(&header);
  uint64_t data_size = 0;
  ldnrt_error *err = build_header(map, &header, &data_size);
  ldnrt_sink sink;
  if (!err) {
    if (path)
      err = ldnrt_sink_open(&sink, path);
    else if (data_size > SIZE_MAX - header.len)
      err = ldnrt_error_oom();
    else
      err = ldnrt_sink_memory(&sink, header.len + (size_t)data_size);
  }
  if (err) {
    ldnrt_strbuf_free(&header);
    return err;
  }
  ldnrt_sink_write(&sink, header.data, header.len);
  ldnrt_strbuf_free(&header);
  for (size_t i = 0; i < ldnrt_tensor_map_size(map); ++i)
    ldnrt_sink_write_tensor(&sink, ldnrt_tensor_map_tensor(map, i));
  return ldnrt_sink_close(&sink, path, data, size);
}

LDNRT_API ldnrt_error *ldnrt_safetensors_write(const char *path,
                                               const ldnrt_tensor_map *map) {
  if (!path)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_safetensors_write: path is NULL");
  return ldnrt_error_prefix(st_write(map, path, NULL, NULL), "%s", path);
}

LDNRT_API ldnrt_error *
ldnrt_safetensors_write_memory(const ldnrt_tensor_map *map, void **data,
                               size_t *size) {
  if (!data || !size)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_safetensors_write_memory: %s is NULL",
                        data ? "size" : "data");
  *data = NULL;
  *size = 0;
  return st_write(map, NULL, data, size);
}
