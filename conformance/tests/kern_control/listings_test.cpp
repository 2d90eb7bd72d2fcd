// The seed's two listings, written out as in the document: Listing 1-1
// (a controller registration with its dispatch functions) and Listing 1-2
// (a client that opens a PF_SYSTEM socket, connects and calls setsockopt).
// Only the system-call names differ (nke_socket, nke_connect,
// nke_setsockopt); `fd` numbering from NKE_FD_FIRST makes `if (fd)` work.
#include <strings.h>

#include <cstdio>

#include "ctl_helpers.hpp"

namespace listing {

#define DO_LOG 0
#define kEPCommID 0x45504331 /* 'EPC1' */
#define kEPCommand1 1
#define kEPCommand2 2

// The listing's program-defined state and commands; the commands count
// their calls so that the test can see the dispatch.
struct EPState {
    kern_ctl_ref ctlHandle;
    int first_things;
    int command2s;
};
EPState gEPState;

static int Do_First_Thing() { return ++gEPState.first_things, 0; }
static int Do_Command2() { return ++gEPState.command2s, 0; }

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"

// --- Listing 1-1, dispatch functions, as in the seed -------------------------
int EPHandleSet( kern_ctl_ref ctlref, void *userdata, int opt, void *data, size_t len )
{
int error = EINVAL;
#if DO_LOG
log(LOG_ERR, "EPHandleSet opt is %d\n", opt);
#endif
switch ( opt )
{
case kEPCommand1: // program defined symbol
error = Do_First_Thing();
break;
case kEPCommand2: // program defined symbol
error = Do_Command2();
break;
}
return error;
}
int EPHandleGet( kern_ctl_ref ctlref, void *userdata, int opt, void *data, size_t *len )
{
int error = EINVAL;
#if DO_LOG
log(LOG_ERR, "EPHandleGet opt is %d *****************\n", opt);
#endif
return error;
}
int
EPHandleConnect(kern_ctl_ref ctlref, void *userdata)
{
#if DO_LOG
log(LOG_ERR, "EPHandleConnect called\n");
#endif
return (0);
}
void
EPHandleDisconnect(kern_ctl_ref ctlref, void *userdata)
{
#if DO_LOG
log(LOG_ERR, "EPHandleDisconnect called\n");
#endif
return;
}
int EPHandleWrite(kern_ctl_ref ctlref, void *userdata, struct mbuf *m)
{
#if DO_LOG
log(LOG_ERR, "EPHandleWrite called\n");
#endif
return (0);
}

#pragma GCC diagnostic pop

// The registration part of Listing 1-1, as the body of a start routine.
int listing_1_1_register() {
int error;
struct kern_ctl_reg ep_ctl;
// Initialize controller
bzero(&ep_ctl, sizeof(ep_ctl)); // sets ctl_unit to 0
ep_ctl.ctl_id = kEPCommID; // should be unique -
// use a registered Creator ID here
ep_ctl.ctl_flags = CTL_FLAG_PRIVILEGED;
ep_ctl.ctl_write = EPHandleWrite;
ep_ctl.ctl_get = EPHandleGet;
ep_ctl.ctl_set = EPHandleSet;
ep_ctl.ctl_connect = EPHandleConnect;
ep_ctl.ctl_disconnect = EPHandleDisconnect;
error = ctl_register(&ep_ctl, &gEPState, &gEPState.ctlHandle);
return error;
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"

// Listing 1-2, in a function that declares what the fragment assumes
// (`fd`, `result`), returning the descriptor for the test to inspect.
int listing_1_2(int *result_out) {
int fd;
int result = 1;
// --- Listing 1-2, as in the seed ----------------------------------------------
struct sockaddr_ctl addr;
int ret = 1;
bzero(&addr, sizeof(addr)); // sets the sc_unit field to 0
addr.sc_len = sizeof(addr);
addr.sc_family = AF_SYSTEM;
addr.ss_sysaddr = AF_SYS_CONTROL;
addr.sc_id = kEPCommID; // should be unique - use a registered Creator ID here
fd = nke_socket(PF_SYSTEM, SOCK_DGRAM, SYSPROTO_CONTROL);
if (fd)
{
result = nke_connect(fd, (struct sockaddr *)&addr, sizeof(addr));
if (result)
fprintf(stderr, "connect failed %d\n", result);
}
else
fprintf(stderr, "failed to open socket\n");
if (!result)
{
result = nke_setsockopt( fd, SYSPROTO_CONTROL, kEPCommand1, NULL, 0);
if (result)
fprintf(stderr, "setsockopt failed on kEPCommand1 call - result was %d\n", result);
// etc.
}
// --- end of the listing --------------------------------------------------------
(void)ret;
*result_out = result;
return fd;
}

}  // namespace listing

using namespace nke::test;

NKE_TEST(CtlListings, Listing1_1RegistersTheDispatchFunctions, "CTL-REG-001", "CTL-REG-010",
         "CTL-CONNECT-012", "CTL-OPT-001", "CTL-OPT-009") {
    listing::gEPState = {};
    ASSERT_EQ(listing::listing_1_1_register(), 0);
    ASSERT_NE(listing::gEPState.ctlHandle, nullptr);
    {
        // The dispatch functions are reached (as root: the controller is
        // privileged).  EPHandleConnect accepts; EPHandleSet dispatches the
        // commands and refuses others with EINVAL, as does EPHandleGet.
        // (EPHandleWrite is not exercised: the seed's stub never frees the
        // message it owns, CTL-SEND-004.)
        Fd fd(control_socket());
        ASSERT_EQ(connect_ctl(fd.get(), ctl_addr(kEPCommID)), 0) << std::strerror(errno);
        EXPECT_SYS_ERRNO(connect_ctl(fd.get(), ctl_addr(kEPCommID)), EISCONN);
        EXPECT_EQ(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, kEPCommand2, nullptr, 0), 0);
        EXPECT_EQ(listing::gEPState.command2s, 1);
        EXPECT_SYS_ERRNO(nke_setsockopt(fd.get(), SYSPROTO_CONTROL, 99, nullptr, 0), EINVAL);
        char buf[4];
        socklen_t len = sizeof buf;
        EXPECT_SYS_ERRNO(nke_getsockopt(fd.get(), SYSPROTO_CONTROL, kEPCommand1, buf, &len), EINVAL);
    }
    EXPECT_EQ(ctl_deregister(listing::gEPState.ctlHandle), 0) << "no client left";
}

