// The module loader: kmod_load / kmod_unload / kmod_lookup / kmod_get_stat /
// kmod_list (spec/module.md).  Loads and unloads are serialised by one
// mutex; a start or stop routine runs under it, but under no subsystem lock,
// so it may call any KPI except the loader itself.
#include "core/alloc.hpp"
#include "core/callback.hpp"
#include "core/counters.hpp"
#include "module/registry.hpp"

#include <dlfcn.h>
#include <link.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace nke::ref {
namespace {

std::mutex g_loader_mu;   // serialises load and unload
int g_next_id = 1;        // ids are never reused (KMOD-LOAD-008); guarded by g_loader_mu

// Owns Module records for as long as they are loaded.
std::vector<std::unique_ptr<Module>> &records() {
    static std::vector<std::unique_ptr<Module>> v;
    return v;
}

Module *find_locked(int id) {
    for (auto &m : records()) {
        if (m->id == id) return m.get();
    }
    return nullptr;
}

bool bounded_string(const char *s, size_t cap) { return std::memchr(s, '\0', cap) != nullptr; }

// The image's address range, from its program headers.
struct Range {
    uintptr_t base = 0;
    uintptr_t end = 0;
};

Range image_range(void *handle) {
    Range r;
    link_map *lm = nullptr;
    if (dlinfo(handle, RTLD_DI_LINKMAP, &lm) != 0 || lm == nullptr) return r;
    struct Ctx {
        uintptr_t base;
        Range *out;
    } ctx{static_cast<uintptr_t>(lm->l_addr), &r};
    dl_iterate_phdr(
        [](dl_phdr_info *info, size_t, void *p) -> int {
            auto *c = static_cast<Ctx *>(p);
            if (info->dlpi_addr != c->base) return 0;
            uintptr_t lo = UINTPTR_MAX, hi = 0;
            for (int i = 0; i < info->dlpi_phnum; ++i) {
                const auto &ph = info->dlpi_phdr[i];
                if (ph.p_type != PT_LOAD) continue;
                lo = std::min<uintptr_t>(lo, info->dlpi_addr + ph.p_vaddr);
                hi = std::max<uintptr_t>(hi, info->dlpi_addr + ph.p_vaddr + ph.p_memsz);
            }
            if (lo < hi) *c->out = Range{lo, hi};
            return 1;
        },
        &ctx);
    return r;
}

uint64_t references(const Module &m) {
    std::lock_guard lk(registry::mutex());
    return registry::references_locked(m);
}

kern_return_t run_routine(Module &m, kmod_start_func_t *fn, void *data) {
    if (fn == nullptr) return KMOD_RETURN_SUCCESS;
    registry::starting() = &m;
    kern_return_t rc;
    {
        CallbackScope scope(&m);
        rc = fn(m.info, data);
    }
    registry::starting() = nullptr;
    return rc;
}

// Remove what the module still has registered.  False if something
// would not go away (then the image must stay mapped).
bool reap_all(Module &m) {
    for (int round = 0; round < 1000; ++round) {
        Registration *r;
        {
            std::lock_guard lk(registry::mutex());
            r = m.first;
        }
        if (r == nullptr) return true;
        r->reap();
        std::lock_guard lk(registry::mutex());
        if (m.first == r && r->owner() == &m) return false;  // reap() did not unregister
    }
    return false;
}

void forget(Module &m) {
    {
        std::lock_guard lk(registry::mutex());
        std::erase(registry::modules(), &m);
    }
    void *handle = m.handle;
    std::erase_if(records(), [&](const auto &p) { return p.get() == &m; });
    dlclose(handle);
}

}  // namespace
}  // namespace nke::ref

using namespace nke::ref;

