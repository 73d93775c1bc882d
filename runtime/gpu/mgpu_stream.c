/*
 * mgpu_stream.c - streams and events.
 *
 * mgpuStreamCreate and mgpuEventCreate take no module, so their handles go
 * to the current backend (dispatch.h): the one of the artifact being called
 * on this thread. A NULL stream is the backend's default stream.
 */
#include "calls.h"
#include "dispatch.h"
#include "errors.h"
#include "mgpu.h"

#include <stdlib.h>

/* Reports that `backend` lacks an operation; returns 0. */
static int unsupported(const ldnrt_gpu_backend *backend, const char *what) {
  ldnrt_gpu_fail(LDNRT_ERROR_UNSUPPORTED, "the %s backend does not support %s",
                 backend->label, what);
  return 0;
}

/* The current backend, ready for use, or NULL (reported). */
static const ldnrt_gpu_backend *current_ready(void) {
  const ldnrt_gpu_backend *b = ldnrt_gpu_current_backend();
  if (!b) {
    ldnrt_gpu_fail(LDNRT_ERROR_UNSUPPORTED, "no GPU backend is available");
    return NULL;
  }
  return ldnrt_gpu_ready(b) ? b : NULL;
}

/* A new handle for `native`, tied to the running call; on failure destroys
 * `native`. */
static ldnrt_gpu_handle *wrap(const ldnrt_gpu_backend *b, void *native,
                              int is_event) {
  ldnrt_gpu_handle *h = malloc(sizeof *h);
  if (!h) {
    (is_event ? b->event_destroy : b->stream_destroy)(native);
    ldnrt_gpu_fail(LDNRT_ERROR_OUT_OF_MEMORY, "out of memory creating a %s %s",
                   b->label, is_event ? "event" : "stream");
    return NULL;
  }
  h->backend = b;
  h->native = native;
  h->is_event = is_event;
  ldnrt_gpu_call_adopt(ldnrt_gpu_current_call(), h);
  return h;
}

LDNRT_API void *mgpuStreamCreate(void) {
  const ldnrt_gpu_backend *b = current_ready();
  if (!b)
    return NULL;
  if (!b->stream_create || !b->stream_destroy)
    return unsupported(b, "streams"), NULL;
  void *native = NULL;
  const char *why = b->stream_create(&native);
  if (why) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "%s stream creation failed: %s",
                   b->label, why);
    return NULL;
  }
  return wrap(b, native, 0);
}

LDNRT_API void mgpuStreamDestroy(void *stream) {
  ldnrt_gpu_handle *s = stream;
  if (!s)
    return;
  ldnrt_gpu_call_forget(s);
  const char *why = s->backend->stream_destroy(s->native);
  if (why)
    ldnrt_gpu_record(LDNRT_ERROR_DEVICE, "%s stream destruction failed: %s",
                     s->backend->label, why);
  free(s);
}

LDNRT_API void mgpuStreamSynchronize(void *stream) {
  ldnrt_gpu_handle *s = stream;
  const ldnrt_gpu_backend *b = s ? s->backend : current_ready();
  if (!b)
    return;
  if (!b->stream_synchronize) {
    unsupported(b, "streams");
    return;
  }
  /* Errors of kernels that ran asynchronously surface here. */
  const char *why = b->stream_synchronize(s ? s->native : NULL);
  if (why)
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "%s stream synchronization failed: %s",
                   b->label, why);
}

LDNRT_API void mgpuStreamWaitEvent(void *stream, void *event) {
  ldnrt_gpu_handle *s = stream, *e = event;
  if (!e) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "GPU stream wait on a NULL event");
    return;
  }
  const ldnrt_gpu_backend *b = e->backend;
  if (s && s->backend != b) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "GPU stream wait: the stream belongs to the %s backend "
                   "and the event to the %s backend",
                   s->backend->name, b->name);
    return;
  }
  if (!b->stream_wait_event) {
    unsupported(b, "events");
    return;
  }
  const char *why = b->stream_wait_event(s ? s->native : NULL, e->native);
  if (why)
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "%s stream wait on an event failed: %s",
                   b->label, why);
}

LDNRT_API void *mgpuEventCreate(void) {
  const ldnrt_gpu_backend *b = current_ready();
  if (!b)
    return NULL;
  if (!b->event_create || !b->event_destroy)
    return unsupported(b, "events"), NULL;
  void *native = NULL;
  const char *why = b->event_create(&native);
  if (why) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "%s event creation failed: %s",
                   b->label, why);
    return NULL;
  }
  return wrap(b, native, 1);
}

LDNRT_API void mgpuEventDestroy(void *event) {
  ldnrt_gpu_handle *e = event;
  if (!e)
    return;
  ldnrt_gpu_call_forget(e);
  const char *why = e->backend->event_destroy(e->native);
  if (why)
    ldnrt_gpu_record(LDNRT_ERROR_DEVICE, "%s event destruction failed: %s",
                     e->backend->label, why);
  free(e);
}

LDNRT_API void mgpuEventSynchronize(void *event) {
  ldnrt_gpu_handle *e = event;
  if (!e) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "GPU synchronization on a NULL event");
    return;
  }
  if (!e->backend->event_synchronize) {
    unsupported(e->backend, "events");
    return;
  }
  const char *why = e->backend->event_synchronize(e->native);
  if (why)
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "%s event synchronization failed: %s", e->backend->label,
                   why);
}

LDNRT_API void mgpuEventRecord(void *event, void *stream) {
  ldnrt_gpu_handle *e = event, *s = stream;
  if (!e) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "GPU record of a NULL event");
    return;
  }
  if (s && s->backend != e->backend) {
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE,
                   "GPU event record: the event belongs to the %s backend "
                   "and the stream to the %s backend",
                   e->backend->name, s->backend->name);
    return;
  }
  if (!e->backend->event_record) {
    unsupported(e->backend, "events");
    return;
  }
  const char *why = e->backend->event_record(e->native, s ? s->native : NULL);
  if (why)
    ldnrt_gpu_fail(LDNRT_ERROR_DEVICE, "%s event record failed: %s",
                   e->backend->label, why);
}
