/*
 * error.c - errors as values.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ldnrt_error {
  ldnrt_error_code code;
  int is_static;
  const char *message;
};

static ldnrt_error oom_error = {LDNRT_ERROR_OUT_OF_MEMORY, 1, "out of memory"};

ldnrt_error *ldnrt_error_oom(void) { return &oom_error; }

static ldnrt_error *make_error(ldnrt_error_code code, const char *message,
                               size_t len) {
  ldnrt_error *error = malloc(sizeof(ldnrt_error) + len + 1);
  if (!error)
    return &oom_error;
  char *text = (char *)(error + 1);
  memcpy(text, message, len);
  text[len] = '\0';
  error->code = code;
  error->is_static = 0;
  error->message = text;
  return error;
}

ldnrt_error *ldnrt_verrorf(ldnrt_error_code code, const char *fmt, va_list ap) {
  char small[512];
  va_list copy;
  va_copy(copy, ap);
  int n = vsnprintf(small, sizeof small, fmt, copy);
  va_end(copy);
  if (n < 0)
    return make_error(code, fmt, strlen(fmt));
  if ((size_t)n < sizeof small)
    return make_error(code, small, (size_t)n);
  char *big = malloc((size_t)n + 1);
  if (!big)
    return &oom_error;
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  ldnrt_error *error = make_error(code, big, (size_t)n);
  free(big);
  return error;
}

ldnrt_error *ldnrt_errorf(ldnrt_error_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  ldnrt_error *error = ldnrt_verrorf(code, fmt, ap);
  va_end(ap);
  return error;
}

ldnrt_error *ldnrt_error_prefix(ldnrt_error *error, const char *fmt, ...) {
  if (!error || error->is_static)
    return error;
  ldnrt_strbuf sb;
  ldnrt_strbuf_init(&sb);
  va_list ap;
  va_start(ap, fmt);
  ldnrt_strbuf_vprintf(&sb, fmt, ap);
  va_end(ap);
  ldnrt_strbuf_puts(&sb, ": ");
  ldnrt_strbuf_puts(&sb, error->message);
  if (sb.failed) {
    ldnrt_strbuf_free(&sb);
    return error; /* keep the unprefixed message rather than lose it */
  }
  ldnrt_error *prefixed = make_error(error->code, sb.data, sb.len);
  ldnrt_strbuf_free(&sb);
  if (prefixed->is_static)
    return error;
  ldnrt_error_free(error);
  return prefixed;
}

LDNRT_API const char *ldnrt_error_message(const ldnrt_error *error) {
  return error ? error->message : "success";
}

LDNRT_API ldnrt_error_code ldnrt_error_get_code(const ldnrt_error *error) {
  return error ? error->code : (ldnrt_error_code)0;
}

LDNRT_API void ldnrt_error_free(ldnrt_error *error) {
  if (error && !error->is_static)
    free(error);
}

LDNRT_API void ldnrt_free(void *buffer) { free(buffer); }
