/* authconfig.c -- placeholder while it is written (see authconfig.h). */
#include "authconfig.h"
