// nke-host: run NKE modules against a captured stream of Ethernet frames.
//
// It attaches an Ethernet interface whose driver is a pair of queues,
// loads NKE modules (kmod_load), optionally attaches "capture" protocols by
// Ethernet type, replays a pcap capture through dlil_input, and reports
// what happened at each stage: frames in, kept by NKEs, dropped (and why),
// delivered to the capture protocols, and sent out through the driver.
// What reaches each capture protocol and what leaves through the driver can
// be written to pcap files.
//
// It uses only the OpenNKE ABI (<nke/nke.h>), so it runs against any
// implementation: put its libnke.so.1 first on LD_LIBRARY_PATH.
#include <getopt.h>
#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "queue_if.hpp"  // last: <nke/mbuf.h> defines m_* macros

namespace {

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;
constexpr int kExitIo = 3;

const char kUsage[] =
    "Usage: nke-host [OPTIONS] CAPTURE.pcap\n"
    "Replay an Ethernet capture through the DLIL of an OpenNKE implementation\n"
    "with NKE modules loaded, and report what happened to the frames.\n"
    "\n"
    "Options:\n"
    "  -m, --module PATH[:ARGS]  load an NKE module before the replay (repeatable,\n"
    "                            in order); ARGS, a string such as\n"
    "                            \"if=en0,report=out.txt\", is passed to the module's\n"
    "                            start and stop routines; modules are unloaded in\n"
    "                            reverse order after the replay\n"
    "  -p, --proto TYPE          attach a capture protocol for Ethernet type TYPE\n"
    "                            (e.g. 0x0800; repeatable); it takes every frame the\n"
    "                            demux hands it\n"
    "  -o, --out-dir DIR         write DIR/proto-TYPE.pcap (what reached each capture\n"
    "                            protocol, link header included) and DIR/out.pcap\n"
    "                            (what the stack sent through the driver)\n"
    "  -i, --interface NAME      the interface's name and unit (default en0)\n"
    "      --lladdr MAC          its link address (default 02:00:00:00:00:01)\n"
    "      --no-promisc          drop unicast frames for other stations (by default\n"
    "                            the interface is promiscuous: a capture holds other\n"
    "                            stations' traffic)\n"
    "      --progress            show a progress line on stderr (the default when\n"
    "                            stderr is a terminal)\n"
    "      --no-progress         never show it\n"
    "  -q, --quiet               print only errors\n"
    "  -h, --help                show this help\n"
    "      --version             show the version and the implementation in use\n"
    "\n"
    "Stages reported: in (frames handed to dlil_input), kept (swallowed by a filter\n"
    "or a module's protocol), dropped (ifi_ierrors malformed, ifi_iqdrops by a\n"
    "decision, ifi_noproto unclaimed), delivered (to capture protocols), out\n"
    "(frames if_output received).\n"
    "\n"
    "Exit status: 0 success, 1 a module or DLIL call failed, 2 usage error,\n"
    "3 a file could not be read or written.\n"
    "Set NKE_LOG=1 to see the modules' nke_log lines.\n";

struct ModuleSpec {
    std::string path;
    std::string args;  // kept alive: the module may keep the pointer until stop
    int id = 0;
};

struct Options {
    std::vector<ModuleSpec> modules;
    std::vector<uint16_t> protos;
    std::string out_dir;
    std::string ifname = "en";
    int16_t unit = 0;
    uint8_t lladdr[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    bool promisc = true;
    int progress = -1;  // -1: when stderr is a terminal
    bool quiet = false;
    std::string capture;
};

// --- frame classes (the type after any 802.1Q/802.1ad tags) -----------------

enum Class { kIpv4, kIpv6, kArp, kLlc, kPppoe, kOther, kClasses };
const char *const kClassNames[kClasses] = {"ipv4", "ipv6", "arp", "llc", "pppoe", "other"};

Class classify(const uint8_t *f, size_t len) {
    if (len < 14) return kOther;
    size_t off = 12;
    unsigned type = static_cast<unsigned>(f[off] << 8 | f[off + 1]);
    for (int k = 0; k < 2 && (type == 0x8100 || type == 0x88a8 || type == 0x9100); ++k) {
        off += 4;
        if (off + 2 > len) return kOther;
        type = static_cast<unsigned>(f[off] << 8 | f[off + 1]);
    }
    if (type <= 1500) return kLlc;
    switch (type) {
    case 0x0800: return kIpv4;
    case 0x86dd: return kIpv6;
    case 0x0806: return kArp;
    case 0x8863:
    case 0x8864: return kPppoe;
    default: return kOther;
    }
}

// --- pcap output ----------------------------------------------------------------

class PcapWriter {
public:
    bool open(const std::string &path) {
        dead_ = pcap_open_dead(DLT_EN10MB, 262144);
        if (!dead_) return false;
        dumper_ = pcap_dump_open(dead_, path.c_str());
        return dumper_ != nullptr;
    }
    void write(const timeval &ts, const std::vector<uint8_t> &bytes) {
        if (!dumper_) return;
        pcap_pkthdr h{};
        h.ts = ts;
        h.caplen = h.len = static_cast<bpf_u_int32>(bytes.size());
        pcap_dump(reinterpret_cast<u_char *>(dumper_), &h, bytes.data());
    }
    ~PcapWriter() {
        if (dumper_) pcap_dump_close(dumper_);
        if (dead_) pcap_close(dead_);
    }

private:
    pcap_t *dead_ = nullptr;
    pcap_dumper_t *dumper_ = nullptr;
};

// --- capture protocols --------------------------------------------------------------

struct Capture {
    uint16_t type = 0;
    unsigned long tag = 0;
    uint64_t frames = 0;
    uint8_t type_bytes[2] = {};
    dlil_demux_desc desc{};
    std::unique_ptr<PcapWriter> writer;
};

std::map<unsigned long, Capture *> g_by_tag;  // single-threaded tool: no lock
timeval g_now{};                               // timestamp of the frame being replayed

int capture_input(struct mbuf *m, char *frame, ifnet *, unsigned long dl_tag, int) {
    auto it = g_by_tag.find(dl_tag);
    if (it != g_by_tag.end()) {
        Capture &c = *it->second;
        ++c.frames;
        if (c.writer) {
            std::vector<uint8_t> bytes;
            if (frame) bytes.assign(frame, frame + 14);
            const std::vector<uint8_t> body = nke::drivers::chain_bytes(m);
            bytes.insert(bytes.end(), body.begin(), body.end());
            c.writer->write(g_now, bytes);
        }
    }
    m_freem(m);  // returning 0: the protocol owns (and here frees) the frame
    return 0;
}

int attach_capture(Capture &c, const ifnet &ifp) {
    c.type_bytes[0] = static_cast<uint8_t>(c.type >> 8);
    c.type_bytes[1] = static_cast<uint8_t>(c.type & 0xff);
    c.desc.type = DLIL_DESC_ETYPE2;
    c.desc.native_type = c.type_bytes;
    c.desc.variants.native_type_length = 2;
    dlil_proto_reg_str reg{};
    TAILQ_INIT(&reg.demux_desc_head);
    TAILQ_INSERT_TAIL(&reg.demux_desc_head, &c.desc, next);
    reg.interface_family = ifp.if_family;
    reg.unit_number = ifp.if_unit;
    reg.protocol_family = 0x6e6b0000u | c.type;  // one private family per type
    reg.input = capture_input;
    const int rc = dlil_attach_protocol(&reg, &c.tag);
    if (rc == 0) g_by_tag[c.tag] = &c;
    return rc;
}

// --- argument parsing --------------------------------------------------------------

bool parse_mac(const char *s, uint8_t out[6]) {
    unsigned b[6];
    char tail;
    if (std::sscanf(s, "%x:%x:%x:%x:%x:%x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6)
        return false;
    for (int k = 0; k < 6; ++k) {
        if (b[k] > 0xff) return false;
        out[k] = static_cast<uint8_t>(b[k]);
    }
    return true;
}

bool parse_ifname(const char *s, Options &o) {
    const size_t len = std::strlen(s);
    size_t digits = 0;
    while (digits < len && s[len - 1 - digits] >= '0' && s[len - 1 - digits] <= '9') ++digits;
    if (digits == 0 || digits == len || len - digits >= NKE_IFNAMSIZ || digits > 4) return false;
    o.ifname.assign(s, len - digits);
    o.unit = static_cast<int16_t>(std::atoi(s + len - digits));
    return true;
}

int usage_error(const std::string &msg) {
    std::fprintf(stderr, "nke-host: %s\nTry 'nke-host --help'.\n", msg.c_str());
    return kExitUsage;
}

int parse(int argc, char **argv, Options &o) {
    enum { kLladdr = 256, kNoPromisc, kProgress, kNoProgress, kVersion };
    static const option longs[] = {
        {"module", required_argument, nullptr, 'm'},   {"proto", required_argument, nullptr, 'p'},
        {"out-dir", required_argument, nullptr, 'o'},  {"interface", required_argument, nullptr, 'i'},
        {"lladdr", required_argument, nullptr, kLladdr}, {"no-promisc", no_argument, nullptr, kNoPromisc},
        {"progress", no_argument, nullptr, kProgress}, {"no-progress", no_argument, nullptr, kNoProgress},
        {"quiet", no_argument, nullptr, 'q'},          {"help", no_argument, nullptr, 'h'},
        {"version", no_argument, nullptr, kVersion},   {nullptr, 0, nullptr, 0}};
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, ":m:p:o:i:qh", longs, nullptr)) != -1;) {
        switch (c) {
        case 'm': {
            ModuleSpec spec;
            const std::string a = optarg;
            const size_t colon = a.find(':');
            spec.path = a.substr(0, colon);
            if (colon != std::string::npos) spec.args = a.substr(colon + 1);
            if (spec.path.empty()) return usage_error(std::string("empty module path in '") + optarg + "'");
            o.modules.push_back(std::move(spec));
            break;
        }
        case 'p': {
            char *end = nullptr;
            errno = 0;
            const unsigned long t = std::strtoul(optarg, &end, 0);
            if (errno || *end || t < 0x0600 || t > 0xffff)
                return usage_error(std::string("'") + optarg + "' is not an Ethernet type (0x0600-0xffff)");
            o.protos.push_back(static_cast<uint16_t>(t));
            break;
        }
        case 'o': o.out_dir = optarg; break;
        case 'i':
            if (!parse_ifname(optarg, o)) return usage_error(std::string("'") + optarg + "' is not an interface name like en0");
            break;
        case kLladdr:
            if (!parse_mac(optarg, o.lladdr)) return usage_error(std::string("'") + optarg + "' is not a MAC address");
            break;
        case kNoPromisc: o.promisc = false; break;
        case kProgress: o.progress = 1; break;
        case kNoProgress: o.progress = 0; break;
        case 'q': o.quiet = true; break;
        case 'h': std::fputs(kUsage, stdout); return -1;
        case kVersion: {
            const nke_harness *h = nke_harness_v1();
            std::printf("nke-host 0.1.0 (implementation: %s %s)\n", h ? h->impl_name : "?",
                        h ? h->impl_version : "?");
            return -1;
        }
        case ':': return usage_error(std::string("option '") + argv[optind - 1] + "' needs an argument");
        default: return usage_error(std::string("unknown option '") + argv[optind - 1] + "'");
        }
    }
    if (optind + 1 != argc) {
        return usage_error(optind == argc ? "no capture file given" : "give exactly one capture file");
    }
    o.capture = argv[optind];
    return kExitOk;
}

// --- the run ----------------------------------------------------------------------------

class Progress {
public:
    Progress(bool on, const char *path) : on_(on) {
        struct stat st;
        if (on_ && ::stat(path, &st) == 0) size_ = static_cast<uint64_t>(st.st_size);
    }
    void tick(uint64_t frames, FILE *f) {
        if (!on_ || (frames % 256) != 0) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_ < std::chrono::milliseconds(200)) return;
        last_ = now;
        const long pos = f ? std::ftell(f) : -1;
        if (size_ > 0 && pos >= 0)
            std::fprintf(stderr, "\rnke-host: %" PRIu64 " frames, %3d%%", frames,
                         static_cast<int>(100.0 * static_cast<double>(pos) / static_cast<double>(size_)));
        else
            std::fprintf(stderr, "\rnke-host: %" PRIu64 " frames", frames);
        shown_ = true;
    }
    ~Progress() {
        if (shown_) std::fputs("\r\033[K", stderr);
    }

private:
    bool on_;
    uint64_t size_ = 0;
    bool shown_ = false;
    std::chrono::steady_clock::time_point last_{};
};

