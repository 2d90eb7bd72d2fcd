// spec/abi.md — the implementation exports the whole ABI.
#include "nke_test.hpp"

#include NKE_ABI_SYMBOLS_HPP

#include <dlfcn.h>

#include <string>

NKE_TEST(AbiSymbols, EveryDeclaredFunctionIsExported, "ABI-SYM-001", "HARN-PLUG-001") {
    // The list is generated from the headers (spec/tools/abi_symbols.py);
    // the implementation in this process is whatever libnke.so.1 the loader
    // found.
    void *impl = dlopen("libnke.so.1", RTLD_NOW | RTLD_NOLOAD);
    ASSERT_NE(impl, nullptr) << "libnke.so.1 is not loaded: " << dlerror();
    std::string missing;
    for (auto name : nke::abi::kSymbols) {
        const std::string n(name);
        if (dlsym(impl, n.c_str()) == nullptr) missing += " " + n;
    }
    dlclose(impl);
    EXPECT_TRUE(missing.empty()) << "not exported:" << missing;
}

NKE_TEST(AbiSymbols, HarnessEntryPointIsTheOneTheSuiteCalls, "HARN-PLUG-002", "ABI-VERSION-001") {
    void *impl = dlopen("libnke.so.1", RTLD_NOW | RTLD_NOLOAD);
    ASSERT_NE(impl, nullptr);
    auto *fn = reinterpret_cast<const nke_harness *(*)()>(dlsym(impl, "nke_harness_v1"));
    dlclose(impl);
    ASSERT_NE(fn, nullptr);
    EXPECT_EQ(fn(), nke_harness_v1()) << "the suite must judge the libnke.so.1 it was given";
    EXPECT_EQ(fn()->abi_version >> 16, static_cast<uint32_t>(NKE_ABI_VERSION_MAJOR));
}
