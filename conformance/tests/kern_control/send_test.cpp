// spec/kern_control.md — sending to a controller (CTL-SEND-*).
#include "ctl_helpers.hpp"

using namespace nke::test;

NKE_TEST(CtlSend, UnconnectedIsEnotconn, "CTL-SEND-001") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd(control_socket());
    const sockaddr_ctl a = c.addr();
    const auto before = counters();
    EXPECT_SYS_ERRNO(nke_send(fd.get(), "x", 1, 0), ENOTCONN);
    EXPECT_SYS_ERRNO(nke_sendto(fd.get(), "x", 1, 0, reinterpret_cast<const struct sockaddr *>(&a),
                                sizeof a),
                     ENOTCONN);
    iovec iov{const_cast<char *>("x"), 1};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    EXPECT_SYS_ERRNO(nke_sendmsg(fd.get(), &msg, 0), ENOTCONN);
    expect_unchanged(before, "send on an unconnected control socket");
    EXPECT_EQ(c.rec.writes, 0);
}

NKE_TEST(CtlSend, LongerThanSendSizeIsEmsgsize, "CTL-SEND-002") {
    TestController::Options o;
    o.sendsize = 64;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    const auto before = counters();
    std::string msg(65, 'x');
    EXPECT_SYS_ERRNO(nke_send(fd.get(), msg.data(), msg.size(), 0), EMSGSIZE);
    expect_unchanged(before, "an oversized send");
    EXPECT_EQ(c.rec.writes, 0);
    msg.pop_back();
    EXPECT_EQ(nke_send(fd.get(), msg.data(), msg.size(), 0), 64);
    EXPECT_EQ(c.rec.writes, 1);
}

NKE_TEST(CtlSend, EachSendIsOnePacketChain, "CTL-SEND-003") {
    TestController::Options o;
    o.sendsize = 10000;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    std::string big(9000, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 7);
    EXPECT_EQ(nke_send(fd.get(), "abc", 3, 0), 3);
    EXPECT_EQ(nke_send(fd.get(), big.data(), big.size(), 0), 9000);
    const sockaddr_ctl a = c.addr();
    EXPECT_EQ(nke_sendto(fd.get(), "to", 2, 0, nullptr, 0), 2);
    iovec iov[2] = {{const_cast<char *>("gath"), 4}, {const_cast<char *>("ered"), 4}};
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = 2;
    EXPECT_EQ(nke_sendmsg(fd.get(), &msg, 0), 8);
    (void)a;
    ASSERT_EQ(c.rec.writes, 4);
    EXPECT_EQ(c.rec.written[0], "abc");
    EXPECT_EQ(c.rec.written[1], big);
    EXPECT_EQ(c.rec.written[2], "to");
    EXPECT_EQ(c.rec.written[3], "gathered");
    for (bool ok : c.rec.write_shape_ok) EXPECT_TRUE(ok) << "M_PKTHDR, pkthdr.len, m_nextpkt";
}

NKE_TEST(CtlSend, EmptyMessageIsAnEmptyPacket, "CTL-SEND-003") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    EXPECT_EQ(nke_send(fd.get(), "", 0, 0), 0);
    ASSERT_EQ(c.rec.writes, 1);
    EXPECT_EQ(c.rec.written[0], "");
    EXPECT_TRUE(c.rec.write_shape_ok[0]);
}

NKE_TEST(CtlSend, CtlWriteOwnsTheMbufOnError, "CTL-SEND-004") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    const auto before = counters();
    for (int rc : {0, EIO, ENOBUFS, EJUSTRETURN, -77}) {
        c.rec.write_rc = rc;
        (void)nke_send(fd.get(), "owned", 5, 0);
    }
    const auto after = counters();
    EXPECT_EQ(after.mbufs, before.mbufs) << "ctl_write freed every chain; the stack freed none";
    EXPECT_EQ(after.mbuf_double_frees, before.mbuf_double_frees) << "the stack freed an owned chain";
}

NKE_TEST(CtlSend, CtlWriteMayKeepTheMbuf, "CTL-SEND-004") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    c.rec.write_frees = false;
    Fd fd = connected_client(c);
    const auto before = counters();
    c.rec.write_rc = EIO;
    EXPECT_SYS_ERRNO(nke_send(fd.get(), "kept1", 5, 0), EIO);
    c.rec.write_rc = 0;
    EXPECT_EQ(nke_send(fd.get(), "kept2", 5, 0), 5);
    ASSERT_EQ(c.rec.kept.size(), 2u);
    EXPECT_GT(counters().mbufs, before.mbufs) << "the kept chains are alive";
    EXPECT_EQ(chain_bytes(c.rec.kept[0]), "kept1") << "the stack did not touch a kept chain";
    EXPECT_EQ(chain_bytes(c.rec.kept[1]), "kept2");
    // Pass one on to the client: the stack still accepts it as a record.
    ASSERT_EQ(ctl_enqueuembuf(c.ref(), c.rec.kept[1], 0), 0);
    c.rec.kept.pop_back();
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "kept2");
}

