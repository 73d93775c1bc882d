/*
 * bf16.c - the f32 -> bf16 conversion that compiled code may call.
 *
 * On x86 CPUs without AVX512-BF16, LLVM lowers `fptrunc float to bfloat`
 * (and bf16 stores) to a call of `__truncsfbf2`. GCC 13's libgcc has it;
 * GCC 12's (Debian 12) does not, so an artifact with bf16 results would not
 * load. The runtime exports it, and artifacts (and the emulator's kernel
 * objects) resolve it here.
 */
#include "internal.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
/* The x86-64 ABI returns a bf16 like a _Float16: its 16 bits in the low
 * half of xmm0. GCC 12 has no __bf16 type, so the bits travel as _Float16. */
LDNRT_API _Float16 __truncsfbf2(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  uint16_t half;
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    half = (uint16_t)((bits >> 16) | 0x0040u); /* NaN stays a (quiet) NaN */
  else /* round to nearest, ties to even */
    half = (uint16_t)((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
  _Float16 result;
  memcpy(&result, &half, sizeof result);
  return result;
}
#endif
