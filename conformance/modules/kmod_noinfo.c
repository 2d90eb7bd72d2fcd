/* A shared object that is not a module: it defines no kmod_info. */
int kmod_noinfo_present(void);
int kmod_noinfo_present(void) { return 1; }