extern "C" {

NKE_API int kmod_load(const char *path, void *data, int *id) {
    if (callback_depth() > 0) return EDEADLK;
    if (path == nullptr || path[0] == '\0') return EINVAL;
    struct stat st;
    if (::stat(path, &st) != 0) return ENOENT;

    std::lock_guard load_lk(g_loader_mu);
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) return ENOEXEC;
    auto *info = static_cast<kmod_info_t *>(dlsym(handle, "kmod_info"));
    if (info == nullptr || info->info_version != KMOD_INFO_VERSION ||
        !bounded_string(info->name, sizeof info->name) || info->name[0] == '\0' ||
        !bounded_string(info->version, sizeof info->version)) {
        dlclose(handle);
        return ENOEXEC;
    }
    for (auto &m : records()) {
        if (m->name == info->name) {
            dlclose(handle);
            return EEXIST;
        }
    }
    auto rec = try_make<Module>();
    if (!rec) {
        dlclose(handle);
        return ENOMEM;
    }
    Module &m = *rec;
    const Range range = image_range(handle);
    m.id = g_next_id++;
    m.name = info->name;
    m.version = info->version;
    m.path = path;
    m.handle = handle;
    m.info = info;
    m.base = range.base;
    m.end = range.end;
    info->id = m.id;
    info->address = range.base;
    info->size = range.end - range.base;
    records().push_back(std::move(rec));
    {
        std::lock_guard lk(registry::mutex());
        registry::modules().push_back(&m);
    }

    if (run_routine(m, info->start, data) != KMOD_RETURN_SUCCESS) {
        // Undo what start managed to register; if something already refers
        // to it, the module has to stay (it can still be unloaded later).
        if (references(m) == 0 && reap_all(m)) forget(m);
        else live_add(Live::modules, 1);
        return ECANCELED;
    }
    live_add(Live::modules, 1);
    if (id) *id = m.id;
    return 0;
}

NKE_API int kmod_unload(int id, void *data) {
    if (callback_depth() > 0) return EDEADLK;
    std::lock_guard load_lk(g_loader_mu);
    Module *m = find_locked(id);
    if (m == nullptr) return ENOENT;
    if (references(*m) != 0) return EBUSY;
    if (run_routine(*m, m->info->stop, data) != KMOD_RETURN_SUCCESS) return EBUSY;
    // Something may have taken a reference while stop ran.
    if (references(*m) != 0) return EBUSY;
    if (!reap_all(*m)) return EBUSY;
    forget(*m);
    live_add(Live::modules, -1);
    return 0;
}

NKE_API int kmod_lookup(const char *name, int *id) {
    if (name == nullptr || id == nullptr) return EINVAL;
    std::lock_guard load_lk(g_loader_mu);
    for (auto &m : records()) {
        if (m->name == name) {
            *id = m->id;
            return 0;
        }
    }
    return ENOENT;
}

NKE_API int kmod_get_stat(int id, struct kmod_stat *st) {
    if (st == nullptr) return EINVAL;
    std::lock_guard load_lk(g_loader_mu);
    Module *m = find_locked(id);
    if (m == nullptr) return ENOENT;
    std::memset(st, 0, sizeof *st);
    st->id = m->id;
    {
        std::lock_guard lk(registry::mutex());
        const uint64_t refs = registry::references_locked(*m);
        st->reference_count = refs > INT32_MAX ? INT32_MAX : static_cast<int32_t>(refs);
        st->registrations = m->registrations;
    }
    std::snprintf(st->name, sizeof st->name, "%s", m->name.c_str());
    std::snprintf(st->version, sizeof st->version, "%s", m->version.c_str());
    std::snprintf(st->path, sizeof st->path, "%s", m->path.c_str());
    return 0;
}

NKE_API int kmod_list(int *ids, size_t max, size_t *count) {
    if (count == nullptr || (ids == nullptr && max != 0)) return EINVAL;
    std::lock_guard load_lk(g_loader_mu);
    size_t n = 0;
    for (auto &m : records()) {
        if (n < max) ids[n] = m->id;
        ++n;
    }
    *count = n;
    return 0;
}

}  // extern "C"