NKE_TEST(CtlListings, Listing1_2ConnectsAndSendsACommand, "CTL-DOMAIN-003", "CTL-CONNECT-012",
         "CTL-OPT-007", "CTL-CONNECT-008") {
    listing::gEPState = {};
    ASSERT_EQ(listing::listing_1_1_register(), 0);
    int result = -1;
    const int fd = listing::listing_1_2(&result);
    EXPECT_GE(fd, NKE_FD_FIRST) << "`if (fd)` relies on descriptors never being 0";
    EXPECT_EQ(result, 0);
    EXPECT_EQ(listing::gEPState.first_things, 1) << "kEPCommand1 reached EPHandleSet";
    EXPECT_EQ(ctl_deregister(listing::gEPState.ctlHandle), EBUSY) << "the listing's client is connected";
    EXPECT_EQ(nke_close(fd), 0);
    EXPECT_EQ(ctl_deregister(listing::gEPState.ctlHandle), 0);
}

NKE_TEST(CtlListings, Listing1_2AsNonRootIsRefused, "CTL-CONNECT-008") {
    NKE_REQUIRE_HOOK(set_credentials);
    listing::gEPState = {};
    ASSERT_EQ(listing::listing_1_1_register(), 0);
    int result = 0;
    int fd = -1;
    {
        AsUser user(501, 501);
        fd = listing::listing_1_2(&result);
    }
    EXPECT_EQ(result, -1) << "the privileged controller refuses a non-root client";
    EXPECT_EQ(listing::gEPState.first_things, 0);
    EXPECT_EQ(nke_close(fd), 0);
    EXPECT_EQ(ctl_deregister(listing::gEPState.ctlHandle), 0);
}
