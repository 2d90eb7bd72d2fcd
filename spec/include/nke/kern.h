/*
 * OpenNKE ABI — kernel services an NKE may call: the calling context
 * ("current process" and its credentials) and logging.
 *
 * Normative: spec/kern.md (KERN-*).
 */
#ifndef NKE_KERN_H
#define NKE_KERN_H

#include <nke/types.h>

/* Log levels for nke_log (values of syslog(3); named apart so that
 * <syslog.h> can be included in the same file). */
#define NKE_LOG_EMERG 0
#define NKE_LOG_ALERT 1
#define NKE_LOG_CRIT 2
#define NKE_LOG_ERR 3
#define NKE_LOG_WARNING 4
#define NKE_LOG_NOTICE 5
#define NKE_LOG_INFO 6
#define NKE_LOG_DEBUG 7

NKE_BEGIN_DECLS

/* The process on whose behalf the current thread runs.  Never NULL.  Its
 * credentials are the calling thread's (see nke_harness.set_credentials). */
NKE_API struct proc *current_proc(void);

/* 0 if p has an effective uid of 0 (the superuser), else EPERM.  p == NULL
 * gives EINVAL. */
NKE_API int proc_suser(struct proc *p);

/* Real and effective uid of p; (uint32_t)-1 when p is NULL. */
NKE_API uint32_t proc_getuid(struct proc *p);
NKE_API uint32_t proc_geteuid(struct proc *p);

/* Kernel log.  Lines go to the implementation's log sink (the reference
 * writes them to stderr when NKE_LOG is set in the environment). */
NKE_API void nke_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

NKE_END_DECLS

#endif /* NKE_KERN_H */
