/* A second copy of dl_testmod under another module name. */
#define DL_TESTMOD_B 1
#include "dl_testmod.c"
