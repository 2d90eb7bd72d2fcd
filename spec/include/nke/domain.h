/*
 * OpenNKE ABI — protocol families (domains).
 *
 * Normative: spec/domain.md (DOM-*).  The NKE owns the struct domain
 * (usually a static object in the module); the stack links it and keeps
 * dom_refs.  The NKE must not write dom_next or dom_refs while registered.
 */
#ifndef NKE_DOMAIN_H
#define NKE_DOMAIN_H

#include <nke/types.h>

struct domain {
    int dom_family;                          /* AF_xxx */
    const char *dom_name;
    void (*dom_init)(void);                  /* called once by net_add_domain */
    int (*dom_externalize)(struct mbuf *);   /* not called by the stack */
    void (*dom_dispose)(struct mbuf *);      /* not called by the stack */
    struct protosw *dom_protosw;             /* chain through pr_next */
    struct domain *dom_next;                 /* stack-owned while registered */
    int (*dom_rtattach)(void **, int);       /* not called by the stack */
    int dom_rtoffset;
    int dom_maxrtkey;
    int dom_protohdrlen;                     /* the seed's dom_maxprotohdr */
    int dom_refs;                            /* live sockets in this family */
    uintptr_t reserved[4];
};

NKE_BEGIN_DECLS

NKE_API int net_add_domain(struct domain *dp);
NKE_API int net_del_domain(struct domain *dp);
NKE_API struct domain *pffinddomain(int family);

NKE_END_DECLS

NKE_STATIC_ASSERT(sizeof(struct domain) == 112, "struct domain is 112 bytes");
NKE_STATIC_ASSERT(offsetof(struct domain, dom_refs) == 76, "dom_refs offset");

#endif /* NKE_DOMAIN_H */
