/* The example implementation's own kernel log: lines go to the file named by
 * $EXAMPLE_NKE_LOG (nowhere when it is unset), never to stdout or stderr
 * (KERN-LOG-002).  nke_log never fails and accepts any level and a NULL
 * format (KERN-LOG-001). */
#include "control.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static pthread_mutex_t g_log_mu = PTHREAD_MUTEX_INITIALIZER;

NKE_API void nke_log(int level, const char *fmt, ...) {
    const char *path = getenv("EXAMPLE_NKE_LOG");
    if (path == NULL || *path == '\0' || fmt == NULL) return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&g_log_mu);
    FILE *f = fopen(path, "a");
    if (f != NULL) {
        fprintf(f, "<%d> %s\n", level, line);
        fclose(f);
    }
    pthread_mutex_unlock(&g_log_mu);
}
