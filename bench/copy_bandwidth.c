/*
 * copy_bandwidth.c - this machine's copy bandwidth, the yardstick of bench/.
 *
 * A STREAM-like copy (a[i] = b[i]) over buffers much larger than the last
 * level cache, touched once beforehand so page faults are not measured.
 * Bytes moved count the read and the write: 2 * size per copy. Prints the
 * median and best of the repeats in GB/s.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv) {
  size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 256;
  int repeats = argc > 2 ? atoi(argv[2]) : 11;
  if (mib == 0 || repeats < 1 || repeats > 1000) {
    fprintf(stderr, "usage: %s [MiB per buffer, default 256] [repeats]\n",
            argv[0]);
    return 1;
  }
  size_t n = mib * 1024 * 1024 / sizeof(float);
  float *a = malloc(n * sizeof(float)), *b = malloc(n * sizeof(float));
  double *seconds = malloc(repeats * sizeof(double));
  if (!a || !b || !seconds) {
    fprintf(stderr, "copy_bandwidth: out of memory for 2 x %zu MiB\n", mib);
    return 1;
  }
  for (size_t i = 0; i < n; ++i) {
    a[i] = 0.0f;
    b[i] = (float)i;
  }
  for (int r = 0; r < repeats; ++r) {
    double start = now();
    /* A plain loop (not memcpy), like the code the compiler emits. */
    for (size_t i = 0; i < n; ++i)
      a[i] = b[i];
    seconds[r] = now() - start;
    __asm__ volatile("" : : "r"(a) : "memory");
  }
  qsort(seconds, repeats, sizeof(double), compare);
  double bytes = 2.0 * n * sizeof(float);
  printf("copy bandwidth: %.2f GB/s median, %.2f GB/s best (%zu MiB buffers, "
         "%d repeats, check %g)\n",
         bytes / seconds[repeats / 2] / 1e9, bytes / seconds[0] / 1e9, mib,
         repeats, (double)a[n - 1]);
  free(a);
  free(b);
  free(seconds);
  return 0;
}
