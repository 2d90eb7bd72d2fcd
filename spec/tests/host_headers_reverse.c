/* ABI-HDR-003, the other order: the ABI first, then the host's headers
 * (glibc defines ERESTART, IFNAMSIZ, LOG_* ... of its own). */
#include <nke/nke.h>
#include <errno.h>
#include <math.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <syslog.h>

int nke_selftest_host_headers_reverse(void);
int nke_selftest_host_headers_reverse(void) { return ERESTART > 0 && EJUSTRETURN == -2 ? 0 : 1; }
