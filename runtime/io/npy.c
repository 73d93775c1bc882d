/*
 * npy.c - NumPy .npy files (format versions 1.0, 2.0, 3.0).
 *
 * Layout: "\x93NUMPY", major, minor, header length (uint16 LE for 1.0,
 * uint32 LE for 2.0/3.0), then a Python dict literal such as
 *     {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 * padded with spaces and ended by '\n', then the raw data. The dict is read
 * by the small parser below (it is Python, not JSON); it accepts exactly the
 * three keys NumPy writes, in any order.
 */
#include "io_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* NumPy itself refuses headers above 10000 bytes by default. */
#define NPY_MAX_HEADER (1u << 20)
#define NPY_MAX_STRING 64

static const unsigned char npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

static const struct {
  const char *descr;
  ldnrt_dtype dtype;
} npy_dtypes[] = {
    {"<f4", LDNRT_DTYPE_F32}, {"<f2", LDNRT_DTYPE_F16},
    {"<f8", LDNRT_DTYPE_F64}, {"<i4", LDNRT_DTYPE_I32},
    {"<i8", LDNRT_DTYPE_I64}, {"|i1", LDNRT_DTYPE_I8},
    {"|b1", LDNRT_DTYPE_I1},
};
#define NPY_SUPPORTED "<f4 <f2 <f8 <i4 <i8 |i1 |b1"

/* ---- the header dict ---------------------------------------------------- */

typedef struct cursor {
  const char *p;
  const char *end;
} cursor;

typedef struct npy_header {
  char descr[NPY_MAX_STRING + 1];
  int fortran_order;
  size_t rank;
  int64_t shape[LDNRT_MAX_RANK];
} npy_header;

static ldnrt_error *header_error(const char *fmt, const char *detail) {
  return ldnrt_errorf(LDNRT_ERROR_FORMAT, fmt, detail);
}

static void skip_ws(cursor *c) {
  while (c->p < c->end &&
         (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
    ++c->p;
}

static int at(cursor *c, char ch) { return c->p < c->end && *c->p == ch; }

static ldnrt_error *expect(cursor *c, char ch, const char *context) {
  skip_ws(c);
  if (!at(c, ch)) {
    return ldnrt_errorf(LDNRT_ERROR_FORMAT, "bad header dict: expected '%c' %s",
                        ch, context);
  }
  ++c->p;
  return NULL;
}

/* A quoted string without escapes (NumPy never writes any). */
static ldnrt_error *parse_string(cursor *c, char *buf) {
  skip_ws(c);
  if (!at(c, '\'') && !at(c, '"'))
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "bad header dict: expected a string");
  char quote = *c->p++;
  size_t n = 0;
  while (c->p < c->end && *c->p != quote) {
    unsigned char ch = (unsigned char)*c->p;
    if (ch == '\n' || ch == '\r')
      break; /* strings do not span lines: unterminated */
    if (ch == '\\' || ch < 0x20)
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "bad header dict: unsupported character in a "
                          "string");
    if (n == NPY_MAX_STRING)
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "bad header dict: string longer than 64 "
                          "characters");
    buf[n++] = (char)ch;
    ++c->p;
  }
  if (!at(c, quote))
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "bad header dict: unterminated string");
  ++c->p;
  buf[n] = '\0';
  return NULL;
}

static int match_word(cursor *c, const char *word) {
  size_t n = strlen(word);
  if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
    return 0;
  /* Not a prefix of a longer identifier. */
  if ((size_t)(c->end - c->p) > n) {
    char next = c->p[n];
    if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
        (next >= '0' && next <= '9') || next == '_')
      return 0;
  }
  c->p += n;
  return 1;
}

static ldnrt_error *parse_bool(cursor *c, int *out) {
  skip_ws(c);
  if (match_word(c, "True"))
    *out = 1;
  else if (match_word(c, "False"))
    *out = 0;
  else
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "bad header dict: 'fortran_order' must be True or "
                        "False");
  return NULL;
}

static ldnrt_error *parse_dim(cursor *c, int64_t *out) {
  skip_ws(c);
  if (at(c, '-'))
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "bad header dict: 'shape' has a negative "
                        "dimension");
  if (!(c->p < c->end && *c->p >= '0' && *c->p <= '9'))
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "bad header dict: 'shape' must be a tuple of "
                        "integers");
  int64_t v = 0;
  while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
    if (__builtin_mul_overflow(v, 10, &v) ||
        __builtin_add_overflow(v, *c->p - '0', &v))
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "bad header dict: 'shape' has a dimension that "
                          "does not fit in 64 bits");
    ++c->p;
  }
  if (at(c, 'L') || at(c, 'l')) /* Python 2 long literal */
    ++c->p;
  *out = v;
  return NULL;
}

