// dlil_ioctl (spec/dlil.md, DLIL-IOCTL-*): protocol filters and dl_ioctl,
// interface filters, the family's ifmod_ioctl, the driver.  EOPNOTSUPP means
// "not handled"; the first real error ends the call.
#include <cerrno>

#include "dlil/datapath.hpp"

namespace nke::ref::dlil {
namespace {

// A real error (not 0, not "not handled") ends the call; EJUSTRETURN -> 0.
bool stops(int rc, int &result) noexcept {
    if (rc == 0 || rc == EOPNOTSUPP) return false;
    result = rc == EJUSTRETURN ? 0 : rc;
    return true;
}

int ioctl(uint32_t proto_family, ifnet *ifp, unsigned long cmd, void *arg) noexcept {
    if (ifp == nullptr) return EINVAL;
    ReadSection rs;
    CallbackScope in_dlil(nullptr);  // see OwnerScope
    Iface *i = find_usable(ifp);
    if (i == nullptr) return ENXIO;
    int result = 0;
    bool handled = false;  // by the protocol stage or the family module
    Proto *p = proto_family != 0 ? proto_by_family(i, proto_family) : nullptr;
    if (p && !p->dead.load(std::memory_order_acquire)) {
        for (Filter *f : p->filters.get()) {
            if (!f->prl.filter_dl_ioctl || f->dead.load(std::memory_order_acquire)) continue;
            int rc;
            {
                OwnerScope scope(f->owner());
                rc = f->prl.filter_dl_ioctl(f->prl.cookie, ifp, cmd, arg);
            }
            if (stops(rc, result)) return result;
        }
        int rc = EOPNOTSUPP;
        if (p->ioctl) {
            OwnerScope scope(p->owner());
            rc = p->ioctl(p->tag, ifp, cmd, arg);
        }
        if (stops(rc, result)) return result;
        handled = rc == 0;
    }
    for (Filter *f : i->filters.get()) {
        if (!f->ifl.filter_if_ioctl || f->dead.load(std::memory_order_acquire)) continue;
        int rc;
        {
            OwnerScope scope(f->owner());
            rc = f->ifl.filter_if_ioctl(f->ifl.cookie, ifp, cmd, arg);
        }
        if (stops(rc, result)) return result;  // a filter's 0 does not count as handled
    }
    if (i->fam->reg.ifmod_ioctl) {
        int rc;
        {
            OwnerScope scope(i->fam->builtin ? nullptr : i->fam->owner());
            rc = i->fam->reg.ifmod_ioctl(ifp, cmd, arg);
        }
        if (stops(rc, result)) return result;  // fixes hist §9.2 #14 (lost module error)
        handled = handled || rc == 0;
    }
    int rc = EOPNOTSUPP;
    if (ifp->if_ioctl) {
        OwnerScope scope(i->owner());
        rc = ifp->if_ioctl(ifp, cmd, arg);
    }
    if (rc == EJUSTRETURN) return 0;
    if (rc == EOPNOTSUPP && handled) return 0;
    return rc;
}

}  // namespace
}  // namespace nke::ref::dlil

extern "C" NKE_API int dlil_ioctl(uint32_t proto_family, struct ifnet *ifp,
                                  unsigned long ioctl_code, void *ioctl_arg) {
    return nke::ref::dlil::ioctl(proto_family, ifp, ioctl_code, ioctl_arg);
}