NKE_TEST(CtlSend, CtlWriteResultIsTheSendResult, "CTL-SEND-005") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    c.rec.write_rc = 0;
    EXPECT_EQ(nke_send(fd.get(), "12345", 5, 0), 5);
    c.rec.write_rc = EJUSTRETURN;
    EXPECT_EQ(nke_send(fd.get(), "12345", 5, 0), 5);
    c.rec.write_rc = ENOSPC;
    EXPECT_SYS_ERRNO(nke_send(fd.get(), "12345", 5, 0), ENOSPC);
    c.rec.write_rc = -1;   // history's ERESTART
    EXPECT_SYS_ERRNO(nke_send(fd.get(), "12345", 5, 0), EIO);
    c.rec.write_rc = -500;
    EXPECT_SYS_ERRNO(nke_send(fd.get(), "12345", 5, 0), EIO);
    EXPECT_EQ(c.rec.writes, 5);
}

NKE_TEST(CtlSend, NullCtlWriteFreesTheMessage, "CTL-SEND-006") {
    TestController::Options o;
    o.callbacks = kCbAll & ~kCbWrite;
    TestController c(o);
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    const auto before = counters();
    std::string big(2000, 'b');
    EXPECT_EQ(nke_send(fd.get(), big.data(), big.size(), 0), 2000);
    EXPECT_EQ(nke_send(fd.get(), "s", 1, 0), 1);
    const auto after = counters();
    EXPECT_EQ(after.mbufs, before.mbufs);
    EXPECT_EQ(after.clusters, before.clusters);
}

NKE_TEST(CtlSend, AncillaryDataIsFreedNotPassed, "CTL-SEND-007") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    Fd fd = connected_client(c);
    const auto before = counters();
    alignas(cmsghdr) unsigned char cbuf[CMSG_SPACE(sizeof(int))] = {};
    auto *cm = reinterpret_cast<cmsghdr *>(cbuf);
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = 0x7f;
    iovec iov{const_cast<char *>("payload"), 7};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    EXPECT_EQ(nke_sendmsg(fd.get(), &msg, 0), 7) << std::strerror(errno);
    ASSERT_EQ(c.rec.writes, 1);
    EXPECT_EQ(c.rec.written[0], "payload");
    EXPECT_EQ(counters().mbufs, before.mbufs) << "the control mbufs were freed";
}

NKE_TEST(CtlSend, DestinationAddressIsIgnored, "CTL-SEND-008") {
    TestController c, other;
    ASSERT_EQ(c.rc(), 0);
    ASSERT_EQ(other.rc(), 0);
    Fd fd = connected_client(c);
    const auto before = counters();
    const sockaddr_ctl a = other.addr();
    EXPECT_EQ(nke_sendto(fd.get(), "to", 2, 0, reinterpret_cast<const struct sockaddr *>(&a),
                         sizeof a),
              2)
        << std::strerror(errno);
    iovec iov{const_cast<char *>("msg"), 3};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_name = const_cast<sockaddr_ctl *>(&a);
    msg.msg_namelen = sizeof a;
    EXPECT_EQ(nke_sendmsg(fd.get(), &msg, 0), 3) << std::strerror(errno);
    EXPECT_EQ(c.rec.written, (std::vector<std::string>{"to", "msg"}));
    EXPECT_EQ(other.rec.writes, 0);
    expect_unchanged(before, "sends with an address");
}

NKE_TEST(CtlSend, CtlWriteRunsBeforeSendReturns, "CTL-SEND-009", "CONC-CB-001") {
    TestController c;
    ASSERT_EQ(c.rc(), 0);
    int rc = -1;
    c.rec.in_write = [&] {
        rc = ctl_enqueuedata(c.ref(), const_cast<char *>(c.rec.written.back().data()),
                             c.rec.written.back().size(), 0);
    };
    Fd fd = connected_client(c);
    EXPECT_EQ(nke_send(fd.get(), "echo", 4, 0), 4);
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(recv_record(fd.get()).value_or(""), "echo") << "queued when send returned";
}
