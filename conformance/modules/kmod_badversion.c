/* A module descriptor of an unknown info_version. */
#include <nke/kmod.h>

NKE_KMOD_LINKAGE kmod_info_t kmod_info;
kmod_info_t kmod_info = {0, KMOD_INFO_VERSION + 1, -1, "com.opennke.test.badversion", "1.0",
                         0, 0, 0, 0, 0, 0, 0, 0};
