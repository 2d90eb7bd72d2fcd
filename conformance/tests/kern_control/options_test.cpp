// spec/kern_control.md — options at level SYSPROTO_CONTROL (CTL-OPT-*).
#include <climits>

#include "ctl_helpers.hpp"

using namespace nke::test;

NKE_TEST(CtlOptions, NamesArePassedUnchanged, "CTL-OPT-001") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    const int names[] = {0, 1, -1, INT_MAX, INT_MIN, SO_DEBUG, SO_RCVBUF, SO_NKE};
    for (int n : names) {
        EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, n, "v", 1), 0) << n;
        char buf[8];
        socklen_t len = sizeof buf;
        EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, n, buf, &len), 0) << n;
    }
    ASSERT_EQ(c.rec.set_calls.size(), std::size(names));
    ASSERT_EQ(c.rec.get_calls.size(), std::size(names));
    for (size_t i = 0; i < std::size(names); ++i) {
        EXPECT_EQ(c.rec.set_calls[i].opt, names[i]);
        EXPECT_EQ(c.rec.get_calls[i].opt, names[i]);
    }
}

NKE_TEST(CtlOptions, OtherLevelsAreEinval, "CTL-OPT-002") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd unconnected(control_socket());
    Fd fd = connected_client(c);
    // Not 1: SOL_SOCKET is 1 on some hosts (and SYSPROTO_EVENT is 1 too).
    for (int level : {0, 3, int{IPPROTO_TCP}, 0xffff, -5}) {
        if (level == SOL_SOCKET) continue;
        for (int s : {unconnected.get(), fd.get()}) {
            int v = 1;
            socklen_t len = sizeof v;
            EXPECT_SYS_ERRNO(nke_setsockopt(s, level, 1, &v, sizeof v), EINVAL);
            EXPECT_SYS_ERRNO(nke_getsockopt(s, level, 1, &v, &len), EINVAL);
        }
    }
    EXPECT_EQ(c.rec.sets + c.rec.gets, 0);
}

NKE_TEST(CtlOptions, UnconnectedIsEnotconn, "CTL-OPT-003") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    int v = 1;
    socklen_t len = sizeof v;
    EXPECT_SYS_ERRNO(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, &v, sizeof v), ENOTCONN);
    EXPECT_SYS_ERRNO(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, &v, &len), ENOTCONN);
    EXPECT_EQ(len, sizeof v);
}

NKE_TEST(CtlOptions, NullCallbacksAreEopnotsupp, "CTL-OPT-004") {
    TestController::Options o;
    o.callbacks = kCbConnect | kCbDisconnect | kCbWrite;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    int v = 7;
    socklen_t len = sizeof v;
    EXPECT_SYS_ERRNO(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, &v, sizeof v), EOPNOTSUPP);
    EXPECT_SYS_ERRNO(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, &v, &len), EOPNOTSUPP);
    EXPECT_EQ(v, 7);
    EXPECT_EQ(len, sizeof v);
    EXPECT_EQ(ENOTSUP, EOPNOTSUPP) << "history's ENOTSUP is this host's EOPNOTSUPP";
}

NKE_TEST(CtlOptions, OversizedValuesAreEinval, "CTL-OPT-005") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    std::string big(CTL_MAXOPTLEN + 1, 'o');
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, big.data(),
                                    static_cast<socklen_t>(big.size())),
                     EINVAL);
    socklen_t len = static_cast<socklen_t>(big.size());
    EXPECT_SYS_ERRNO(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, big.data(), &len), EINVAL);
    EXPECT_EQ(len, big.size());
    expect_unchanged(before, "oversized options");
    EXPECT_EQ(c.rec.sets + c.rec.gets, 0);
    big.pop_back();
    EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, big.data(),
                             static_cast<socklen_t>(big.size())),
              0);
    ASSERT_EQ(c.rec.set_calls.size(), 1u);
    EXPECT_EQ(c.rec.set_calls[0].len, static_cast<size_t>(CTL_MAXOPTLEN));
    len = CTL_MAXOPTLEN;
    EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, big.data(), &len), 0);
}

NKE_TEST(CtlOptions, NullValueWithLengthIsEfault, "CTL-OPT-006") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    EXPECT_SYS_ERRNO(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, nullptr, 4), EFAULT);
    EXPECT_EQ(c.rec.sets, 0);
}

NKE_TEST(CtlOptions, ZeroLengthSetPassesNull, "CTL-OPT-007") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    int v = 42;
    EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, nullptr, 0), 0);
    EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 2, &v, 0), 0);
    ASSERT_EQ(c.rec.set_calls.size(), 2u);
    for (const auto &call : c.rec.set_calls) {
        EXPECT_TRUE(call.data_null);
        EXPECT_EQ(call.len, 0u);
    }
}

NKE_TEST(CtlOptions, SetPassesACopyOfTheValue, "CTL-OPT-008") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    std::string value("config\0with a nul", 18);
    EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 9, value.data(),
                             static_cast<socklen_t>(value.size())),
              0);
    ASSERT_EQ(c.rec.set_calls.size(), 1u);
    EXPECT_FALSE(c.rec.set_calls[0].data_null);
    EXPECT_EQ(c.rec.set_calls[0].len, 18u);
    EXPECT_EQ(c.rec.set_calls[0].data, std::string("config\0with a nul", 18));
    EXPECT_NE(c.rec.set_calls[0].ptr, static_cast<const void *>(value.data()))
        << "ctl_set must get the stack's copy, not the caller's buffer";
}

