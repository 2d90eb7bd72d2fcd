/*
 * OpenNKE ABI — NKE modules: descriptor, start/stop routines, loader.
 *
 * Normative: spec/module.md (KMOD-*).  A module is a shared object that
 * defines the symbol `kmod_info` (use KMOD_EXPLICIT_DECL or KMOD_DECL).  The
 * loader resolves the module's undefined references to the ABI against the
 * implementation that loads it; a module never links an implementation.
 */
#ifndef NKE_KMOD_H
#define NKE_KMOD_H

#include <nke/types.h>

typedef int kern_return_t;
#define KERN_SUCCESS 0
#define KERN_INVALID_ARGUMENT 4
#define KERN_FAILURE 5
#define KMOD_RETURN_SUCCESS KERN_SUCCESS
#define KMOD_RETURN_FAILURE KERN_FAILURE

#define KMOD_INFO_NAME kmod_info
#define KMOD_INFO_VERSION 1
#define KMOD_MAX_NAME 64

struct kmod_info;
typedef kern_return_t kmod_start_func_t(struct kmod_info *ki, void *data);
typedef kern_return_t kmod_stop_func_t(struct kmod_info *ki, void *data);

typedef struct kmod_info {
    struct kmod_info *next;       /* stack-owned while loaded */
    int32_t info_version;         /* KMOD_INFO_VERSION */
    int32_t id;                   /* set by the loader */
    char name[KMOD_MAX_NAME];     /* unique among loaded modules, e.g. "com.example.nke" */
    char version[KMOD_MAX_NAME];
    int32_t reference_count;      /* set by the loader: live references into the module */
    int32_t reserved0;
    void *reference_list;         /* not used */
    uintptr_t address;            /* set by the loader */
    size_t size;                  /* set by the loader */
    size_t hdr_size;
    kmod_start_func_t *start;
    kmod_stop_func_t *stop;
} kmod_info_t;

#ifdef __cplusplus
#define NKE_KMOD_LINKAGE extern "C" __attribute__((visibility("default")))
#else
#define NKE_KMOD_LINKAGE extern __attribute__((visibility("default")))
#endif

/* Define the module descriptor: KMOD_EXPLICIT_DECL(com.example.nke, "1.0",
 * my_start, my_stop).  The name is written without quotes, as in XNU.  The
 * declaration gives the symbol C linkage in C++ too. */
#define KMOD_EXPLICIT_DECL(name, vers, start_fn, stop_fn)                                     \
    NKE_KMOD_LINKAGE kmod_info_t KMOD_INFO_NAME;                                               \
    kmod_info_t KMOD_INFO_NAME = {0, KMOD_INFO_VERSION, -1, #name, vers, 0, 0,                 \
                                  0, 0,                 0,  0,     (start_fn), (stop_fn)}
#define KMOD_DECL(name, vers) KMOD_EXPLICIT_DECL(name, vers, name##_start, name##_stop)

/* What the loader reports about one module. */
struct kmod_stat {
    int32_t id;
    int32_t reference_count;      /* references that block unloading (KMOD-REF-*) */
    uint32_t registrations;       /* domains, protocols, filters, controllers, ... it owns */
    uint32_t reserved0;
    char name[KMOD_MAX_NAME];
    char version[KMOD_MAX_NAME];
    char path[1024];
};

NKE_BEGIN_DECLS

NKE_API int kmod_load(const char *path, void *data, int *id);
NKE_API int kmod_unload(int id, void *data);
NKE_API int kmod_lookup(const char *name, int *id);
NKE_API int kmod_get_stat(int id, struct kmod_stat *st);
NKE_API int kmod_list(int *ids, size_t max, size_t *count);

NKE_END_DECLS

NKE_STATIC_ASSERT(sizeof(kmod_info_t) == 200, "kmod_info_t is 200 bytes");
NKE_STATIC_ASSERT(offsetof(kmod_info_t, name) == 16, "kmod_info_t.name offset");
NKE_STATIC_ASSERT(offsetof(kmod_info_t, start) == 184, "kmod_info_t.start offset");
NKE_STATIC_ASSERT(sizeof(struct kmod_stat) == 1168, "struct kmod_stat is 1168 bytes");

#endif /* NKE_KMOD_H */
