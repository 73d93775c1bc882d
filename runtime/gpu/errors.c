/*
 * errors.c - routing mgpu failures to a load scope, a trap or the process
 * slot (see errors.h).
 */
#include "errors.h"
#include "../cpu/trap.h"

#include <pthread.h>
#include <stdio.h>

static _Thread_local ldnrt_gpu_load_scope *current_scope;

static pthread_mutex_t process_lock = PTHREAD_MUTEX_INITIALIZER;
static ldnrt_error *process_error;

void ldnrt_gpu_load_scope_begin(ldnrt_gpu_load_scope *scope) {
  scope->prev = current_scope;
  scope->error = NULL;
  current_scope = scope;
}

ldnrt_error *ldnrt_gpu_load_scope_end(ldnrt_gpu_load_scope *scope) {
  current_scope = scope->prev;
  ldnrt_error *error = scope->error;
  scope->error = NULL;
  return error;
}

/* Keeps `error` in the innermost load scope, else in the process slot,
 * unless one is already kept there. */
static void keep(ldnrt_error *error) {
  ldnrt_gpu_load_scope *scope = current_scope;
  if (scope) {
    if (!scope->error)
      scope->error = error;
    else
      ldnrt_error_free(error);
    return;
  }
  pthread_mutex_lock(&process_lock);
  if (!process_error) {
    process_error = error;
    error = NULL;
  }
  pthread_mutex_unlock(&process_lock);
  ldnrt_error_free(error);
}

void ldnrt_gpu_fail(ldnrt_error_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  /* A load scope wins over an enclosing call: longjmp'ing out of a global
   * constructor would leave the dynamic loader's lock held. */
  if (!current_scope && ldnrt_current_trap_frame()) {
    char message[1024];
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    ldnrt_trap_with_code(code, message);
  }
  keep(ldnrt_verrorf(code, fmt, ap));
  va_end(ap);
}

void ldnrt_gpu_record(ldnrt_error_code code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  keep(ldnrt_verrorf(code, fmt, ap));
  va_end(ap);
}

LDNRT_API ldnrt_error *ldnrt_take_gpu_error(void) {
  pthread_mutex_lock(&process_lock);
  ldnrt_error *error = process_error;
  process_error = NULL;
  pthread_mutex_unlock(&process_lock);
  return error;
}