int run(Options &o) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t *in = pcap_open_offline(o.capture.c_str(), errbuf);
    if (!in) {
        std::fprintf(stderr, "nke-host: cannot read %s: %s\n", o.capture.c_str(), errbuf);
        return kExitIo;
    }
    std::unique_ptr<pcap_t, void (*)(pcap_t *)> in_guard(in, pcap_close);
    if (pcap_datalink(in) != DLT_EN10MB) {
        std::fprintf(stderr, "nke-host: %s: link type %s, only Ethernet (EN10MB) is supported\n",
                     o.capture.c_str(), pcap_datalink_val_to_name(pcap_datalink(in)));
        return kExitIo;
    }
    if (!o.out_dir.empty()) {
        struct stat st;
        if (::stat(o.out_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
            std::fprintf(stderr, "nke-host: %s is not a directory\n", o.out_dir.c_str());
            return kExitIo;
        }
    }

    nke::drivers::QueueIf qif(o.ifname, o.unit, o.lladdr, o.promisc);
    const std::string ifname = o.ifname + std::to_string(o.unit);
    if (int rc = qif.attach()) {
        std::fprintf(stderr, "nke-host: dlil_if_attach(%s): %s\n", ifname.c_str(), std::strerror(rc));
        return kExitRuntime;
    }
    std::vector<std::unique_ptr<Capture>> captures;
    PcapWriter out_writer;
    if (!o.out_dir.empty() && !out_writer.open(o.out_dir + "/out.pcap")) {
        std::fprintf(stderr, "nke-host: cannot write %s/out.pcap\n", o.out_dir.c_str());
        return kExitIo;
    }
    int status = kExitOk;
    for (uint16_t t : o.protos) {
        auto c = std::make_unique<Capture>();
        c->type = t;
        if (!o.out_dir.empty()) {
            char name[32];
            std::snprintf(name, sizeof name, "/proto-0x%04x.pcap", t);
            c->writer = std::make_unique<PcapWriter>();
            if (!c->writer->open(o.out_dir + name)) {
                std::fprintf(stderr, "nke-host: cannot write %s%s\n", o.out_dir.c_str(), name);
                return kExitIo;
            }
        }
        if (int rc = attach_capture(*c, *qif.ifp())) {
            std::fprintf(stderr, "nke-host: cannot attach a protocol for type 0x%04x: %s\n", t,
                         std::strerror(rc));
            status = kExitRuntime;
            break;
        }
        captures.push_back(std::move(c));
    }
    size_t loaded = 0;
    for (; status == kExitOk && loaded < o.modules.size(); ++loaded) {
        ModuleSpec &m = o.modules[loaded];
        void *data = m.args.empty() ? nullptr : m.args.data();
        if (int rc = kmod_load(m.path.c_str(), data, &m.id)) {
            std::fprintf(stderr, "nke-host: kmod_load(%s): %s\n", m.path.c_str(), std::strerror(rc));
            status = rc == ENOENT ? kExitIo : kExitRuntime;
            break;
        }
    }

    uint64_t frames = 0, truncated = 0;
    uint64_t classes[kClasses] = {};
    if (status == kExitOk) {
        Progress progress(o.progress == 1 || (o.progress == -1 && isatty(STDERR_FILENO)),
                          o.capture.c_str());
        pcap_pkthdr *h = nullptr;
        const u_char *bytes = nullptr;
        int rc;
        while ((rc = pcap_next_ex(in, &h, &bytes)) == 1) {
            g_now = h->ts;
            ++frames;
            if (h->caplen < h->len) ++truncated;
            ++classes[classify(bytes, h->caplen)];
            const int in_rc = qif.receive(bytes, h->caplen);
            if (in_rc != 0) {
                std::fprintf(stderr, "nke-host: frame %" PRIu64 ": dlil_input: %s\n", frames,
                             std::strerror(in_rc));
                status = kExitRuntime;
                break;
            }
            for (auto &sent : qif.take_sent()) out_writer.write(g_now, sent);
            progress.tick(frames, pcap_file(in));
        }
        if (rc == PCAP_ERROR) {
            std::fprintf(stderr, "nke-host: %s: %s\n", o.capture.c_str(), pcap_geterr(in));
            status = kExitIo;
        }
    }

    // Unload in reverse order: stop routines detach what the modules attached.
    for (size_t k = loaded; k-- > 0;) {
        ModuleSpec &m = o.modules[k];
        void *data = m.args.empty() ? nullptr : m.args.data();
        if (int rc = kmod_unload(m.id, data)) {
            std::fprintf(stderr, "nke-host: kmod_unload(%s): %s\n", m.path.c_str(), std::strerror(rc));
            if (status == kExitOk) status = kExitRuntime;
        }
    }
    for (auto &sent : qif.take_sent()) out_writer.write(g_now, sent);
    const if_data c = qif.counters();  // before the detach: the stack owns if_data until then
    for (auto &cap : captures) (void)dlil_detach_protocol(cap->tag);
    if (int rc = qif.detach()) {
        std::fprintf(stderr, "nke-host: dlil_if_detach(%s): %s\n", ifname.c_str(), std::strerror(rc));
        if (status == kExitOk) status = kExitRuntime;
    }

    if (!o.quiet) {
        uint64_t delivered = 0;
        for (auto &cap : captures) delivered += cap->frames;
        const uint64_t dropped = c.ifi_ierrors + c.ifi_iqdrops + c.ifi_noproto;
        const uint64_t accounted = dropped + delivered;
        const uint64_t kept = c.ifi_ipackets > accounted ? c.ifi_ipackets - accounted : 0;
        std::printf("nke-host: %" PRIu64 " frames from %s on %s (%s)\n", frames, o.capture.c_str(),
                    ifname.c_str(), o.promisc ? "promiscuous" : "not promiscuous");
        if (truncated) std::printf("  (%" PRIu64 " frames were truncated by the capture's snaplen)\n", truncated);
        std::printf("  %-10s %8" PRIu64 "   dlil_input, %" PRIu64 " bytes\n", "in", c.ifi_ipackets,
                    c.ifi_ibytes);
        std::printf("  %-10s %8" PRIu64 "   by a filter or a module's protocol\n", "kept", kept);
        std::printf("  %-10s %8" PRIu64 "   malformed %" PRIu64 ", by a decision %" PRIu64
                    ", unclaimed %" PRIu64 "\n",
                    "dropped", dropped, c.ifi_ierrors, c.ifi_iqdrops, c.ifi_noproto);
        std::printf("  %-10s %8" PRIu64 "   to capture protocols\n", "delivered", delivered);
        std::printf("  %-10s %8" PRIu64 "   if_output, %" PRIu64 " bytes, %" PRIu64 " errors\n", "out",
                    c.ifi_opackets, c.ifi_obytes, c.ifi_oerrors);
        for (auto &cap : captures)
            std::printf("  delivered 0x%04x %" PRIu64 "\n", cap->type, cap->frames);
        std::printf("  classes:");
        for (int k = 0; k < kClasses; ++k)
            if (classes[k]) std::printf(" %s %" PRIu64, kClassNames[k], classes[k]);
        std::printf("\n");
        if (!o.out_dir.empty()) std::printf("  pcaps written to %s\n", o.out_dir.c_str());
    }
    return status;
}

}  // namespace

int main(int argc, char **argv) {
    Options o;
    const int rc = parse(argc, argv, o);
    if (rc == -1) return kExitOk;  // --help, --version
    if (rc != kExitOk) return rc;
    return run(o);
}
