/*
 * The "EP" example controller (reference/examples/ctl_ep): its id and the
 * option names a client uses with setsockopt/getsockopt at level
 * SYSPROTO_CONTROL.  The option namespace is the controller's own
 * (spec/kern_control.md, CTL-OPT-001).
 */
#ifndef CTL_EP_H
#define CTL_EP_H

#define kEPCommID 0x45504331u /* 'EPC1', as in the seed's Listing 1-1 */

/* setsockopt "key=value" stores a setting ("key=" deletes it);
 * getsockopt returns every setting, one "key=value\n" per line. */
#define EP_OPT_CONFIG 1
/* setsockopt "key" selects the setting EP_OPT_VALUE returns. */
#define EP_OPT_SELECT 2
/* getsockopt: the value of the selected setting (ENOENT if it has none). */
#define EP_OPT_VALUE 3
/* getsockopt: the statistics, as text "connects=N writes=N ...". */
#define EP_OPT_STATS 4
/* setsockopt with no value: reset the statistics (the seed's kEPCommand1 shape). */
#define EP_OPT_RESET 5
/* setsockopt "0" or "1": echo every message back to the client (default 1). */
#define EP_OPT_ECHO 6

#define EP_MAX_SETTINGS 8
#define EP_MAX_KEY 15
#define EP_MAX_VALUE 63

#endif