/* "()", "(3,)", "(2, 3)", "(2, 3,)". */
static ldnrt_error *parse_shape(cursor *c, npy_header *h) {
  skip_ws(c);
  if (!at(c, '('))
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "bad header dict: 'shape' must be a tuple");
  ++c->p;
  h->rank = 0;
  skip_ws(c);
  if (at(c, ')')) {
    ++c->p;
    return NULL;
  }
  for (;;) {
    if (h->rank == LDNRT_MAX_RANK)
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "bad header dict: 'shape' has more than %d "
                          "dimensions",
                          LDNRT_MAX_RANK);
    ldnrt_error *err = parse_dim(c, &h->shape[h->rank++]);
    if (err)
      return err;
    skip_ws(c);
    if (at(c, ')')) {
      if (h->rank == 1) /* "(3)" is an int in Python, not a tuple */
        return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                            "bad header dict: 'shape' must be a tuple");
      ++c->p;
      return NULL;
    }
    if (!at(c, ','))
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "bad header dict: expected ',' or ')' in "
                          "'shape'");
    ++c->p;
    skip_ws(c);
    if (at(c, ')')) {
      ++c->p;
      return NULL;
    }
  }
}

static ldnrt_error *parse_header(const char *text, size_t len, npy_header *h) {
  cursor c = {text, text + len};
  enum { DESCR = 1, FORTRAN = 2, SHAPE = 4 };
  unsigned seen = 0;
  memset(h, 0, sizeof *h);
  ldnrt_error *err = expect(&c, '{', "at the start of the header");
  if (err)
    return err;
  for (;;) {
    skip_ws(&c);
    if (at(&c, '}')) {
      ++c.p;
      break;
    }
    char key[NPY_MAX_STRING + 1];
    if ((err = parse_string(&c, key)) || (err = expect(&c, ':', "after a key")))
      return err;
    unsigned bit = strcmp(key, "descr") == 0           ? DESCR
                   : strcmp(key, "fortran_order") == 0 ? FORTRAN
                   : strcmp(key, "shape") == 0         ? SHAPE
                                                       : 0;
    if (!bit)
      return header_error("bad header dict: unexpected key '%s' (expected "
                          "descr, fortran_order, shape)",
                          key);
    if (seen & bit)
      return header_error("bad header dict: duplicate key '%s'", key);
    seen |= bit;
    if (bit == DESCR) {
      skip_ws(&c);
      if (at(&c, '['))
        return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                            "structured dtypes are not supported");
      err = parse_string(&c, h->descr);
    } else if (bit == FORTRAN) {
      err = parse_bool(&c, &h->fortran_order);
    } else {
      err = parse_shape(&c, h);
    }
    if (err)
      return err;
    skip_ws(&c);
    if (at(&c, ','))
      ++c.p;
    else if (!at(&c, '}'))
      return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                          "bad header dict: expected ',' or '}'");
  }
  skip_ws(&c);
  if (c.p != c.end)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "bad header dict: unexpected text after '}'");
  if (!(seen & DESCR))
    return header_error("bad header dict: missing key '%s'", "descr");
  if (!(seen & FORTRAN))
    return header_error("bad header dict: missing key '%s'", "fortran_order");
  if (!(seen & SHAPE))
    return header_error("bad header dict: missing key '%s'", "shape");
  return NULL;
}

static ldnrt_error *descr_to_dtype(const char *descr, ldnrt_dtype *out) {
  for (size_t i = 0; i < sizeof npy_dtypes / sizeof npy_dtypes[0]; ++i) {
    if (strcmp(descr, npy_dtypes[i].descr) == 0) {
      *out = npy_dtypes[i].dtype;
      return NULL;
    }
  }
  if (descr[0] == '>')
    return ldnrt_errorf(
        LDNRT_ERROR_UNSUPPORTED,
        "big-endian dtype '%s' is not supported (supported: " NPY_SUPPORTED ")",
        descr);
  return ldnrt_errorf(LDNRT_ERROR_UNSUPPORTED,
                      "unsupported dtype '%s' (supported: " NPY_SUPPORTED
                      "; bf16 has no .npy dtype)",
                      descr);
}

/* ---- reading ------------------------------------------------------------ */

