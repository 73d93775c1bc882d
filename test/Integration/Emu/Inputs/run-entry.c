/*
 * run-entry.c - calls one entry point of an artifact in an emulator
 * context and prints its results; built by the tests that use it.
 *
 *   run-entry ARTIFACT ENTRY [REPEATS]
 *
 * Every argument is a tensor of the manifest's (static) shape filled with
 * 1.0 (f32 arguments only). Each result element is printed as
 * "<result>[<index>] = <value>". With REPEATS, the entry is called that many
 * times more and the fastest call is printed in milliseconds. On an error,
 * prints "error: <message>" and exits with 1.
 */
#include "ldnrt/ldnrt.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int fail(ldnrt_error *err) {
  fprintf(stderr, "error: %s\n", ldnrt_error_message(err));
  ldnrt_error_free(err);
  return 1;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s ARTIFACT ENTRY [REPEATS]\n", argv[0]);
    return 2;
  }
  int repeats = argc > 3 ? atoi(argv[3]) : 0;
  ldnrt_context *context;
  ldnrt_artifact *artifact;
  ldnrt_error *err;
  if ((err = ldnrt_context_create(LDNRT_BACKEND_EMU, &context)))
    return fail(err);
  if ((err = ldnrt_artifact_load(context, argv[1], &artifact)))
    return fail(err);
  const ldnrt_entry *entry = ldnrt_artifact_find_entry(artifact, argv[2]);
  if (!entry) {
    fprintf(stderr, "error: no entry point %s\n", argv[2]);
    return 1;
  }
  size_t n = ldnrt_entry_num_args(entry), m = ldnrt_entry_num_results(entry);
  ldnrt_tensor *inputs[16] = {0}, *outputs[16] = {0};
  if (n > 16 || m > 16)
    return 2;
  for (size_t i = 0; i < n; ++i) {
    const ldnrt_value_info *info = ldnrt_entry_arg(entry, i);
    if ((err = ldnrt_tensor_create(info->dtype, info->rank, info->shape,
                                   &inputs[i])))
      return fail(err);
    float *data = ldnrt_tensor_data(inputs[i]);
    for (int64_t k = 0; k < ldnrt_tensor_num_elements(inputs[i]); ++k)
      data[k] = 1.0f;
  }
  if ((err = ldnrt_invoke_entry(artifact, entry,
                                (const ldnrt_tensor *const *)inputs, n,
                                outputs, m)))
    return fail(err);
  for (size_t i = 0; i < m; ++i) {
    const float *data = ldnrt_tensor_data(outputs[i]);
    for (int64_t k = 0; k < ldnrt_tensor_num_elements(outputs[i]); ++k)
      printf("%s[%lld] = %g\n", ldnrt_entry_result(entry, i)->name,
             (long long)k, data[k]);
  }
  double best = 0;
  for (int r = 0; r < repeats; ++r) {
    for (size_t i = 0; i < m; ++i)
      ldnrt_tensor_free(outputs[i]);
    double start = now_ms();
    if ((err = ldnrt_invoke_entry(artifact, entry,
                                  (const ldnrt_tensor *const *)inputs, n,
                                  outputs, m)))
      return fail(err);
    double elapsed = now_ms() - start;
    if (r == 0 || elapsed < best)
      best = elapsed;
  }
  if (repeats)
    printf("fastest call: %.3f ms\n", best);
  for (size_t i = 0; i < m; ++i)
    ldnrt_tensor_free(outputs[i]);
  for (size_t i = 0; i < n; ++i)
    ldnrt_tensor_free(inputs[i]);
  ldnrt_artifact_free(artifact);
  ldnrt_context_free(context);
  return 0;
}
