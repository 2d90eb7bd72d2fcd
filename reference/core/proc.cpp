#include "core/proc.hpp"

#include <cerrno>

namespace nke::ref {

// Every thread starts as the superuser (HARN-CRED-002).
thread_local proc t_proc{0, 0};

int set_thread_credentials(uint32_t uid, uint32_t euid) noexcept {
    if (uid == UINT32_MAX || euid == UINT32_MAX) return EINVAL;
    t_proc = proc{uid, euid};
    return 0;
}

}  // namespace nke::ref

extern "C" {

NKE_API struct proc *current_proc(void) { return &nke::ref::t_proc; }

NKE_API int proc_suser(struct proc *p) {
    if (p == nullptr) return EINVAL;
    return p->p_euid == 0 ? 0 : EPERM;
}

NKE_API uint32_t proc_getuid(struct proc *p) { return p ? p->p_uid : UINT32_MAX; }

NKE_API uint32_t proc_geteuid(struct proc *p) { return p ? p->p_euid : UINT32_MAX; }

}  // extern "C"