NKE_TEST(CtlOptions, SetResultIsTheCallResult, "CTL-OPT-009") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    c.rec.set_rc = 0;
    EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, nullptr, 0), 0);
    c.rec.set_rc = EJUSTRETURN;
    EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, nullptr, 0), 0);
    c.rec.set_rc = ENOENT;
    EXPECT_SYS_ERRNO(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, nullptr, 0), ENOENT);
    c.rec.set_rc = -9;
    EXPECT_SYS_ERRNO(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, nullptr, 0), EIO);
    EXPECT_EQ(c.rec.sets, 4);
}

NKE_TEST(CtlOptions, SizeQueryReportsTheLength, "CTL-OPT-010") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    c.rec.get_reply = std::string(300, 'r');
    socklen_t len = 0;
    EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 4, nullptr, &len), 0);
    EXPECT_EQ(len, 300u);
    char buf[4] = {'a', 'b', 'c', 'd'};
    len = 0;
    EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 4, buf, &len), 0);
    EXPECT_EQ(len, 300u);
    EXPECT_EQ(std::string(buf, 4), "abcd") << "nothing copied by a size query";
    len = 64;
    EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 4, nullptr, &len), 0);
    EXPECT_EQ(len, 300u) << "optval NULL is a size query whatever optlen says";
    ASSERT_EQ(c.rec.get_calls.size(), 3u);
    for (const auto &g : c.rec.get_calls) {
        EXPECT_TRUE(g.data_null);
        EXPECT_EQ(g.len_in, 0u);
    }
    // A reported length is capped at CTL_MAXOPTLEN.
    c.rec.get_report = CTL_MAXOPTLEN * 4L;
    len = 0;
    EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 4, nullptr, &len), 0);
    EXPECT_EQ(len, static_cast<socklen_t>(CTL_MAXOPTLEN));
}

NKE_TEST(CtlOptions, GetCopiesTheShorterOfReplyAndBuffer, "CTL-OPT-011") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    c.rec.get_reply = "0123456789";
    char buf[16];
    std::memset(buf, '.', sizeof buf);
    socklen_t len = sizeof buf;
    EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, buf, &len), 0);
    EXPECT_EQ(len, 10u);
    EXPECT_EQ(std::string(buf, 16), "0123456789......");
    ASSERT_EQ(c.rec.get_calls.size(), 1u);
    EXPECT_FALSE(c.rec.get_calls[0].data_null);
    EXPECT_EQ(c.rec.get_calls[0].len_in, 16u);
    // A reply longer than the buffer is truncated to it.
    std::memset(buf, '.', sizeof buf);
    len = 4;
    EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, buf, &len), 0);
    EXPECT_EQ(len, 4u);
    EXPECT_EQ(std::string(buf, 16), "0123............");
    // A controller that reports more than the buffer still gets min().
    c.rec.get_report = 1000;
    len = 8;
    EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, buf, &len), 0);
    EXPECT_EQ(len, 8u);
}

NKE_TEST(CtlOptions, GetErrorCopiesNothing, "CTL-OPT-012") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    c.rec.get_reply = "secret";
    for (int rc : {EINVAL, ENOENT, -3}) {
        c.rec.get_rc = rc;
        char buf[8];
        std::memset(buf, '.', sizeof buf);
        socklen_t len = sizeof buf;
        EXPECT_SYS_ERRNO(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, buf, &len), rc > 0 ? rc : EIO);
        EXPECT_EQ(len, sizeof buf);
        EXPECT_EQ(std::string(buf, 8), "........");
    }
    c.rec.get_rc = EJUSTRETURN;
    char buf[8] = {};
    socklen_t len = sizeof buf;
    EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, buf, &len), 0);
    EXPECT_EQ(len, 6u);
    EXPECT_EQ(std::string(buf, 6), "secret");
}

NKE_TEST(CtlOptions, SolSocketNeverReachesTheController, "CTL-OPT-013") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    int v = 4096;
    EXPECT_EQ(nke_setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &v, sizeof v), 0) << std::strerror(errno);
    socklen_t len = sizeof v;
    EXPECT_EQ(nke_getsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
    int on = 1;
    EXPECT_EQ(nke_setsockopt(fd.get(), SOL_SOCKET, SO_DONTTRUNC, &on, sizeof on), 0);
    EXPECT_EQ(c.rec.sets + c.rec.gets, 0);
}

NKE_TEST(CtlOptions, DataEnqueuedFromOptionsIsQueuedOnReturn, "CTL-OPT-014", "CONC-CB-001") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    c.rec.in_set = [&] { EXPECT_EQ(ctl_enqueuedata(c.ref(), const_cast<char *>("ack"), 3, 0), 0); };
    c.rec.in_get = [&] { EXPECT_EQ(ctl_enqueuedata(c.ref(), const_cast<char *>("got"), 3, 0), 0); };
    Fd fd = connected_client(c);
    EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 1, nullptr, 0), 0);
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "ack");
    socklen_t len = 0;
    EXPECT_EQ(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, 1, nullptr, &len), 0);
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "got");
}
