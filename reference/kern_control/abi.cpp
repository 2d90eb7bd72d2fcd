// The exported kernel-controller KPI: thin shims over nke::ref::ctl.
#include "kern_control/enqueue.hpp"
#include "kern_control/funnel_lock.hpp"
#include "kern_control/registry.hpp"

#include <cerrno>

using namespace nke::ref;

extern "C" {

NKE_API int ctl_register(struct kern_ctl_reg *userctl, void *userdata, kern_ctl_ref *ctlref) {
    if (userctl == nullptr || ctlref == nullptr) return EINVAL;   // hist §9.2 #1
    if (userctl->ctl_flags & ~uint32_t{CTL_FLAG_PRIVILEGED}) return EINVAL;
    if (userctl->ctl_sendsize > CTL_MAXBUFSIZE || userctl->ctl_recvsize > CTL_MAXBUFSIZE)
        return EINVAL;
    const kern_ctl_reg copy = *userctl;   // CTL-REG-010
    FunnelLock lock;
    return ctl::register_locked(copy, userctl, userdata, ctlref);
}

NKE_API int ctl_deregister(kern_ctl_ref ctlref) {
    FunnelLock lock;
    auto c = ctl::registry().by_ref(ctlref);
    if (!c) return EINVAL;                     // hist §9.2 #2
    if (c->client) return EBUSY;               // 10.4 behaviour (CTL-DEREG-004)
    ctl::remove_locked(*c);
    return 0;
}

NKE_API int ctl_enqueuedata(kern_ctl_ref ctlref, void *data, size_t len, uint32_t flags) {
    return ctl::enqueue_data(ctlref, data, len, flags);
}

NKE_API int ctl_enqueuembuf(kern_ctl_ref ctlref, struct mbuf *m, uint32_t flags) {
    return ctl::enqueue_mbuf(ctlref, m, flags);
}

}  // extern "C"
