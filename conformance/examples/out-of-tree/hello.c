/* A minimal NKE module, built against the installed OpenNKE headers: it logs
 * on start and stop.  Load it with the installed nke-kext tool:
 *   nke-kext load hello.nke.so unload com.example.hello */
#include <nke/nke.h>

static kern_return_t hello_start(kmod_info_t *ki, void *data) {
    (void)data;
    nke_log(NKE_LOG_INFO, "%s starting", ki->name);
    return KERN_SUCCESS;
}

static kern_return_t hello_stop(kmod_info_t *ki, void *data) {
    (void)data;
    nke_log(NKE_LOG_INFO, "%s stopping", ki->name);
    return KERN_SUCCESS;
}

KMOD_EXPLICIT_DECL(com.example.hello, "1.0", hello_start, hello_stop);
