// KEV_DL_* events posted by the DLIL (spec/dlil.md, DLIL-EVENT-0xx).  Every
// caller has dropped its DLIL lock: the event sink takes the funnel.
#include "core/events.hpp"
#include "dlil/dlil.hpp"

#include <cstring>

namespace nke::ref::dlil {

net_event_data ident_of(const ifnet *ifp) noexcept {
    net_event_data d{};
    d.if_family = ifp->if_family;
    d.if_unit = static_cast<uint32_t>(static_cast<uint16_t>(ifp->if_unit));
    std::memcpy(d.if_name, ifp->if_name, sizeof d.if_name);
    d.if_name[sizeof d.if_name - 1] = '\0';
    return d;
}

void post_if_event(uint32_t code, const net_event_data &ident) noexcept {
    kev_msg msg{};
    msg.vendor_code = KEV_VENDOR_APPLE;
    msg.kev_class = KEV_NETWORK_CLASS;
    msg.kev_subclass = KEV_DL_SUBCLASS;
    msg.event_code = code;
    msg.dv[0].data_length = sizeof ident;
    msg.dv[0].data_ptr = const_cast<net_event_data *>(&ident);
    (void)post_event(msg);
}

void post_proto_event(uint32_t code, const net_event_data &ident, uint32_t pf,
                      uint32_t remaining) noexcept {
    kev_dl_proto_data data{};
    data.link_data = ident;
    data.proto_family = pf;
    data.proto_remaining_count = remaining;
    kev_msg msg{};
    msg.vendor_code = KEV_VENDOR_APPLE;
    msg.kev_class = KEV_NETWORK_CLASS;
    msg.kev_subclass = KEV_DL_SUBCLASS;
    msg.event_code = code;
    msg.dv[0].data_length = sizeof data;
    msg.dv[0].data_ptr = &data;
    (void)post_event(msg);
}

}  // namespace nke::ref::dlil