static ldnrt_error *npy_read(ldnrt_source *src, ldnrt_tensor **out) {
  unsigned char pre[12];
  if (src->size < 10)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "not an .npy file (%" PRIu64 " bytes is too short)",
                        src->size);
  ldnrt_error *err = ldnrt_source_read(src, 0, 10, pre);
  if (err)
    return err;
  if (memcmp(pre, npy_magic, sizeof npy_magic) != 0)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT, "not an .npy file (bad magic)");
  unsigned major = pre[6], minor = pre[7];
  if (major < 1 || major > 3 || minor != 0)
    return ldnrt_errorf(LDNRT_ERROR_UNSUPPORTED,
                        "unsupported .npy format version %u.%u (supported: "
                        "1.0, 2.0, 3.0)",
                        major, minor);
  uint64_t header_start, header_len;
  if (major == 1) {
    header_start = 10;
    header_len = (uint64_t)pre[8] | (uint64_t)pre[9] << 8;
  } else {
    if ((err = ldnrt_source_read(src, 0, 12, pre)))
      return err;
    header_start = 12;
    header_len = (uint64_t)pre[8] | (uint64_t)pre[9] << 8 |
                 (uint64_t)pre[10] << 16 | (uint64_t)pre[11] << 24;
  }
  if (header_len > src->size - header_start)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "header length %" PRIu64
                        " exceeds the file size (%" PRIu64 " bytes)",
                        header_len, src->size);
  if (header_len > NPY_MAX_HEADER)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "header length %" PRIu64 " exceeds the limit of %u",
                        header_len, NPY_MAX_HEADER);
  char *text = malloc((size_t)header_len + 1);
  if (!text)
    return ldnrt_error_oom();
  err = ldnrt_source_read(src, header_start, (size_t)header_len, text);
  npy_header h;
  if (!err)
    err = parse_header(text, (size_t)header_len, &h);
  free(text);
  if (err)
    return err;

  ldnrt_dtype dtype = LDNRT_DTYPE_F32;
  if ((err = descr_to_dtype(h.descr, &dtype)))
    return err;
  size_t nbytes;
  if ((err = ldnrt_check_shape("array", h.rank, h.shape,
                               ldnrt_dtype_size(dtype), NULL, &nbytes))) {
    /* Re-tag: a bad shape in a file is a format error. */
    ldnrt_error *tagged =
        ldnrt_errorf(LDNRT_ERROR_FORMAT, "%s", ldnrt_error_message(err));
    ldnrt_error_free(err);
    return tagged;
  }
  uint64_t data_start = header_start + header_len;
  uint64_t available = src->size - data_start;
  if (available < nbytes)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "truncated data: shape needs %zu bytes, the file has "
                        "%" PRIu64,
                        nbytes, available);
  if (available > nbytes)
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "%" PRIu64 " unexpected bytes after the array data",
                        available - nbytes);

  ldnrt_tensor *t = NULL;
  if ((err = ldnrt_tensor_create_uninit(dtype, h.rank, h.shape, &t)))
    return err;
  if ((err = ldnrt_source_read(src, data_start, nbytes, t->data))) {
    ldnrt_tensor_free(t);
    return err;
  }
  if (h.fortran_order && h.rank > 1 && nbytes > 0) {
    /* Column-major data: view it with column-major strides, copy out. The
     * tensor is non-empty, so the products of its dimensions fit. */
    int64_t strides[LDNRT_MAX_RANK];
    int64_t s = 1;
    for (size_t i = 0; i < h.rank; ++i) {
      strides[i] = s;
      s *= h.shape[i];
    }
    ldnrt_tensor *row_major = NULL;
    if ((err =
             ldnrt_tensor_create_uninit(dtype, h.rank, h.shape, &row_major))) {
      ldnrt_tensor_free(t);
      return err;
    }
    ldnrt_copy_strided(row_major->data, t->data, h.rank, h.shape, strides,
                       ldnrt_dtype_size(dtype));
    ldnrt_tensor_free(t);
    t = row_major;
  }
  *out = t;
  return NULL;
}

LDNRT_API ldnrt_error *ldnrt_npy_read_memory(const void *data, size_t size,
                                             ldnrt_tensor **out) {
  if (!out)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_npy_read_memory: out is NULL");
  *out = NULL;
  ldnrt_source src;
  ldnrt_source_memory(&src, data, size);
  return npy_read(&src, out);
}

LDNRT_API ldnrt_error *ldnrt_npy_read(const char *path, ldnrt_tensor **out) {
  if (!out || !path)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_npy_read: %s is NULL", path ? "out" : "path");
  *out = NULL;
  ldnrt_source src;
  ldnrt_error *err = ldnrt_source_open(&src, path);
  if (!err)
    err = npy_read(&src, out);
  ldnrt_source_close(&src);
  return ldnrt_error_prefix(err, "%s", path);
}

/* ---- writing ------------------------------------------------------------ */

