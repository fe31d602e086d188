/* views.c: the per-SA table (-z ikediag,sa) and the ladder diagram (flow graph). */
#include "ikediag.h"

void ikediag_register_views(int proto)
{
    (void)proto;
}
