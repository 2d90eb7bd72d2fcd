/* ABI-HDR-003: the ABI headers and the host C library's networking headers
 * can be included in one file, in either order, with no clash. */
#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <syslog.h>
#include <nke/nke.h>
#include <sys/un.h>

int nke_selftest_host_headers_cxx();
int nke_selftest_host_headers_cxx() { return IF_NAMESIZE == NKE_IFNAMSIZ ? 0 : 1; }