static const char *dtype_to_descr(ldnrt_dtype dtype) {
  switch (dtype) {
  case LDNRT_DTYPE_F32:
    return "<f4";
  case LDNRT_DTYPE_F16:
    return "<f2";
  case LDNRT_DTYPE_F64:
    return "<f8";
  case LDNRT_DTYPE_I32:
    return "<i4";
  case LDNRT_DTYPE_I64:
  case LDNRT_DTYPE_INDEX:
    return "<i8";
  case LDNRT_DTYPE_I8:
    return "|i1";
  case LDNRT_DTYPE_I1:
    return "|b1";
  case LDNRT_DTYPE_BF16:
    break;
  }
  return NULL;
}

/* Builds magic + version + length + padded dict; returns its size. */
static ldnrt_error *build_header(const ldnrt_tensor *t, ldnrt_strbuf *out) {
  const char *descr = dtype_to_descr(t->dtype);
  if (!descr)
    return ldnrt_errorf(LDNRT_ERROR_UNSUPPORTED,
                        "dtype %s has no .npy equivalent (write it as "
                        ".safetensors)",
                        ldnrt_dtype_name(t->dtype));
  ldnrt_strbuf dict;
  ldnrt_strbuf_init(&dict);
  ldnrt_strbuf_printf(&dict,
                      "{'descr': '%s', 'fortran_order': False, "
                      "'shape': (",
                      descr);
  for (size_t i = 0; i < t->rank; ++i)
    ldnrt_strbuf_printf(&dict, i ? ", %" PRId64 : "%" PRId64, t->shape[i]);
  ldnrt_strbuf_puts(&dict, t->rank == 1 ? ",), }" : "), }");
  if (dict.failed) {
    ldnrt_strbuf_free(&dict);
    return ldnrt_error_oom();
  }
  /* Pad so that the data starts at a multiple of 64; end with '\n'. */
  size_t prefix = 10;
  size_t total = (prefix + dict.len + 1 + 63) / 64 * 64;
  if (total - prefix > 0xffff) {
    prefix = 12;
    total = (prefix + dict.len + 1 + 63) / 64 * 64;
  }
  size_t header_len = total - prefix;
  unsigned char pre[12];
  memcpy(pre, npy_magic, 6);
  pre[6] = prefix == 10 ? 1 : 2;
  pre[7] = 0;
  for (size_t i = 0; i < prefix - 8; ++i)
    pre[8 + i] = (unsigned char)(header_len >> (8 * i));
  ldnrt_strbuf_append(out, (const char *)pre, prefix);
  ldnrt_strbuf_append(out, dict.data, dict.len);
  for (size_t i = prefix + dict.len; i + 1 < total; ++i)
    ldnrt_strbuf_append(out, " ", 1);
  ldnrt_strbuf_append(out, "\n", 1);
  ldnrt_strbuf_free(&dict);
  return out->failed ? ldnrt_error_oom() : NULL;
}

static ldnrt_error *npy_write(const ldnrt_tensor *t, const char *path,
                              void **data, size_t *size) {
  if (!t)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT, "tensor is NULL");
  ldnrt_strbuf header;
  ldnrt_strbuf_init(&header);
  ldnrt_error *err = build_header(t, &header);
  if (err) {
    ldnrt_strbuf_free(&header);
    return err;
  }
  size_t nbytes = ldnrt_tensor_size_bytes(t);
  ldnrt_sink sink;
  if (path) {
    err = ldnrt_sink_open(&sink, path);
  } else if (nbytes > SIZE_MAX - header.len) {
    err = ldnrt_error_oom();
  } else {
    err = ldnrt_sink_memory(&sink, header.len + nbytes);
  }
  if (err) {
    ldnrt_strbuf_free(&header);
    return err;
  }
  ldnrt_sink_write(&sink, header.data, header.len);
  ldnrt_strbuf_free(&header);
  ldnrt_sink_write_tensor(&sink, t);
  return ldnrt_sink_close(&sink, path, data, size);
}

LDNRT_API ldnrt_error *ldnrt_npy_write(const char *path,
                                       const ldnrt_tensor *tensor) {
  if (!path)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_npy_write: path is NULL");
  return ldnrt_error_prefix(npy_write(tensor, path, NULL, NULL), "%s", path);
}

LDNRT_API ldnrt_error *ldnrt_npy_write_memory(const ldnrt_tensor *tensor,
                                              void **data, size_t *size) {
  if (!data || !size)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_npy_write_memory: %s is NULL",
                        data ? "size" : "data");
  *data = NULL;
  *size = 0;
  return npy_write(tensor, NULL, data, size);
}
