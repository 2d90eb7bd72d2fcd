/* A module descriptor whose name fills all 64 bytes with no terminator. */
#include <nke/kmod.h>
#include <string.h>

NKE_KMOD_LINKAGE kmod_info_t kmod_info;
kmod_info_t kmod_info = {0, KMOD_INFO_VERSION, -1,
                         {'a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a',
                          'a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a',
                          'a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a',
                          'a','a','a','a','a','a','a','a','a','a','a','a','a','a','a','a'},
                         "1.0", 0, 0, 0, 0, 0, 0, 0, 0};
