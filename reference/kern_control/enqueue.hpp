#pragma once

#include <nke/kern_control.h>

namespace nke::ref::ctl {

int enqueue_data(kern_ctl_ref ref, const void *data, size_t len, uint32_t flags) noexcept;
int enqueue_mbuf(kern_ctl_ref ref, struct mbuf *m, uint32_t flags) noexcept;

}  // namespace nke::ref::ctl
