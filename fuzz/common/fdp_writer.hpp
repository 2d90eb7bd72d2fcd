// FdpWriter: the inverse of FuzzedDataProvider, for writing seed inputs.
//
// FuzzedDataProvider reads integers from the END of the input (most
// significant byte first) and byte strings from the FRONT.  FdpWriter
// records both streams in the order the decoder will consume them and
// lays them out so that decoding reproduces exactly the values written.
// A seed written with it decodes to the scripted call sequence, so seed
// corpora start from deep states (a connected controller, a loaded module)
// instead of waiting for the fuzzer to find them.
#pragma once

#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

namespace nke::fuzz {

class FdpWriter {
public:
    // The value ConsumeIntegralInRange<T>(min, max) will return.
    template <class T>
    FdpWriter &range(T min, T max, T value) {
        static_assert(std::is_integral_v<T>);
        const uint64_t span = static_cast<uint64_t>(max) - static_cast<uint64_t>(min);
        const uint64_t v = static_cast<uint64_t>(value) - static_cast<uint64_t>(min);
        size_t n = 0;
        for (size_t off = 0; off < sizeof(T) * 8 && (span >> off) > 0; off += 8) ++n;
        for (size_t i = n; i-- > 0;) back_.push_back(static_cast<uint8_t>(v >> (8 * i)));
        return *this;
    }
    // ConsumeIntegral<T>().
    template <class T>
    FdpWriter &integral(T value) {
        return range<T>(std::numeric_limits<T>::min(), std::numeric_limits<T>::max(), value);
    }
    // ConsumeBool().
    FdpWriter &boolean(bool b) { return integral<uint8_t>(b ? 1 : 0); }
    // ConsumeEnum<E>() for an enum with kMaxValue.
    template <class E>
    FdpWriter &enumerator(E e) {
        return range<uint32_t>(0, static_cast<uint32_t>(E::kMaxValue), static_cast<uint32_t>(e));
    }
    // PickValueInArray over an array of `size` values: the index.
    FdpWriter &pick(size_t size, size_t index) { return range<size_t>(0, size - 1, index); }
    // ConsumeBytes<uint8_t>(n) with exactly these n bytes.
    FdpWriter &bytes(const void *p, size_t n) {
        const auto *b = static_cast<const uint8_t *>(p);
        front_.insert(front_.end(), b, b + n);
        return *this;
    }

    std::vector<uint8_t> finish() const {
        std::vector<uint8_t> out = front_;
        out.insert(out.end(), back_.rbegin(), back_.rend());
        return out;
    }

    bool write(const std::string &path) const {
        const std::vector<uint8_t> d = finish();
        std::ofstream f(path, std::ios::binary);
        f.write(reinterpret_cast<const char *>(d.data()), static_cast<std::streamsize>(d.size()));
        return static_cast<bool>(f);
    }

private:
    std::vector<uint8_t> front_;
    std::vector<uint8_t> back_;  // in consumption order
};

// Write raw bytes as one seed file.
inline bool write_file(const std::string &path, const std::vector<uint8_t> &d) {
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char *>(d.data()), static_cast<std::streamsize>(d.size()));
    return static_cast<bool>(f);
}

}  // namespace nke::fuzz
