/* The module of fz_mod_a.c under a second name, so two can be loaded. */
#define FZ_MOD_B 1
#include "fz_mod_a.c"
