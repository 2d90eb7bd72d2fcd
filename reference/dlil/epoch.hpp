// Read sections and deferred reclamation for the DLIL (spec/dlil.md,
// DLIL-CONC-*).
//
// The data path (dlil_input, dlil_output, dlil_ioctl, dlil_event, the
// injections) takes no lock: it reads immutable snapshots published through
// atomic pointers, inside a ReadSection.  A writer unlinks an object from
// every snapshot, then retire()s it; the object's finish() (which may call
// NKE code: filter_detach, if_free) runs once every read section that could
// still see it has ended.  Entering and leaving a section costs two plain
// stores to a per-thread slot (with membarrier(2); one sequentially
// consistent store otherwise), however many packets the call carries.
//
// quiesce() at read depth 0 waits for those sections and runs what is due on
// the calling thread, so a detach made outside the data path has completed
// (callbacks included) when it returns.  Inside a read section (a detach
// from a callback) waiting could deadlock two threads that detach each
// other's filters, so the work is left to the end of the outermost section
// of whichever thread ends last.
#pragma once

#include <cstdint>

namespace nke::ref::dlil {

class Retired {
public:
    Retired() = default;
    Retired(const Retired &) = delete;
    Retired &operator=(const Retired &) = delete;
    // Called exactly once, with no DLIL lock held, after no reader can still
    // reach the object.  Usually ends by destroying the object.
    virtual void finish() noexcept = 0;
    virtual ~Retired() = default;

    // Bookkeeping of epoch.cpp; nothing else touches these.
    Retired *retire_next_ = nullptr;
    uint64_t retire_epoch_ = 0;
};

class ReadSection {
public:
    ReadSection() noexcept;
    ~ReadSection();
    ReadSection(const ReadSection &) = delete;
    ReadSection &operator=(const ReadSection &) = delete;
};

// Nesting depth of read sections on this thread (0: outside the data path).
int read_depth() noexcept;

// Queue r; it must already be unreachable from every published snapshot.
// Never runs anything itself, so it may be called under a DLIL lock.
void retire(Retired *r) noexcept;

// Run the retired objects no reader can reach any more (on this thread).
void reclaim() noexcept;

// Outside any read section and any NKE callback: wait until every read
// section that began before this call has ended, then reclaim().  Otherwise
// only reclaim() what is already due (see above).  Never call with a DLIL
// lock held.
void quiesce() noexcept;

// True when quiesce() would wait rather than only reclaim.
bool can_wait() noexcept;

// True if some thread is inside a read section now.
bool readers_active() noexcept;

}  // namespace nke::ref::dlil
