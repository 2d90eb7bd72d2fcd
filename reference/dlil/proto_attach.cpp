// Attached protocols and dl_tags (spec/dlil.md, DLIL-PROTO-*, DLIL-TAG-*).
// A tag names one protocol-on-interface attachment and is never reused in
// the life of the stack instance, so a stale tag can only fail.
#include "core/alloc.hpp"
#include "core/counters.hpp"
#include "dlil/dlil.hpp"

#include <algorithm>
#include <cerrno>
#include <thread>

namespace nke::ref::dlil {

std::vector<Proto *> ready_protos_locked(const Iface *i) {
    std::vector<Proto *> v;
    for (Proto *p : i->protos_master) {
        if (p->ready) v.push_back(p);
    }
    return v;
}

// Under the lock: `i` lost its last protocol while detaching; unlink it so
// the caller can complete the detach after dropping the lock.
bool take_if_detach_locked(Iface *i) noexcept {
    if (i->state != IfState::detaching || !i->protos_master.empty() || i->busy > 0 || i->completer)
        return false;
    i->state = IfState::gone;
    i->gone.store(true, std::memory_order_release);
    std::erase(state().ifaces, i);
    republish_ifaces_locked();
    return true;
}

namespace {

void unlink_leaving_locked(Iface *i, const Proto *p) noexcept {
    for (Proto **pp = &i->leaving; *pp != nullptr; pp = &(*pp)->leaving_next) {
        if (*pp == p) {
            *pp = p->leaving_next;
            return;
        }
    }
}

uint32_t ready_count_locked(const Iface *i) {
    uint32_t n = 0;
    for (const Proto *p : i->protos_master) n += p->ready ? 1 : 0;
    return n;
}

int attach_protocol(dlil_proto_reg_str *reg, unsigned long *dl_tag) noexcept {
    if (reg == nullptr || dl_tag == nullptr || reg->protocol_family == 0 ||
        reg->interface_family == 0 || reg->input == nullptr ||
        (reg->default_proto != 0 && reg->default_proto != 1))
        return EINVAL;
    State &s = state();
    Proto *p = nullptr;
    Iface *i = nullptr;
    Family *fam = nullptr;
    for (;;) {
        std::unique_lock lk(s.mu);
        fam = family_locked(reg->interface_family);
        if (!fam || fam->shutting_down) return ENOENT;
        i = iface_by_unit_locked(reg->interface_family, reg->unit_number);
        if (!i) return ENOENT;
        if (i->state != IfState::attached) return ENXIO;
        bool pending = false;
        for (const Proto *o : i->protos_master) {
            if (o->protocol_family != reg->protocol_family) continue;
            // Another attach of this family is still running add_proto: its
            // outcome decides ours (EEXIST only if it succeeds), so wait for
            // it (CONC-THREAD-001), unless waiting could deadlock (inside a
            // callback).
            if (!o->ready && can_wait()) pending = true;
            else return EEXIST;
        }
        // A detach still in del_proto has not returned and its descriptors
        // are still in the family module, where ours could collide with them
        // (EADDRINUSE, which no serial order explains when the family is the
        // same): wait for it.  Unable to wait, answer as if this attach came
        // first for the same family.
        for (const Proto *o = i->leaving; o != nullptr; o = o->leaving_next) {
            if (can_wait()) pending = true;
            else if (o->protocol_family == reg->protocol_family) return EEXIST;
        }
        if (pending) {
            lk.unlock();
            std::this_thread::yield();
            continue;
        }
        auto made = try_make<Proto>();
        if (!made) return ENOMEM;
        try {
            s.tags_master.reserve(s.tags_master.size() + 1);
            i->protos_master.reserve(i->protos_master.size() + 1);
        } catch (...) {
            return ENOBUFS;
        }
        p = made.release();
        p->tag = s.next_tag++;
        p->iface = i;
        p->protocol_family = reg->protocol_family;
        p->input = reg->input;
        p->pre_output = reg->pre_output;
        p->event = reg->event;
        p->offer = reg->offer;
        p->ioctl = reg->ioctl;
        i->protos_master.push_back(p);  // reserves the family: a racing attach waits
        break;
    }
    int err;
    {
        CallbackScope scope(fam->owner());
        err = fam->reg.add_proto(&reg->demux_desc_head, p, p->tag);
    }
    const bool added = err == 0;
    bool complete = false;
    uint32_t remaining = 0;
    {
        std::lock_guard lk(s.mu);
        // if_detach waits for attaches in flight; only from inside a callback
        // (it cannot wait) may a detach have begun meanwhile: it counted this
        // protocol (it returned DLIL_WAIT_FOR_FREE), so the attach completes,
        // as if it had come first.
        if (err == 0) {
            std::unique_ptr<Snap<Proto>> tags, protos;
            // Tags are issued in order but attaches complete in any order:
            // keep tags_master sorted (detach_protocol searches it).
            const auto sorted_at = [p](std::vector<Proto *> &v) {
                return std::upper_bound(v.begin(), v.end(), p->tag,
                                        [](unsigned long t, const Proto *q) { return t < q->tag; });
            };
            try {
                // The tag was issued in the first phase, but a concurrent
                // attach that got a later tag may have been published since
                // (add_proto runs unlocked): insert in order, the look-ups
                // are binary searches (found by fuzz/call_sequence).
                std::vector<Proto *> t = s.tags_master;
                t.insert(sorted_at(t), p);
                std::vector<Proto *> v = ready_protos_locked(i);
                v.push_back(p);
                tags = Published<Proto>::build(t, true);
                if (tags) protos = Published<Proto>::build(v, true);
            } catch (...) {
            }
            if (tags && protos) {
                // The owner is read by the data path: set it before publishing.
                registration_add(*p, {reg, reinterpret_cast<const void *>(reg->input),
                                      reinterpret_cast<const void *>(reg->pre_output),
                                      reinterpret_cast<const void *>(reg->event),
                                      reinterpret_cast<const void *>(reg->offer),
                                      reinterpret_cast<const void *>(reg->ioctl)});
                p->ready = true;
                s.tags_master.insert(sorted_at(s.tags_master), p);
                s.tags.publish(std::move(tags));
                i->protos.publish(std::move(protos));
                if (p->owner() != i->owner()) {
                    p->foreign_to_iface = true;
                    i->foreign.fetch_add(1);
                }
                live_add(Live::dl_protos, 1);
                remaining = ready_count_locked(i);
            } else {
                err = ENOBUFS;
            }
        }
        if (err != 0) {
            std::erase(i->protos_master, p);
            complete = take_if_detach_locked(i);
        }
    }
    if (err != 0) {
        if (added) {
            CallbackScope scope(fam->owner());
            (void)fam->reg.del_proto(p, p->tag);
        }
        std::unique_ptr<Proto> never_published(p);
        if (complete) complete_if_detach(i, true);
        quiesce();
        return err;
    }
    *dl_tag = p->tag;
    post_proto_event(KEV_DL_PROTO_ATTACHED, i->ident, p->protocol_family, remaining);
    quiesce();
    return 0;
}

int find_dltag(uint32_t if_family, int16_t unit, uint32_t proto_family, unsigned long *dl_tag) noexcept {
    if (dl_tag == nullptr) return EINVAL;
    State &s = state();
    std::lock_guard lk(s.mu);
    Iface *i = iface_by_unit_locked(if_family, unit);
    if (!i) return ENOENT;
    for (const Proto *p : i->protos_master) {
        if (p->ready && p->protocol_family == proto_family) {
            *dl_tag = p->tag;
            return 0;
        }
    }
    return EPROTONOSUPPORT;
}

}  // namespace

int detach_protocol(unsigned long tag) noexcept {
    State &s = state();
    Proto *p = nullptr;
    Iface *i = nullptr;
    std::vector<Filter *> filters;
    bool complete = false, last = false;
    uint32_t remaining = 0;
    {
        std::lock_guard lk(s.mu);
        auto it = std::lower_bound(s.tags_master.begin(), s.tags_master.end(), tag,
                                   [](const Proto *q, unsigned long t) { return q->tag < t; });
        if (it == s.tags_master.end() || (*it)->tag != tag) return ENOENT;
        p = *it;
        i = p->iface;
        p->dead.store(true, std::memory_order_release);
        s.tags_master.erase(it);
        republish_tags_locked();
        std::erase(i->protos_master, p);
        republish(i->protos, ready_protos_locked(i));
        filters = unlink_filters_locked(p->filters_master);
        republish(p->filters, p->filters_master);
        if (p->foreign_to_iface) i->foreign.fetch_sub(1);
        live_add(Live::dl_protos, -1);
        remaining = ready_count_locked(i);
        // Keep the interface until this thread is done with it: a concurrent
        // detach of its last other protocol must not complete (and free) it
        // meanwhile (it was a heap-use-after-free).
        ++i->busy;
        p->leaving_next = i->leaving;
        i->leaving = p;
        last = i->state == IfState::detaching && i->protos_master.empty();
        if (last) i->completer = true;
    }
    {
        CallbackScope scope(i->fam->owner());
        (void)i->fam->reg.del_proto(p, tag);  // its result is ignored (hist §4.4)
    }
    for (Filter *f : filters) retire(f);
    const uint32_t pf = p->protocol_family;
    post_proto_event(KEV_DL_PROTO_DETACHED, i->ident, pf, remaining);
    {
        std::unique_lock lk(s.mu);
        --i->busy;
        unlink_leaving_locked(i, p);
        if (last) {
            // This was the last protocol: complete the interface detach here
            // (DLIL-PROTO-014), once the threads still using it (an if_detach
            // posting its event) are done.
            while (i->busy > 0 && can_wait()) {
                lk.unlock();
                std::this_thread::yield();
                lk.lock();
            }
            i->completer = false;
        }
        complete = take_if_detach_locked(i);
    }
    retire(p);  // only now: Iface::leaving no longer reaches it
    if (complete) complete_if_detach(i, true);
    quiesce();
    return 0;
}

void Proto::finish() noexcept {
    registration_remove(*this);
    std::unique_ptr<Proto> self(this);
}

void Proto::reap() noexcept {
    (void)detach_protocol(tag);
    quiesce();
}

}  // namespace nke::ref::dlil

using namespace nke::ref::dlil;

extern "C" {

NKE_API int dlil_attach_protocol(struct dlil_proto_reg_str *proto, unsigned long *dl_tag) {
    return attach_protocol(proto, dl_tag);
}

NKE_API int dlil_detach_protocol(unsigned long dl_tag) { return detach_protocol(dl_tag); }

NKE_API int dlil_find_dltag(uint32_t if_family, int16_t unit, uint32_t proto_family,
                            unsigned long *dl_tag) {
    return find_dltag(if_family, unit, proto_family, dl_tag);
}

}  // extern "C"
