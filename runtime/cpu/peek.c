/*
 * peek.c - which backend an artifact needs, without loading it.
 *
 * Loading runs the artifact's constructors, and a GPU artifact's load its
 * device modules, so a tool must know the backend before it loads. The
 * manifest is embedded verbatim as a string constant; ldn-compile prints it
 * with sorted keys and escaped strings, so the first `"target":"` after the
 * manifest's opening `{"abi":` is the target key itself (any quote inside a
 * value, e.g. in the embedded source, is escaped as \").
 */
#include "../core/internal.h"
#include "ldnrt/ldnrt.h"

/* memmem needs _GNU_SOURCE, which the build defines. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char kManifestStart[] = "{\"abi\":";
static const char kTargetKey[] = "\"target\":\"";

ldnrt_error *ldnrt_artifact_peek_backend(const char *path,
                                         ldnrt_backend *out) {
  if (!path || !out)
    return ldnrt_errorf(LDNRT_ERROR_INVALID_ARGUMENT,
                        "ldnrt_artifact_peek_backend: NULL argument");
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return ldnrt_errorf(LDNRT_ERROR_IO, "%s: cannot open: %s", path,
                        strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size == 0) {
    close(fd);
    return ldnrt_errorf(LDNRT_ERROR_FORMAT, "%s: not an artifact file",
                        path);
  }
  size_t size = (size_t)st.st_size;
  void *map = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED)
    return ldnrt_errorf(LDNRT_ERROR_IO, "%s: cannot map: %s", path,
                        strerror(errno));

  const char *bytes = map;
  ldnrt_error *error = NULL;
  if (size < 4 || memcmp(bytes, "\177ELF", 4) != 0) {
    munmap(map, size);
    return ldnrt_errorf(LDNRT_ERROR_FORMAT,
                        "%s: cannot load as a shared library (not an ELF "
                        "file)",
                        path);
  }
  const char *manifest =
      memmem(bytes, size, kManifestStart, sizeof kManifestStart - 1);
  const char *key =
      manifest ? memmem(manifest, size - (size_t)(manifest - bytes),
                        kTargetKey, sizeof kTargetKey - 1)
               : NULL;
  if (!manifest) {
    error = ldnrt_errorf(LDNRT_ERROR_FORMAT,
                         "%s: no ldn manifest (not compiled by ldn-compile?)",
                         path);
  } else if (!key) {
    *out = LDNRT_BACKEND_CPU; /* manifests before targets were recorded */
  } else {
    const char *value = key + sizeof kTargetKey - 1;
    size_t left = size - (size_t)(value - bytes);
    if (left >= 4 && memcmp(value, "cpu\"", 4) == 0)
      *out = LDNRT_BACKEND_CPU;
    else if (left >= 5 && memcmp(value, "cuda\"", 5) == 0)
      *out = LDNRT_BACKEND_CUDA;
    else if (left >= 4 && memcmp(value, "emu\"", 4) == 0)
      *out = LDNRT_BACKEND_EMU;
    else
      error = ldnrt_errorf(LDNRT_ERROR_FORMAT,
                           "%s: unknown target in the manifest", path);
  }
  munmap(map, size);
  return error;
}
