/* A third copy of dl_testmod under another module name. */
#define DL_TESTMOD_C 1
#include "dl_testmod.c"
