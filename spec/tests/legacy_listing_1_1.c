/*
 * ABI-COMPAT-002: the seed's Listing 1-1 ("Dispatch example"), unchanged
 * except that it sits inside a start routine, built against the
 * compatibility headers (legacy include names on the include path).
 */
#include <strings.h>
#include <sys/errno.h>
#include <sys/kern_control.h>
#include <sys/mbuf.h>

#define DO_LOG 0
#define kEPCommID 0x45504331 /* 'EPC1' */
#define kEPCommand1 1
#define kEPCommand2 2

static struct {
    kern_ctl_ref ctlHandle;
} gEPState;

static int Do_First_Thing(void) { return 0; }
static int Do_Command2(void) { return 0; }

int EPHandleSet(kern_ctl_ref, void *, int, void *, size_t);
int EPHandleGet(kern_ctl_ref, void *, int, void *, size_t *);
int EPHandleConnect(kern_ctl_ref, void *);
void EPHandleDisconnect(kern_ctl_ref, void *);
int EPHandleWrite(kern_ctl_ref, void *, struct mbuf *);
int ep_start(void);

int ep_start(void)
{
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
