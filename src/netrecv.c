/* netrecv.c -- placeholder while it is written (see netrecv.h). */
#include "netrecv.h"
