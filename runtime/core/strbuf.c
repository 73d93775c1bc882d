/*
 * strbuf.c - a growable string for messages and file headers.
 */
#include "internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ldnrt_strbuf_init(ldnrt_strbuf *sb) {
  sb->data = NULL;
  sb->len = 0;
  sb->cap = 0;
  sb->failed = 0;
}

void ldnrt_strbuf_free(ldnrt_strbuf *sb) {
  free(sb->data);
  ldnrt_strbuf_init(sb);
}

static int reserve(ldnrt_strbuf *sb, size_t extra) {
  if (sb->failed)
    return 0;
  if (extra > SIZE_MAX - sb->len - 1) {
    sb->failed = 1;
    return 0;
  }
  size_t need = sb->len + extra + 1;
  if (need <= sb->cap)
    return 1;
  size_t cap = sb->cap ? sb->cap : 64;
  while (cap < need)
    cap = cap > SIZE_MAX / 2 ? need : cap * 2;
  char *data = realloc(sb->data, cap);
  if (!data) {
    sb->failed = 1;
    return 0;
  }
  sb->data = data;
  sb->cap = cap;
  return 1;
}

void ldnrt_strbuf_append(ldnrt_strbuf *sb, const char *data, size_t n) {
  if (!reserve(sb, n))
    return;
  if (n)
    memcpy(sb->data + sb->len, data, n);
  sb->len += n;
  sb->data[sb->len] = '\0';
}

void ldnrt_strbuf_puts(ldnrt_strbuf *sb, const char *s) {
  ldnrt_strbuf_append(sb, s, strlen(s));
}

void ldnrt_strbuf_printf(ldnrt_strbuf *sb, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ldnrt_strbuf_vprintf(sb, fmt, ap);
  va_end(ap);
}

void ldnrt_strbuf_vprintf(ldnrt_strbuf *sb, const char *fmt, va_list ap) {
  char small[256];
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(small, sizeof small, fmt, copy);
  va_end(copy);
  if (n < 0) {
    sb->failed = 1;
  } else if ((size_t)n < sizeof small) {
    ldnrt_strbuf_append(sb, small, (size_t)n);
  } else if (reserve(sb, (size_t)n)) {
    vsnprintf(sb->data + sb->len, (size_t)n + 1, fmt, ap);
    sb->len += (size_t)n;
  }
}

void ldnrt_strbuf_shape(ldnrt_strbuf *sb, size_t rank, const int64_t *shape) {
  ldnrt_strbuf_puts(sb, "[");
  for (size_t i = 0; i < rank; ++i)
    ldnrt_strbuf_printf(sb, i ? ", %" PRId64 : "%" PRId64, shape[i]);
  ldnrt_strbuf_puts(sb, "]");
}

const char *ldnrt_format_shape(char *buf, size_t size, size_t rank,
                               const int64_t *shape) {
  ldnrt_strbuf sb;
  ldnrt_strbuf_init(&sb);
  ldnrt_strbuf_shape(&sb, rank, shape);
  if (sb.failed || !sb.data) {
    snprintf(buf, size, "[...]");
  } else if (sb.len < size) {
    memcpy(buf, sb.data, sb.len + 1);
  } else if (size >= 5) {
    memcpy(buf, sb.data, size - 5);
    memcpy(buf + size - 5, "...]", 5);
  } else if (size) {
    buf[0] = '\0';
  }
  ldnrt_strbuf_free(&sb);
  return buf;
}

char *ldnrt_strdup(const char *s) {
  size_t n = strlen(s) + 1;
  char *d = malloc(n);
  if (d)
    memcpy(d, s, n);
  return d;
}
